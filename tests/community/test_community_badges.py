"""Badges: awarded as things happen, taken back after reversals, re-run over history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from helpmesh.community import badges, services
from helpmesh.community.models import Badge, BadgeAward, Member, ReputationEvent
from helpmesh.core import clock

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def moving_clock():
    with clock.frozen(START):
        yield


def held(user) -> set[tuple[str, str | None]]:
    rows = BadgeAward.objects.filter(member=user).values_list("badge__slug", "tag__name")
    return set(rows)


def test_every_rule_has_a_badge_row_created_on_demand(db):
    rows = badges.ensure_badges()
    assert set(rows) == {rule.slug for rule in badges.RULES}
    assert Badge.objects.get(slug="tag-expert").level == "gold"
    assert len(badges.ensure_badges()) == Badge.objects.count()  # idempotent


def test_the_first_answer_badge_comes_with_the_first_answer(community, personas):
    topic = community.post_topic(personas.alice_user)
    assert ("first-answer", None) not in held(personas.alice_user)  # a question is no answer
    community.post_reply(topic, personas.bob_user)
    assert ("first-answer", None) in held(personas.bob_user)


def test_an_accepted_answer_badge_is_taken_back_when_unaccepted(community, personas):
    topic = community.post_topic(personas.alice_user)
    answer = community.post_reply(topic, personas.bob_user)
    services.accept(topic, answer, personas.alice_user)
    assert ("first-accepted-answer", None) in held(personas.bob_user)
    services.unaccept(topic, personas.alice_user)
    assert ("first-accepted-answer", None) not in held(personas.bob_user)


def test_tag_expert_is_awarded_per_tag(community, personas):
    for n in range(badges.TAG_EXPERT_ACCEPTED):
        clock.advance(timedelta(minutes=10))
        topic = community.post_topic(personas.alice_user, f"Billing question {n}", tags=["billing"])
        clock.advance(timedelta(minutes=10))
        answer = community.post_reply(topic, personas.bob_user, f"Billing answer {n}")
        services.accept(topic, answer, personas.alice_user)
    assert ("tag-expert", "billing") in held(personas.bob_user)
    assert ("tag-expert", None) not in held(personas.bob_user)


def test_a_streak_of_answers_on_consecutive_days(community, personas):
    topic = community.post_topic(personas.alice_user)
    for _ in range(badges.STREAK_DAYS - 1):
        community.post_reply(topic, personas.bob_user, "Still here to help.")
        clock.advance(timedelta(days=1))
    assert ("answer-streak", None) not in held(personas.bob_user)
    community.post_reply(topic, personas.bob_user, "And today too.")
    assert ("answer-streak", None) in held(personas.bob_user)


def test_longest_streaks_counts_runs_per_member():
    d = date(2026, 3, 1)
    rows = [(1, d), (1, d + timedelta(1)), (1, d + timedelta(3)), (2, d), (2, d + timedelta(1))]
    rows += [(2, d + timedelta(2))]
    assert list(badges._longest_streaks(rows)) == [(1, 2), (2, 3)]


def _upvotes(user, count: int) -> list[ReputationEvent]:
    return ReputationEvent.objects.bulk_create(
        ReputationEvent(member=user, kind="answer_upvoted", points=10, created_at=clock.now())
        for _ in range(count)
    )


def test_rebadge_adds_missing_awards_and_removes_those_no_longer_earned(community, personas):
    Member.objects.create(user=personas.alice_user, joined_at=START)
    Member.objects.create(user=personas.bob_user, joined_at=START, trust_level=3)
    rows = _upvotes(personas.alice_user, badges.UPVOTES)
    badge = badges.ensure_badges()["helpful-flagger"]
    BadgeAward.objects.create(badge=badge, member=personas.bob_user, awarded_at=START)

    seen = []
    result = badges.rebadge(progress=lambda done, total: seen.append((done, total)))

    assert held(personas.alice_user) == {("hundred-upvotes", None)}
    assert held(personas.bob_user) == {("trusted-member", None)}
    assert result == {"members": 2, "awarded": 2, "taken_back": 1}
    assert seen[-1] == (2, 2)

    # One upvote reversed: 99 left, the badge goes on the next run.
    ReputationEvent.objects.create(
        member=personas.alice_user,
        kind="vote_withdrawn",
        points=-10,
        reverses=rows[0],
        created_at=clock.now(),
    )
    assert badges.rebadge()["taken_back"] == 1
    assert held(personas.alice_user) == set()


def test_helpful_flagger_counts_upheld_flags(community, personas):
    Member.objects.create(user=personas.alice_user, joined_at=START)
    ReputationEvent.objects.bulk_create(
        ReputationEvent(member=personas.alice_user, kind="flag_upheld", points=1, created_at=START)
        for _ in range(badges.HELPFUL_FLAGS)
    )
    badges.award_for(personas.alice_user)
    assert held(personas.alice_user) == {("helpful-flagger", None)}


def test_the_rebadge_command_awards_with_a_progress_bar(community, personas, capsys):
    import argparse

    from helpmesh.community.cli import add_community_commands

    Member.objects.create(user=personas.alice_user, joined_at=START, trust_level=3)
    parser = argparse.ArgumentParser()
    add_community_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["community", "rebadge"])
    assert args.func(args) == 0
    assert held(personas.alice_user) == {("trusted-member", None)}
    assert "1 badges awarded" in capsys.readouterr().err

    Member.objects.filter(user=personas.alice_user).update(reputation=50)
    args = parser.parse_args(["community", "recompute"])
    assert args.func(args) == 0
    assert Member.objects.get(user=personas.alice_user).reputation == 0

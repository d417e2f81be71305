"""Moderator actions, flags and the queue: each writes a ModerationAction row and an audit event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from helpmesh.community import events, moderation, services
from helpmesh.community.errors import CommunityError
from helpmesh.community.models import (
    FlagStatus,
    Member,
    MemberStatus,
    ModerationAction,
    Topic,
    Visibility,
)
from helpmesh.core import clock
from helpmesh.core.models import AuditEvent

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def at_noon():
    with clock.frozen(NOON):
        yield


@pytest.fixture
def heard():
    """Every post_removed / post_restored / flag_resolved emitted during the test."""
    seen: list[tuple[str, dict]] = []

    def listener_for(name: str):
        return lambda **payload: seen.append((name, payload))

    names = ("post_removed", "post_restored", "flag_resolved", "post_published")
    listeners = {name: listener_for(name) for name in names}
    for name, listener in listeners.items():
        events.on(name)(listener)
    yield seen
    for name, listener in listeners.items():
        events._listeners[name].remove(listener)


def member(user, **fields) -> Member:
    row = services.member_for(user)
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()
    return row


def logged(action: str, **match) -> ModerationAction:
    row = ModerationAction.objects.get(action=action, **match)
    assert AuditEvent.objects.filter(
        kind=f"community.moderation.{action}", data__action_id=row.pk
    ).exists()
    return row


def test_a_first_post_is_held_then_approved_then_the_next_shows_at_once(community, personas, heard):
    alice = personas.alice_user
    topic = services.ask(alice, title="Printer offline", body="My printer says offline.")
    question = topic.posts.get()
    assert (question.visibility, question.held_reason) == ("pending", "first post of a new member")
    assert moderation.queue(personas.anna).posts == [question]

    moderation.approve(question, personas.anna, "looks fine")

    question.refresh_from_db()
    topic.refresh_from_db()
    assert (question.visibility, topic.visibility) == ("visible", "visible")
    assert Member.objects.get(user=alice).approved_posts == 1
    assert ("post_published", {"post": question}) in heard
    row = logged("approve", post=question)
    assert (row.moderator, row.reason) == (personas.anna, "looks fine")
    assert moderation.queue(personas.anna).posts == []
    assert services.reply(topic, alice, "It is back online now.").visibility == "visible"


def test_rejecting_a_held_question_removes_its_topic_and_tells_nobody(community, personas, heard):
    topic = community.post_topic(personas.alice_user, approve=False)
    question = topic.posts.get()

    moderation.reject(question, personas.anna, "not a question")

    assert Topic.objects.get(pk=topic.pk).visibility == "removed"
    assert [name for name, _ in heard] == []  # it was never shown, so nothing to reverse
    logged("reject", post=question)
    with pytest.raises(CommunityError) as twice:
        moderation.reject(question, personas.anna)
    assert twice.value.code == "conflict"


def test_restoring_a_rejected_first_post_publishes_it(community, personas, heard):
    question = community.post_topic(personas.alice_user, approve=False).posts.get()
    moderation.reject(question, personas.anna)

    moderation.restore(question, personas.anna, "changed my mind")

    question.refresh_from_db()
    assert question.visibility == "visible"
    assert [name for name, _ in heard] == ["post_published"]
    logged("restore", post=question)


def test_removing_a_question_removes_the_topic_and_emits_post_removed(community, personas, heard):
    topic = community.post_topic(personas.alice_user)
    question = topic.posts.get(is_question=True)
    heard.clear()

    moderation.remove(question, personas.anna, "spam")

    assert Topic.objects.get(pk=topic.pk).visibility == Visibility.REMOVED
    assert heard == [("post_removed", {"post": question, "by": personas.anna})]
    logged("remove", post=question)

    moderation.restore(question, personas.anna)

    assert Topic.objects.get(pk=topic.pk).visibility == Visibility.VISIBLE
    assert heard[-1] == ("post_restored", {"post": question, "by": personas.anna})
    logged("restore", post=question)


def test_removing_a_reply_leaves_the_topic(community, personas, heard):
    topic = community.post_topic(personas.alice_user)
    reply = community.post_reply(topic, personas.bob_user)

    moderation.remove(reply, personas.anna)

    topic.refresh_from_db()
    assert topic.visibility == "visible"
    assert topic.reply_count == 0


@pytest.mark.parametrize("reason", ["spam", "offensive"])
def test_three_trusted_members_flagging_spam_hide_the_post(
    community, personas, django_user_model, heard, reason
):
    topic = community.post_topic(personas.alice_user)
    post = topic.posts.get()
    flaggers = [django_user_model.objects.create_user(f"f{n}@example.com", "pw") for n in range(4)]
    member(flaggers[0], trust_level=0)  # a fresh account counts in the queue, not for hiding
    for user in flaggers[1:]:
        member(user, trust_level=1)

    for user in flaggers[:3]:
        moderation.flag(post, user, reason)
    post.refresh_from_db()
    assert post.visibility == "visible"

    moderation.flag(post, flaggers[3], reason, "selling watches")

    post.refresh_from_db()
    assert (post.visibility, post.held_reason) == ("pending", "flagged by the community")
    assert Topic.objects.get(pk=topic.pk).visibility == "pending"
    assert ("post_removed", {"post": post, "by": None}) in heard
    row = logged("hide", post=post)
    assert row.moderator is None
    assert [f.reporter for f in moderation.queue(personas.anna).flags] == flaggers


def test_off_topic_flags_never_hide(community, personas, django_user_model):
    post = community.post_topic(personas.alice_user).posts.get()
    for n in range(4):
        user = django_user_model.objects.create_user(f"f{n}@example.com", "pw")
        member(user, trust_level=2)
        moderation.flag(post, user, "off_topic")

    post.refresh_from_db()
    assert post.visibility == "visible"


def test_approving_a_hidden_post_restores_it_and_dismisses_the_flags(
    community, personas, settings, heard
):
    settings.HELPMESH_COMMUNITY_HIDE_AFTER_FLAGS = 1
    post = community.post_topic(personas.alice_user).posts.get()
    member(personas.bob_user, trust_level=1)
    flag = moderation.flag(post, personas.bob_user, "spam")
    heard.clear()

    moderation.approve(post, personas.anna)

    post.refresh_from_db()
    flag.refresh_from_db()
    assert post.visibility == "visible"
    assert flag.status == FlagStatus.DISMISSED
    assert [name for name, _ in heard] == ["flag_resolved", "post_restored"]


def test_removing_a_hidden_post_upholds_the_flags_without_a_second_post_removed(
    community, personas, settings, heard
):
    settings.HELPMESH_COMMUNITY_HIDE_AFTER_FLAGS = 1
    post = community.post_topic(personas.alice_user).posts.get()
    member(personas.bob_user, trust_level=1)
    flag = moderation.flag(post, personas.bob_user, "spam")

    moderation.reject(post, personas.anna)

    flag.refresh_from_db()
    assert flag.status == FlagStatus.UPHELD
    assert [name for name, _ in heard].count("post_removed") == 1


def test_one_flag_per_reporter_post_and_reason_and_never_ones_own(community, personas):
    post = community.post_topic(personas.alice_user).posts.get()
    moderation.flag(post, personas.bob_user, "spam")
    moderation.flag(post, personas.bob_user, "off_topic")

    with pytest.raises(CommunityError) as again:
        moderation.flag(post, personas.bob_user, "spam")
    assert again.value.code == "conflict"
    with pytest.raises(CommunityError) as own:
        moderation.flag(post, personas.alice_user, "spam")
    assert own.value.code == "forbidden"
    with pytest.raises(CommunityError) as unknown:
        moderation.flag(post, personas.bob_user, "boring")
    assert unknown.value.field == "reason"


def test_resolving_a_flag(community, personas, heard):
    post = community.post_topic(personas.alice_user).posts.get()
    flag = moderation.flag(post, personas.bob_user, "helpful")

    moderation.resolve_flag(flag, personas.anna, "upheld")

    flag.refresh_from_db()
    assert (flag.status, flag.resolved_by, flag.resolved_at) == ("upheld", personas.anna, NOON)
    assert heard[-1] == ("flag_resolved", {"flag": flag})
    logged("flag_upheld", post=post)
    with pytest.raises(CommunityError, match="already resolved"):
        moderation.resolve_flag(flag, personas.anna, "dismissed")


def test_silence_suspend_and_reinstate(community, personas):
    alice = personas.alice_user
    community.post_topic(alice)

    moderation.silence(alice, personas.anna, until=NOON + timedelta(days=1), reason="heated")
    with pytest.raises(CommunityError) as silenced:
        services.ask(alice, title="Again", body="Why was I silenced?")
    assert silenced.value.code == "silenced"
    logged("silence", member=alice)

    moderation.suspend(alice, personas.anna, until=None, reason="spamming")
    with pytest.raises(CommunityError) as suspended:
        services.ask(alice, title="Again", body="Why was I suspended?")
    assert suspended.value.code == "suspended"
    logged("suspend", member=alice)

    moderation.reinstate(alice, personas.anna, "appeal accepted")
    assert services.ask(alice, title="Thanks", body="Thank you for the review.").pk
    logged("reinstate", member=alice)


def test_a_silence_lifts_itself_on_the_injected_clock(community, personas):
    alice = personas.alice_user
    community.post_topic(alice)
    moderation.silence(alice, personas.anna, until=NOON + timedelta(hours=1), reason="cool down")

    clock.advance(timedelta(hours=1, seconds=1))

    assert services.ask(alice, title="Back", body="Back again with a question.").pk
    assert Member.objects.get(user=alice).status == MemberStatus.ACTIVE


def test_sanctions_need_a_reason_and_a_future_end(personas):
    with pytest.raises(CommunityError) as no_reason:
        moderation.silence(personas.alice_user, personas.anna, until=None, reason=" ")
    assert no_reason.value.field == "reason"
    with pytest.raises(CommunityError) as past:
        moderation.silence(personas.alice_user, personas.anna, until=NOON, reason="x")
    assert past.value.field == "until"


def test_staff_cannot_be_sanctioned(personas):
    with pytest.raises(CommunityError) as refused:
        moderation.suspend(personas.ben, personas.anna, until=None, reason="rival")
    assert refused.value.code == "forbidden"


def test_customers_may_not_moderate_but_trusted_members_may(community, personas):
    post = community.post_topic(personas.alice_user).posts.get()
    for action in (moderation.remove, moderation.approve, moderation.reject):
        with pytest.raises(CommunityError) as refused:
            action(post, personas.bob_user)
        assert refused.value.code == "forbidden"
    with pytest.raises(CommunityError):
        moderation.queue(personas.bob_user)
    with pytest.raises(CommunityError):
        moderation.silence(personas.alice_user, personas.bob_user, until=None, reason="x")

    member(personas.bob_user, trust_level_locked=4)

    moderation.remove(post, personas.bob_user, "off topic")
    assert logged("remove", post=post).moderator == personas.bob_user


def test_a_member_moderator_cannot_reach_a_private_group(community, personas, django_user_model):
    held = community.post_topic(
        personas.bob_user, category=community.private, approve=False
    ).posts.get()
    carol = django_user_model.objects.create_user("carol@example.com", "pw")
    member(carol, trust_level_locked=4)

    assert moderation.queue(carol).posts == []
    assert moderation.queue(personas.anna).posts == [held]
    with pytest.raises(CommunityError) as hidden:
        moderation.approve(held, carol)
    assert hidden.value.code == "not_found"


def test_the_log_is_newest_first(community, personas):
    alice = personas.alice_user
    moderation.silence(alice, personas.anna, until=None, reason="one")
    clock.advance(timedelta(minutes=1))
    moderation.reinstate(alice, personas.anna)

    assert [row.action for row in moderation.actions(personas.anna)] == ["reinstate", "silence"]


def test_removal_reverses_the_points_and_restoring_books_them_again(community, personas):
    topic = community.post_topic(personas.bob_user)
    answer = community.post_reply(topic, personas.alice_user, "Clear the cache, then retry.")
    services.vote(answer, personas.bob_user, 1)
    reputation = lambda: Member.objects.get(user=personas.alice_user).reputation  # noqa: E731
    assert reputation() == 10

    moderation.remove(answer, personas.anna, "wrong advice")
    assert reputation() == 0

    moderation.restore(answer, personas.anna)
    assert reputation() == 10

"""Reputation arithmetic: votes, changed and withdrawn votes, acceptance, removal, flags, floor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from helpmesh.community import moderation, reputation, services
from helpmesh.community.models import Member, ReputationEvent, Vote
from helpmesh.core import clock

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def moving_clock():
    with clock.frozen(START):
        yield


def rep(user) -> int:
    return Member.objects.get(user=user).reputation


def ledger(user) -> list[tuple[str, int]]:
    return list(ReputationEvent.objects.filter(member=user).values_list("kind", "points"))


@pytest.fixture
def thread(community):
    """alice asks; bob answers."""
    people = community.personas
    topic = community.post_topic(people.alice_user)
    clock.advance(timedelta(minutes=5))
    answer = community.post_reply(topic, people.bob_user)
    return topic, topic.posts.get(is_question=True), answer


def test_upvotes_and_downvotes_book_points_to_the_author(thread, personas):
    _, question, answer = thread
    services.vote(answer, personas.alice_user, 1)
    assert rep(personas.bob_user) == 10
    services.vote(question, personas.bob_user, 1)
    assert rep(personas.alice_user) == 5
    services.vote(question, personas.anna, -1)
    assert rep(personas.alice_user) == 3
    assert ledger(personas.alice_user) == [("question_upvoted", 5), ("downvoted", -2)]


def test_a_changed_vote_reverses_the_old_points_and_books_the_new(thread, personas):
    _, _, answer = thread
    services.vote(answer, personas.alice_user, 1)
    services.vote(answer, personas.alice_user, -1)
    assert rep(personas.bob_user) == 0  # 10 - 10 - 2 = -2, floored at 0
    assert reputation.ledger_sum(personas.bob_user.pk) == -2
    assert ledger(personas.bob_user) == [
        ("answer_upvoted", 10),
        ("vote_changed", -10),
        ("downvoted", -2),
    ]
    services.vote(answer, personas.alice_user, 1)
    assert rep(personas.bob_user) == 10


def test_a_withdrawn_vote_is_reversed_not_deleted(thread, personas):
    _, _, answer = thread
    services.vote(answer, personas.alice_user, 1)
    services.withdraw_vote(answer, personas.alice_user)
    assert rep(personas.bob_user) == 0
    reversal = ReputationEvent.objects.get(member=personas.bob_user, kind="vote_withdrawn")
    assert reversal.points == -10 and reversal.reverses.kind == "answer_upvoted"


def test_acceptance_pays_the_answerer_and_the_asker_and_unaccepting_reverses_it(thread, personas):
    topic, _, answer = thread
    services.accept(topic, answer, personas.alice_user)
    assert rep(personas.bob_user) == 15
    assert rep(personas.alice_user) == 2
    services.unaccept(topic, personas.alice_user)
    assert rep(personas.bob_user) == 0 and rep(personas.alice_user) == 0
    assert ReputationEvent.objects.filter(kind="unaccepted").count() == 2


def test_staff_accepting_for_the_asker_pays_only_the_answerer(thread, personas):
    topic, _, answer = thread
    services.accept(topic, answer, personas.anna)
    assert rep(personas.bob_user) == 15
    assert not ReputationEvent.objects.filter(member=personas.anna).exists()


def test_accepting_your_own_answer_earns_nothing(community, personas):
    topic = community.post_topic(personas.alice_user)
    clock.advance(timedelta(minutes=5))
    own = community.post_reply(topic, personas.alice_user, "Found it myself.")
    services.accept(topic, own, personas.alice_user)
    assert rep(personas.alice_user) == 0
    assert not ReputationEvent.objects.filter(kind__in=reputation.ACCEPT_KINDS).exists()


def test_switching_the_accepted_answer_moves_the_points(thread, community, personas):
    topic, _, first = thread
    carol = community.personas.root  # staff answer, so the points visibly move between two
    clock.advance(timedelta(minutes=5))
    second = community.post_reply(topic, carol, "Or clear your cookies.")
    services.accept(topic, first, personas.alice_user)
    services.accept(topic, second, personas.alice_user)
    assert rep(personas.bob_user) == 0
    assert rep(carol) == 15
    assert rep(personas.alice_user) == 2  # one acceptance standing


def test_removing_a_post_reverses_everything_it_earned_and_restoring_rebooks(thread, personas):
    topic, _, answer = thread
    services.vote(answer, personas.alice_user, 1)
    services.vote(answer, personas.anna, 1)
    services.accept(topic, answer, personas.alice_user)
    assert rep(personas.bob_user) == 35
    moderation.remove(answer, personas.anna, "off topic")
    assert rep(personas.bob_user) == 0
    assert rep(personas.alice_user) == 0  # the acceptance fell with the answer
    assert ReputationEvent.objects.filter(kind="post_removed").count() == 4
    moderation.restore(answer, personas.anna, "it was fine")
    # The votes come back; the acceptance was cleared by the removal and stays cleared.
    assert rep(personas.bob_user) == 20
    assert ReputationEvent.objects.count() == 4 + 4 + 2


def test_a_self_vote_earns_nothing(thread, personas):
    _, _, answer = thread
    vote = services.vote(answer, personas.bob_user, 1)
    vote.refresh_from_db()
    assert vote.discounted == reputation.SELF_VOTE
    assert rep(personas.bob_user) == 0


def test_a_vote_from_the_authors_address_earns_nothing(community, personas):
    topic = community.post_topic(personas.alice_user)
    clock.advance(timedelta(minutes=5))
    answer = services.reply(topic, personas.bob_user, "Try the other link.", ip="203.0.113.7")
    if answer.visibility != "visible":
        services.publish(answer, personas.root)
    vote = services.vote(answer, personas.alice_user, 1, ip="203.0.113.7")
    vote.refresh_from_db()
    assert vote.discounted == reputation.SAME_NETWORK
    assert rep(personas.bob_user) == 0


def test_a_vote_from_the_authors_device_earns_nothing(thread, community, personas):
    _, question, answer = thread
    services.vote(question, personas.bob_user, 1, device="ab12")  # bob's own device
    vote = services.vote(answer, personas.alice_user, 1, device="ab12")
    vote.refresh_from_db()
    assert vote.discounted == reputation.SAME_DEVICE
    assert rep(personas.bob_user) == 0


def _answers(community, author, count: int):
    """``count`` answers by ``author``, each on its own question by root (staff: never held)."""
    posts = []
    for n in range(count):
        clock.advance(timedelta(minutes=3))
        topic = community.post_topic(community.personas.root, f"Question number {n} about it")
        clock.advance(timedelta(minutes=3))
        posts.append(community.post_reply(topic, author, f"Answer number {n}."))
    return posts


def test_a_vote_ring_is_discounted_and_its_earlier_points_reversed(community, personas):
    alice, bob = personas.alice_user, personas.bob_user
    alices, bobs = _answers(community, alice, 4), _answers(community, bob, 4)
    for post in bobs:
        services.vote(post, alice, 1)
    for post in alices[:3]:
        services.vote(post, bob, 1)
    assert rep(bob) == 40 and rep(alice) == 30  # three each way is not yet a ring
    services.vote(alices[3], bob, 1)  # the fourth return vote closes the ring
    assert rep(alice) == 0 and rep(bob) == 0
    assert set(Vote.objects.values_list("discounted", flat=True)) == {reputation.VOTE_RING}
    assert ReputationEvent.objects.filter(kind="vote_ring").count() == 7


def test_a_voter_whose_votes_go_mostly_to_one_author_is_a_ring(community, personas):
    alice, bob = personas.alice_user, personas.bob_user
    bobs = _answers(community, bob, 10)
    for post in bobs[:9]:
        services.vote(post, alice, 1)
    assert rep(bob) == 90
    services.vote(bobs[9], alice, 1)  # ten votes, all to bob
    assert rep(bob) == 0


def test_flags_pay_the_flagger_and_a_helpful_flag_pays_the_author(thread, personas):
    _, _, answer = thread
    flag = moderation.flag(answer, personas.alice_user, "helpful")
    moderation.resolve_flag(flag, personas.anna, "upheld")
    assert rep(personas.alice_user) == 1
    assert rep(personas.bob_user) == 5


def test_a_rightful_spam_flag_keeps_its_point_when_the_post_is_removed(thread, personas):
    _, _, answer = thread
    moderation.flag(answer, personas.alice_user, "spam")
    moderation.remove(answer, personas.anna, "spam")
    assert rep(personas.alice_user) == 1


def test_recompute_rebuilds_reputation_from_the_ledger(thread, personas):
    _, _, answer = thread
    services.vote(answer, personas.alice_user, 1)
    Member.objects.filter(user=personas.bob_user).update(reputation=999)
    member = Member.objects.get(user=personas.bob_user)
    assert reputation.recompute(member) == 10
    Member.objects.filter(user=personas.bob_user).update(reputation=999)
    assert reputation.recompute_all() == 1
    assert rep(personas.bob_user) == 10


def test_points_lift_the_trust_level(thread, personas):
    topic, _, answer = thread
    clock.advance(timedelta(days=2))
    services.accept(topic, answer, personas.alice_user)  # +15, one post, two days: level 1
    assert Member.objects.get(user=personas.bob_user).trust_level == 1

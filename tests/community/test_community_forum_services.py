"""The forum's services: asking, replying, counters, acceptance, duplicates, edits, votes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from helpmesh.community import services
from helpmesh.community.errors import CommunityError
from helpmesh.community.models import Member, Revision, TopicStatus, Visibility
from helpmesh.core import clock

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def at_now():
    with clock.frozen(NOW):
        yield


def test_a_question_lands_in_the_default_category_with_its_tags(community, personas):
    topic = community.post_topic(personas.alice_user, tags=["Passwords", "login", "login"])
    assert topic.category == community.qa
    assert sorted(t.name for t in topic.tags.all()) == ["login", "passwords"]
    assert topic.posts.get().is_question
    assert topic.path == f"/community/t/{topic.pk}-how-do-i-reset-my-password/"


def test_more_than_five_tags_is_refused_naming_tags(community, personas):
    with pytest.raises(CommunityError) as err:
        services.ask(personas.alice_user, title="T", body="B", tags="a b c d e f")
    assert err.value.field == "tags"


def test_a_new_members_first_post_waits_for_approval_then_counts(community, personas):
    topic = community.post_topic(personas.alice_user, approve=False)
    question = topic.posts.get()
    assert question.visibility == Visibility.PENDING
    assert topic.visibility == Visibility.PENDING
    services.publish(question, personas.root)
    topic.refresh_from_db()
    assert topic.visibility == Visibility.VISIBLE
    assert Member.objects.get(user=personas.alice_user).approved_posts == 1


def test_replies_move_counters_and_the_first_answer_time(community, personas):
    topic = community.post_topic(personas.alice_user)
    clock.advance(timedelta(minutes=5))
    community.post_reply(topic, personas.alice_user, "Any idea? Still stuck.")
    assert topic.reply_count == 1 and topic.first_answer_at is None
    clock.advance(timedelta(minutes=5))
    answer = community.post_reply(topic, personas.anna, "Ask for a new link.")
    assert answer.is_official
    assert topic.reply_count == 2
    assert topic.first_answer_at == NOW + timedelta(minutes=10)
    assert topic.last_activity_at == NOW + timedelta(minutes=10)


def test_the_asker_accepts_and_the_topic_is_solved(community, personas):
    topic = community.post_topic(personas.alice_user)
    answer = community.post_reply(topic, personas.bob_user)
    services.accept(topic, answer, personas.alice_user)
    topic.refresh_from_db()
    assert topic.status == TopicStatus.SOLVED
    assert topic.accepted_post == answer and topic.accepted_by == personas.alice_user
    assert topic.solved_at == NOW
    services.unaccept(topic, personas.alice_user)
    topic.refresh_from_db()
    assert topic.status == TopicStatus.OPEN and topic.accepted_post is None


def test_another_member_may_not_accept(community, personas):
    topic = community.post_topic(personas.alice_user)
    answer = community.post_reply(topic, personas.bob_user)
    with pytest.raises(CommunityError) as err:
        services.accept(topic, answer, personas.bob_user)
    assert err.value.status == 403


def test_staff_accept_for_the_asker(community, personas):
    topic = community.post_topic(personas.alice_user)
    answer = community.post_reply(topic, personas.bob_user)
    services.accept(topic, answer, personas.anna)
    topic.refresh_from_db()
    assert topic.accepted_post == answer


def test_closing_as_a_duplicate_needs_the_privilege_and_points_at_the_original(community, personas):
    original = community.post_topic(personas.alice_user, "Reset my password")
    copy = community.post_topic(personas.bob_user, "Password reset")
    again = community.post_topic(personas.bob_user, "Password reset again")
    with pytest.raises(CommunityError) as err:
        services.close_as_duplicate(copy, original, personas.bob_user)
    assert err.value.code == "forbidden"
    services.close_as_duplicate(copy, original, personas.anna)
    services.close_as_duplicate(again, copy, personas.anna)
    copy.refresh_from_db(), again.refresh_from_db()
    assert copy.status == TopicStatus.DUPLICATE and copy.duplicate_of == original
    assert again.duplicate_of == original  # never a duplicate of a duplicate
    with pytest.raises(CommunityError) as err:
        services.reply(copy, personas.alice_user, "late")
    assert err.value.code == "conflict"
    services.reopen(copy, personas.anna)
    copy.refresh_from_db()
    assert copy.status == TopicStatus.OPEN and copy.duplicate_of is None


def test_every_edit_is_a_revision_with_a_diff(community, personas):
    topic = community.post_topic(personas.alice_user, "Printer offline", "It is offline.")
    question = topic.posts.get()
    services.edit_post(
        question, personas.alice_user, body="It is offline since Monday.", title="Printer down"
    )
    services.edit_post(question, personas.alice_user, body="It is offline since Monday.")
    revisions = list(Revision.objects.filter(post=question).values_list("number", "title"))
    assert revisions == [(1, "Printer offline"), (2, "Printer down")]
    topic.refresh_from_db()
    assert topic.title == "Printer down" and topic.slug == "printer-down"
    diff = services.revision_diff(question, 2)
    assert "-# Printer offline" in diff and "+It is offline since Monday." in diff


def test_editing_someone_elses_post_needs_the_privilege(community, personas):
    topic = community.post_topic(personas.alice_user)
    with pytest.raises(CommunityError) as err:
        services.edit_post(topic.posts.get(), personas.bob_user, body="mine now")
    assert err.value.code == "forbidden"
    services.edit_post(topic.posts.get(), personas.anna, body="Tidied up", reason="typo")
    assert topic.posts.get().revision == 2


def test_links_and_images_need_privileges_naming_body(community, personas):
    community.post_topic(personas.alice_user)
    for body in ("See https://example.com", "![x](https://example.com/a.png)", "[a](/b)"):
        with pytest.raises(CommunityError) as err:
            services.ask(personas.alice_user, title="Links", body=body)
        assert err.value.field == "body"
    staff_topic = services.ask(personas.anna, title="Links", body="See https://example.com")
    assert staff_topic.pk


def test_votes_score_posts_and_questions(community, personas):
    topic = community.post_topic(personas.alice_user)
    question = topic.posts.get()
    services.vote(question, personas.bob_user, 1)
    services.vote(question, personas.anna, 1)
    topic.refresh_from_db()
    assert topic.score == 2
    services.vote(question, personas.bob_user, -1)
    question.refresh_from_db()
    assert question.score == 0
    services.withdraw_vote(question, personas.anna)
    question.refresh_from_db()
    assert question.score == -1
    with pytest.raises(CommunityError) as err:
        services.vote(question, personas.bob_user, 2)
    assert err.value.field == "value"


def test_removing_the_accepted_answer_reopens_the_topic(community, personas):
    from helpmesh.community import events

    topic = community.post_topic(personas.alice_user)
    answer = community.post_reply(topic, personas.bob_user)
    services.accept(topic, answer, personas.alice_user)
    answer.visibility = Visibility.REMOVED
    answer.save()
    events.emit("post_removed", post=answer, by=personas.anna)
    topic.refresh_from_db()
    assert topic.status == TopicStatus.OPEN and topic.reply_count == 0

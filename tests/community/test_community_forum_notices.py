"""Mentions and watching: notices, mail at once or as a daily digest, or none."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from helpmesh.community import services, tasks
from helpmesh.community.models import Mention, PendingNotice
from helpmesh.core import clock

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def at_now():
    with clock.frozen(NOW):
        yield


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """``with sent():`` runs the mail tasks queued for after the commit when the block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_the_asker_is_mailed_when_someone_replies(community, personas, sent):
    topic = community.post_topic(personas.alice_user, "Scanner offline")
    mail.outbox.clear()
    with sent():
        community.post_reply(topic, personas.anna, "Restart the scanner service.")
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    message = mail.outbox[0]
    assert "Scanner offline" in message.subject
    assert "Restart the scanner service." in message.body
    assert topic.path in message.body
    assert message.alternatives and "Anna" in message.alternatives[0][0]
    notice = PendingNotice.objects.get(user=personas.alice_user)
    assert notice.reason == "answered" and notice.sent_at == NOW


def test_a_mention_by_name_or_email_is_recorded_and_mailed(community, personas, sent):
    topic = community.post_topic(personas.alice_user, "Who knows scanners?")
    mail.outbox.clear()
    with sent():
        post = community.post_reply(topic, personas.anna, "@bob and @Alice, see this. Not @nobody.")
    mentioned = set(Mention.objects.filter(post=post).values_list("user__email", flat=True))
    assert mentioned == {"bob@example.com", "alice@example.com"}
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "bob@example.com"]
    assert PendingNotice.objects.get(user=personas.bob_user).reason == "mentioned"


def test_a_mention_added_by_an_edit_notifies_once(community, personas, sent):
    topic = community.post_topic(personas.alice_user)
    with sent():
        post = community.post_reply(topic, personas.anna, "Let me ask a colleague.")
    mail.outbox.clear()
    with sent():
        services.edit_post(post, personas.anna, body="Let me ask @ben.")
    with sent():
        services.edit_post(post, personas.anna, body="Let me ask @ben, he knows.")
    assert [m.to for m in mail.outbox] == [["ben@example.com"]]


def test_a_mention_of_someone_who_cannot_read_the_category_is_ignored(community, personas, sent):
    topic = community.post_topic(personas.bob_user, "Beta bug", category=community.private)
    with sent():
        post = community.post_reply(topic, personas.anna, "@alice might know")
    assert not Mention.objects.filter(post=post).exists()


def test_watchers_of_a_category_or_tag_hear_of_new_topics(community, personas, sent):
    community.post_topic(personas.alice_user, "Warm up")
    services.watch(personas.bob_user, category=community.qa)
    mail.outbox.clear()
    with sent():
        community.post_topic(personas.alice_user, "New question here")
    assert [m.to for m in mail.outbox] == [["bob@example.com"]]
    assert PendingNotice.objects.get(user=personas.bob_user).reason == "watching"


def test_a_held_post_notifies_nobody_until_approved(community, personas, sent):
    topic = community.post_topic(personas.alice_user)
    mail.outbox.clear()
    newcomer_reply = services.reply(topic, personas.bob_user, "First post, held")
    assert newcomer_reply.visibility == "pending" and mail.outbox == []
    with sent():
        services.publish(newcomer_reply, personas.root)
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]


def test_digest_members_get_one_mail_a_day_and_off_members_none(community, personas, sent):
    topic = community.post_topic(personas.alice_user, "Digest me")
    services.set_notify(personas.alice_user, "digest")
    mail.outbox.clear()

    def to_alice() -> list:
        return [m for m in mail.outbox if m.to == ["alice@example.com"]]

    with sent():
        community.post_reply(topic, personas.anna, "First answer")
    clock.advance(timedelta(minutes=5))
    with sent():
        community.post_reply(topic, personas.ben, "Second answer")
    assert to_alice() == []  # anna, who watches since she replied, heard of ben's at once
    assert tasks.send_digests.call() == 2
    assert len(to_alice()) == 1
    digest = to_alice()[0]
    assert "First answer" in digest.body and "Second answer" in digest.body
    assert "digest" in digest.subject.lower()
    clock.advance(timedelta(hours=2))
    with sent():
        community.post_reply(topic, personas.anna, "Third answer")
    assert tasks.send_digests.call() == 0  # the next digest waits for a day to pass
    clock.advance(timedelta(days=1))
    assert tasks.send_digests.call() == 1
    services.set_notify(personas.alice_user, "off")
    with sent():
        community.post_reply(topic, personas.anna, "Fourth answer")
    fourth = PendingNotice.objects.filter(post__body="Fourth answer")
    assert not fourth.filter(user=personas.alice_user).exists()

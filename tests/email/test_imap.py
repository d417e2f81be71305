"""The IMAP poller against a real Dovecot on loopback."""

from __future__ import annotations

from emails import compose, eml

from helpmesh.channels.email import imap
from helpmesh.conversations.models import Ticket


def test_poll_imports_new_mail_and_marks_it_seen(imap_mailbox, dovecot):
    dovecot.deliver(eml("gmail_reply.eml"))
    dovecot.deliver(compose("bob@example.com", subject="Second"))
    result = imap.poll(imap_mailbox)
    assert result.outcomes == {"ticket": 2}, result.summary()
    assert Ticket.objects.count() == 2
    assert dovecot.folder_count(criteria="UNSEEN") == 0
    assert imap.poll(imap_mailbox).outcomes == {}  # nothing new the second time


def test_poll_can_move_imported_mail_to_a_folder(imap_mailbox, dovecot):
    imap_mailbox.after_import, imap_mailbox.move_to = "move", "Imported"
    imap_mailbox.save()
    dovecot.deliver(compose())
    assert imap.poll(imap_mailbox).outcomes == {"ticket": 1}
    assert dovecot.folder_count("INBOX") == 0 and dovecot.folder_count("Imported") == 1


def test_poll_can_delete_imported_mail(imap_mailbox, dovecot):
    imap_mailbox.after_import = "delete"
    imap_mailbox.save()
    dovecot.deliver(compose())
    imap.poll(imap_mailbox)
    assert dovecot.folder_count("INBOX") == 0 and Ticket.objects.count() == 1


def test_one_poller_per_mailbox(imap_mailbox, dovecot):
    assert imap.acquire(imap_mailbox, "worker-1")
    dovecot.deliver(compose())
    assert imap.poll(imap_mailbox, owner="worker-2").locked
    assert Ticket.objects.count() == 0
    imap.release(imap_mailbox, "worker-1")
    assert imap.poll(imap_mailbox, owner="worker-2").outcomes == {"ticket": 1}


def test_a_wrong_password_is_reported_on_the_mailbox(imap_mailbox, dovecot):
    imap_mailbox.imap_password = "wrong"
    imap_mailbox.save()
    result = imap.poll(imap_mailbox)
    imap_mailbox.refresh_from_db()
    assert result.error and imap_mailbox.last_error and imap_mailbox.locked_by == ""

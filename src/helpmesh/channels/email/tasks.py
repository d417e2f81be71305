"""Background work of the email channel: sending mail and polling mailboxes."""

from __future__ import annotations

from django_tasks import task


@task()
def send_mail(outbound_id: int) -> str:
    """Send one queued ``OutboundMail`` (retried with backoff by ``outbound.retry_due``)."""
    from helpmesh.channels.email import outbound

    return outbound.deliver(outbound_id)


@task()
def poll_mailbox(mailbox_id: int) -> str:
    """Fetch new mail of one mailbox (skipped when another worker holds its lock)."""
    from helpmesh.channels.email import imap
    from helpmesh.channels.email.models import Mailbox

    mailbox = Mailbox.objects.filter(pk=mailbox_id, active=True).first()
    if mailbox is None:
        return "skipped: no such active mailbox"
    return imap.poll(mailbox).summary()


@task()
def poll_due_mailboxes() -> list[str]:
    """Poll each mailbox whose interval has passed and retry failed sends (run periodically)."""
    from helpmesh.channels.email import imap

    return imap.poll_due()

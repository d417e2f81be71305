"""Background work about tickets: notifications to requesters.

Module-level task functions, enqueued with ``.enqueue(...)``; they run on whatever backend the
settings choose (database queue, Celery, or inline in tests).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django_tasks import task

from helpmesh.conversations.models import Message
from helpmesh.customers.models import IdentityKind

log = logging.getLogger(__name__)

# Channels that answer in their own way (the email channel sends a threaded reply from the
# mailbox). Registered by the channel app at start, so this module never imports a channel.
REPLY_SENDERS: dict[str, Callable[[Message], str]] = {}


def register_reply_sender(channel: str, sender: Callable[[Message], str]) -> None:
    """Let ``channel`` deliver agent replies on its tickets instead of the plain notification."""
    REPLY_SENDERS[channel] = sender


@task()
def notify_requester_of_reply(message_id: int) -> str:
    """Email the requester an agent's public reply (portal users also see it in the portal)."""
    message = (
        Message.objects.select_related("ticket__requester", "author_user")
        .filter(pk=message_id, internal=False)
        .first()
    )
    if message is None:
        return "skipped: no such public message"
    channel_sender = REPLY_SENDERS.get(message.ticket.channel)
    if channel_sender is not None:
        return channel_sender(message)
    identity = message.ticket.requester.identities.filter(
        kind=IdentityKind.EMAIL, failing_since__isnull=True
    ).first()
    if identity is None:
        return "skipped: requester has no working email address"
    context = {"message": message, "ticket": message.ticket, "base_url": settings.BASE_URL}
    mail = EmailMultiAlternatives(
        subject=f"[#{message.ticket_id}] {message.ticket.subject}",
        body=render_to_string("conversations/email/reply.txt", context),
        to=[identity.value],
        headers={"Auto-Submitted": "auto-generated", "X-Helpmesh-Ticket": str(message.ticket_id)},
    )
    mail.attach_alternative(
        render_to_string("conversations/email/reply.html", context), "text/html"
    )
    mail.send()
    # DEBUG: one line per reply is noise at INFO (the demo seeds about a thousand of them).
    log.debug("sent reply notification for message %s", message_id)
    return "sent"

"""Our own mail coming back (a customer's auto-forward, a mailbox copying to itself): ignore."""

from __future__ import annotations

from helpmesh.channels.email import addresses
from helpmesh.channels.email.filters import IGNORE, Context
from helpmesh.channels.email.models import Direction, MailRef

LOOP_HEADER = "X-Helpmesh-Loop"


def check(context: Context) -> None:
    """Ignore a message whose Message-ID we sent, or that carries our loop header."""
    mail = context.mail
    sent_by_us = context.sent_by_us
    if sent_by_us is None:
        sent_by_us = (
            bool(mail.message_id)
            and MailRef.objects.filter(message_id=mail.message_id, direction=Direction.OUT).exists()
        )
    if sent_by_us or mail.header(LOOP_HEADER) == addresses.loop_token():
        context.stop(IGNORE, "our own message came back")
        return
    sender = context.sender.address if context.sender else ""
    if sender and sender.lower() in context.our_addresses():
        context.stop(IGNORE, "sent from one of our own mailbox addresses")

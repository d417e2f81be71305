"""Threading by In-Reply-To and References against the Message-IDs we sent and received."""

from __future__ import annotations

from helpmesh.channels.email import addresses
from helpmesh.channels.email.filters import Context
from helpmesh.channels.email.models import MailRef
from helpmesh.conversations.models import Ticket


def check(context: Context) -> None:
    """Thread onto the ticket a referenced Message-ID belongs to, if the sender takes part."""
    mail = context.mail
    ids = [*mail.in_reply_to, *reversed(mail.references)]
    if not ids or context.sender is None or context.ticket is not None:
        return
    ref = (
        MailRef.objects.filter(message_id__in=ids[:50])
        .select_related("ticket")
        .order_by("-created_at", "-id")
        .first()
    )
    if ref is None:
        return
    ticket = _live(ref.ticket)
    if addresses.takes_part(ticket, context.sender.address):
        context.ticket = ticket
    else:
        context.notes.append(f"references #{ticket.pk} but the sender is not part of it")


def _live(ticket: Ticket) -> Ticket:
    while ticket.merged_into_id:
        ticket = Ticket.objects.get(pk=ticket.merged_into_id)
    return ticket

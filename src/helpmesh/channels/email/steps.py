"""The email channel's step in the ticket pipeline (settings.HELPMESH_TICKET_HOOKS "updated"):
tell the requester by mail when their email ticket is solved (or pending, per mailbox)."""

from __future__ import annotations

from typing import Any

from helpmesh.channels.email.models import Direction, MailRef, StatusNotifications
from helpmesh.conversations.models import Channel, Status, Ticket

NOTIFY_ON: dict[str, frozenset[str]] = {
    StatusNotifications.OFF: frozenset(),
    StatusNotifications.SOLVED: frozenset({Status.SOLVED}),
    StatusNotifications.SOLVED_PENDING: frozenset({Status.SOLVED, Status.PENDING}),
}


def notify_status_change(ticket: Ticket, *, status_before: str | None = None, **_: Any) -> None:
    """Queue the status-change mail (sent after the commit) when the mailbox asks for it.

    Never for a ticket that automatic mail opened (an auto-reply, a list, a bounce): answering
    those is how mail loops start.
    """
    from helpmesh.channels.email import outbound

    if ticket.channel != Channel.EMAIL or status_before is None or status_before == ticket.status:
        return
    mailbox = outbound.mailbox_for(ticket)
    setting = mailbox.status_notifications if mailbox else StatusNotifications.SOLVED
    if ticket.status not in NOTIFY_ON.get(setting, frozenset()):
        return
    first = (
        MailRef.objects.filter(ticket=ticket, direction=Direction.IN)
        .order_by("created_at", "id")
        .values_list("automatic", flat=True)
        .first()
    )
    if first:
        return
    outbound.queue_notification(ticket, "status_change")

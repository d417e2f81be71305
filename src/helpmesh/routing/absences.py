"""Absences: a vacation hands the agent's open tickets to their backup when it starts."""

from __future__ import annotations

from datetime import datetime

from helpmesh.accounts.models import User
from helpmesh.conversations import services as tickets
from helpmesh.conversations.errors import TicketError
from helpmesh.conversations.models import Ticket
from helpmesh.core import audit, clock
from helpmesh.routing.models import Absence
from helpmesh.routing.snapshots import OPEN


def add_absence(
    agent: User,
    *,
    starts_at: datetime,
    ends_at: datetime,
    backup: User | None = None,
    reason: str = "",
) -> Absence:
    """Plan a leave; the hand-over happens when it starts (now, or in the sweep)."""
    if ends_at <= starts_at:
        raise TicketError("an absence must end after it starts", field="ends_at")
    with audit.unit():
        absence = Absence.objects.create(
            agent=agent, starts_at=starts_at, ends_at=ends_at, backup=backup, reason=reason
        )
        audit.record(
            "agent.absence_added",
            "user",
            agent.pk,
            data={"absence": absence.pk, "backup": backup.pk if backup else None},
        )
    if starts_at <= clock.now():
        hand_over(absence)
    return absence


def hand_over(absence: Absence) -> int:
    """Claim ``absence`` (once, atomically) and give its agent's open tickets to the backup,
    or back to routing when there is no backup; returns how many tickets moved."""
    from helpmesh.routing.services import route_ticket

    claimed = Absence.objects.filter(pk=absence.pk, handed_over_at__isnull=True).update(
        handed_over_at=clock.now()
    )
    if not claimed:
        return 0
    moved = 0
    for ticket in Ticket.objects.filter(assignee_id=absence.agent_id, status__in=OPEN):
        with audit.unit():
            if absence.backup is not None and _give(ticket, absence.backup):
                moved += 1
                continue
            tickets.update_ticket(
                ticket, tickets.TicketChanges(clear_assignee=True), actor=None, reason="absence"
            )
            route_ticket(ticket, kind="absence")
            moved += 1
    return moved


def _give(ticket: Ticket, backup: User) -> bool:
    try:
        tickets.update_ticket(
            ticket, tickets.TicketChanges(assignee=backup), actor=None, reason="absence: backup"
        )
    except TicketError:
        return False  # the backup does not work in the ticket's team: let routing choose
    return True


def start_due_absences() -> int:
    """Hand over every absence that has started; for the periodic sweep."""
    due = Absence.objects.filter(handed_over_at__isnull=True, starts_at__lte=clock.now())
    return sum(hand_over(a) for a in due)

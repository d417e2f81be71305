"""The SLA sweep: warn before a breach, act on a breach. Each row is claimed atomically (its
``next_check_at`` is moved by a conditional UPDATE) so two workers never act twice."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.core.mail import send_mail
from django.db import transaction

from helpmesh.conversations import services as tickets
from helpmesh.conversations.models import Priority, Ticket
from helpmesh.core import audit, clock
from helpmesh.routing import services, sla
from helpmesh.routing.models import TicketSla

log = logging.getLogger(__name__)
UP: dict[str, str] = {
    Priority.LOW: Priority.NORMAL,
    Priority.NORMAL: Priority.HIGH,
    Priority.HIGH: Priority.URGENT,
}
BATCH = 500
LEASE = timedelta(minutes=5)  # a claimed row that fails to process is looked at again later


def check_due(now: datetime | None = None) -> dict[str, int]:
    """Send due warnings and breach actions; returns counts (for the CLI and logs)."""
    now = now or clock.now()
    counts = {"warned": 0, "breached": 0}
    due = TicketSla.objects.filter(next_check_at__lte=now).values_list("pk", "next_check_at")
    for pk, check_at in list(due[:BATCH]):
        claim = TicketSla.objects.filter(pk=pk, next_check_at=check_at)
        if not claim.update(next_check_at=now + LEASE):
            continue  # another worker claimed it
        with audit.unit():
            warned, breached = _process(
                TicketSla.objects.select_related("policy", "ticket").get(pk=pk), now
            )
        counts["warned"] += warned
        counts["breached"] += breached
    return counts


def _process(row: TicketSla, now: datetime) -> tuple[int, int]:
    warn_before = row.policy.warn_before_minutes if row.policy else 15
    dues = {
        "first_response": row.first_response_due,
        "next_response": row.next_response_due,
        "resolution": row.resolution_due,
    }
    warned, breached = set(row.state.get("warned", [])), set(row.state.get("breached", []))
    new_warnings, new_breaches = [], []
    for metric, due in dues.items():
        if due is None or metric in breached:
            continue
        if due <= now:
            new_breaches.append(metric)
        elif metric not in warned and (due - now).total_seconds() <= warn_before * 60:
            new_warnings.append(metric)
    row.state["warned"] = sorted(warned | set(new_warnings) | set(new_breaches))
    row.state["breached"] = sorted(breached | set(new_breaches))
    sla._save(row, sla.clocks(row), sla._calendar(row))
    for metric in new_warnings:
        _warn(row, metric, dues[metric])
    for metric in new_breaches:
        _breach(row, metric)
    return len(new_warnings), len(new_breaches)


def _warn(row: TicketSla, metric: str, due: datetime | None) -> None:
    audit.record("sla.warning", "ticket", row.ticket_id, data={"metric": metric, "due": due})
    _notify(row.ticket, f"SLA warning: {metric.replace('_', ' ')} due {due:%Y-%m-%d %H:%M} UTC")


def _breach(row: TicketSla, metric: str) -> None:
    actions = list(row.policy.on_breach if row.policy else [])
    audit.record(
        "sla.breached", "ticket", row.ticket_id, data={"metric": metric, "actions": actions}
    )
    ticket = row.ticket
    if "notify" in actions:
        _notify(ticket, f"SLA breached: {metric.replace('_', ' ')}")
    if "raise_priority" in actions and ticket.priority in UP:
        tickets.update_ticket(
            ticket,
            tickets.TicketChanges(priority=UP[ticket.priority]),
            actor=None,
            reason=f"sla: {metric} breached",
        )
    if "escalate_tier" in actions:
        services.escalate_for_breach(ticket, metric=metric)


def _notify(ticket: Ticket, subject: str) -> None:
    """Tell whoever owns the ticket: the assignee, else the team's members."""
    if ticket.assignee_id and ticket.assignee:
        recipients = [ticket.assignee.email]
    elif ticket.team_id and ticket.team:
        recipients = list(ticket.team.members.values_list("email", flat=True))
    else:
        recipients = []
    audit.record("sla.notified", "ticket", ticket.pk, data={"to": recipients, "subject": subject})
    if recipients:
        transaction.on_commit(
            lambda: send_mail(
                f"[#{ticket.pk}] {subject}", f"{subject}\n\n{ticket.subject}", None, recipients
            )
        )

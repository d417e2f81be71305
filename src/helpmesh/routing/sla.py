"""SLA clocks on tickets: attach a policy, stop/pause/resume on replies and status changes,
and answer due times for the sidebar, inbox sorting and the API. Warnings and breaches are
found by the sweep in ``routing.sla_sweep``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import F, QuerySet

from helpmesh.conversations.models import Message, Status, Ticket
from helpmesh.core import audit, clock
from helpmesh.routing import calendars, snapshots
from helpmesh.routing.calendars import BusinessCalendar
from helpmesh.routing.models import SlaPolicy, TicketSla
from helpmesh.routing.sla_clock import PAUSING, MetricClock, next_check, select_policy, start
from helpmesh.routing.spec import SlaSpec

DONE = (Status.SOLVED, Status.CLOSED)


def _calendar(sla: TicketSla) -> BusinessCalendar:
    return snapshots.all_calendars().get(sla.calendar_slug) or calendars.ALWAYS


def _calendar_slug(policy: SlaSpec, ticket: Ticket) -> str:
    if policy.calendar:
        return policy.calendar
    profile = getattr(ticket.team, "routing_profile", None) if ticket.team_id else None
    return profile.calendar.slug if profile and profile.calendar else "always"


def clocks(sla: TicketSla) -> dict[str, MetricClock]:
    return {m: MetricClock.from_json(c) for m, c in (sla.state.get("clocks") or {}).items()}


def _save(sla: TicketSla, running: dict[str, MetricClock], calendar: BusinessCalendar) -> None:
    sla.state["clocks"] = {m: c.to_json() for m, c in running.items()}
    dues = {m: c.due(calendar) for m, c in running.items()}
    sla.first_response_due = dues.get("first_response")
    sla.next_response_due = dues.get("next_response")
    sla.resolution_due = dues.get("resolution")
    live = [d for d in dues.values() if d is not None]
    sla.next_due_at = min(live, default=None)
    warn = sla.policy.warn_before_minutes if sla.policy else 15
    sla.next_check_at = next_check(
        dues, warn, set(sla.state.get("warned", [])), set(sla.state.get("breached", []))
    )
    sla.save()


def attach(ticket: Ticket) -> TicketSla | None:
    """Choose the SLA policy for ``ticket`` and start its clocks from its creation."""
    now = clock.now()
    facts = snapshots.facts_for(ticket)
    policy, why = select_policy(snapshots.sla_policies(), facts, now)
    if policy is None:
        TicketSla.objects.filter(ticket=ticket).delete()
        return None
    with audit.unit():
        sla, _ = TicketSla.objects.update_or_create(
            ticket=ticket,
            defaults={
                "policy_id": policy.id,
                "calendar_slug": _calendar_slug(policy, ticket),
                "state": {"why": why},
            },
        )
        paused = ticket.status in PAUSING
        running = {}
        for metric in ("first_response", "resolution"):
            if metric == "first_response" and ticket.first_response_at:
                continue
            started = start(policy, metric, ticket.created_at, paused)
            if started is not None:
                running[metric] = started
        sla.paused_since = now if paused else None
        _save(sla, running, _calendar(sla))
        audit.record("sla.attached", "ticket", ticket.pk, data={"policy": policy.name, "why": why})
    return sla


def retarget(ticket: Ticket) -> TicketSla | None:
    """Priority, team or fields changed: re-choose the policy, keeping time already spent."""
    sla = TicketSla.objects.select_related("policy").filter(ticket=ticket).first()
    if sla is None:
        return attach(ticket)
    now = clock.now()
    policy, why = select_policy(snapshots.sla_policies(), snapshots.facts_for(ticket), now)
    if policy is None or policy.id == sla.policy_id:
        return sla
    running, old = clocks(sla), _calendar(sla)
    for metric, metric_clock in running.items():
        metric_clock.pause(old, now)
        minutes = getattr(policy, metric)
        if minutes is not None:
            metric_clock.target = minutes * 60.0
        if sla.paused_since is None:
            metric_clock.resume(now)
    sla.policy = SlaPolicy.objects.get(pk=policy.id or 0)
    sla.calendar_slug = _calendar_slug(policy, ticket)
    sla.state["why"] = why
    _save(sla, running, _calendar(sla))
    audit.record("sla.retargeted", "ticket", ticket.pk, data={"policy": policy.name, "why": why})
    return sla


def on_message(ticket: Ticket, message: Message) -> None:
    """An agent's public reply meets first/next response; a customer's message starts next."""
    sla = TicketSla.objects.select_related("policy").filter(ticket=ticket).first()
    if sla is None or message.internal:
        return
    running, calendar, now = clocks(sla), _calendar(sla), clock.now()
    if message.author_user_id and not message.from_customer:
        for metric in ("first_response", "next_response"):
            if running.pop(metric, None) is not None:
                sla.state.setdefault("met", []).append(metric)
    elif _starts_next_response(sla, ticket, running):
        spec = SlaSpec(name="next", next_response=sla.policy.next_response_minutes)  # type: ignore[union-attr]
        restarted = start(spec, "next_response", now, sla.paused_since is not None)
        if restarted is not None:
            running["next_response"] = restarted
        _forget(sla, "next_response")
    _save(sla, running, calendar)


def _starts_next_response(sla: TicketSla, ticket: Ticket, running: dict[str, MetricClock]) -> bool:
    # Only after the first response, and not again while one is already running.
    has_target = bool(sla.policy and sla.policy.next_response_minutes)
    return has_target and bool(ticket.first_response_at) and "next_response" not in running


def _forget(sla: TicketSla, metric: str) -> None:
    for key in ("warned", "breached"):
        sla.state[key] = [m for m in sla.state.get(key, []) if m != metric]


def on_status(ticket: Ticket) -> None:
    """Pause on pending/on hold, resume on open, stop on solved; a reopen restarts resolution."""
    sla = TicketSla.objects.select_related("policy").filter(ticket=ticket).first()
    if sla is None:
        return
    running, calendar, now = clocks(sla), _calendar(sla), clock.now()
    if ticket.status in DONE:
        running = {}
        sla.paused_since = None
    elif ticket.status in PAUSING and sla.paused_since is None:
        for metric_clock in running.values():
            metric_clock.pause(calendar, now)
        sla.paused_since = now
    elif ticket.status not in PAUSING:
        for metric_clock in running.values():
            metric_clock.resume(now)
        sla.paused_since = None
    _save(sla, running, calendar)


def due_times_for(tickets: Iterable[Ticket | int]) -> dict[int, dict[str, Any]]:
    """Due times of many tickets in one query: ``{ticket_id: {...}}`` (missing: no SLA)."""
    ids = [t if isinstance(t, int) else t.pk for t in tickets]
    rows = TicketSla.objects.filter(ticket_id__in=ids).select_related("policy")
    return {row.ticket_id: describe(row) for row in rows}


def describe(row: TicketSla, now: datetime | None = None) -> dict[str, Any]:
    """One ticket's SLA as plain data (template- and JSON-friendly)."""
    now = now or clock.now()
    return {
        "policy": row.policy.name if row.policy else "",
        "calendar": row.calendar_slug,
        "first_response_due": row.first_response_due,
        "next_response_due": row.next_response_due,
        "resolution_due": row.resolution_due,
        "next_due_at": row.next_due_at,
        "paused": row.paused_since is not None,
        "overdue": bool(row.next_due_at and row.next_due_at <= now),
        "warned": list(row.state.get("warned", [])),
        "breached": list(row.state.get("breached", [])),
        "met": list(row.state.get("met", [])),
    }


def paused_time_left(ticket: Ticket | int) -> dict[str, float]:
    """Read-only: open-time seconds left on each clock a pause stopped (``{}`` when none).

    A paused clock has no due time, so this is what the ticket sidebar shows instead.
    """
    ticket_id = ticket if isinstance(ticket, int) else ticket.pk
    row = TicketSla.objects.filter(ticket_id=ticket_id).only("state").first()
    if row is None:
        return {}
    return {
        metric: max(c.target - c.spent, 0.0)
        for metric, c in clocks(row).items()
        if c.run_since is None
    }


def order_by_due(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """``tickets`` annotated with ``sla_due`` and ordered due-soonest first (no SLA last)."""
    return tickets.annotate(sla_due=F("sla__next_due_at")).order_by(
        F("sla_due").asc(nulls_last=True), "-updated_at", "-id"
    )

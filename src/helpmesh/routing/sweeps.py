"""Periodic routing work: follow-the-sun hand-offs, waiting tickets (skills relaxation, agents
coming online), time-based tier escalation, absences. Each ticket is claimed atomically (a
conditional UPDATE of its ``TicketRouting.routed_at``) so two workers never move it twice."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from helpmesh.conversations.models import Ticket
from helpmesh.core import clock
from helpmesh.routing import absences, sla_sweep, snapshots
from helpmesh.routing.facts import World
from helpmesh.routing.models import TicketRouting
from helpmesh.routing.policies import decide
from helpmesh.routing.policies.follow_the_sun import handoff_summary
from helpmesh.routing.policies.tiered import escalation_summary
from helpmesh.routing.services import apply_decision
from helpmesh.routing.snapshots import OPEN

BATCH = 1000


def _claim(ticket: Ticket, now: datetime) -> bool:
    state = TicketRouting.objects.filter(ticket=ticket).only("routed_at").first()
    if state is None:
        return True  # never routed: nothing to race on beyond the ticket row lock
    return bool(
        TicketRouting.objects.filter(pk=state.pk, routed_at=state.routed_at).update(routed_at=now)
    )


def redecide(ticket: Ticket, *, kind: str, world: World, now: datetime) -> bool:
    """Re-run the policy; apply (and trace) only when team, tier or assignee would change."""
    model = snapshots.active_model()
    if model is None:
        return False
    facts = snapshots.facts_for(ticket)
    decision = decide(model, facts, world, now)
    team_changed = decision.team is not None and decision.team != facts.team
    tier_changed = decision.tier != facts.tier
    newly_assigned = decision.assignee_id is not None and facts.assignee_id is None
    if not (team_changed or tier_changed or newly_assigned) or not _claim(ticket, now):
        return False
    summary = ""
    if team_changed and decision.region:
        kind = "handoff"
        summary = handoff_summary(facts, facts.team, decision.team)
    elif (decision.tier or 0) > (facts.tier or 1):
        summary = escalation_summary(facts, decision, f"rule '{decision.rule}'")
    with transaction.atomic():
        apply_decision(ticket, decision, kind=kind, world=world, summary=summary)
    return True


def _sweep(tickets: list[Ticket], kind: str) -> int:
    now = clock.now()
    world = snapshots.load_world(now)
    return sum(redecide(t, kind=kind, world=world, now=now) for t in tickets)


def hand_off_closed_regions() -> int:
    """Move open tickets out of regions whose day has ended (follow-the-sun)."""
    model = snapshots.active_model()
    layer = model.layer("follow_the_sun") if model else None
    if layer is None:
        return 0
    now = clock.now()
    world = snapshots.load_world(now)
    slugs = [r["team"] for r in layer.settings["regions"]]
    closed = [s for s in slugs if s in world.teams and not world.teams[s].calendar.is_open(now)]
    tickets = list(Ticket.objects.filter(team__slug__in=closed, status__in=OPEN)[:BATCH])
    return sum(redecide(t, kind="handoff", world=world, now=now) for t in tickets)


def route_waiting() -> int:
    """Unassigned open tickets: relax skills after a wait, use agents who came online."""
    tickets = Ticket.objects.filter(
        assignee__isnull=True, status__in=OPEN, merged_into__isnull=True
    )
    return _sweep(list(tickets.order_by("created_at")[:BATCH]), "relax")


def escalate_by_time() -> int:
    """Tiered models: re-check open tickets below the top tier (time in tier, SLA near)."""
    model = snapshots.active_model()
    layer = model.layer("tiered") if model else None
    if layer is None:
        return 0
    top = len(layer.settings["levels"])
    tickets = Ticket.objects.filter(status__in=OPEN, routing__tier__lt=top, assignee__isnull=False)
    return _sweep(list(tickets.order_by("created_at")[:BATCH]), "escalate")


def run_all() -> dict[str, int]:
    """Every sweep once, in a sensible order; what ``helpmesh routing sweep`` runs."""
    counts = {"absences": absences.start_due_absences()}
    counts.update(sla_sweep.check_due())
    counts["handoffs"] = hand_off_closed_regions()
    counts["escalated"] = escalate_by_time()
    counts["assigned"] = route_waiting()
    return counts

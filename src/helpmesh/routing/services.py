"""Routing's write path: load snapshots, call the pure policy, apply its decision through
``conversations.services``, keep the trace. Also presence, absences and explicit escalation."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from helpmesh.accounts.models import Team, User
from helpmesh.conversations import services as tickets
from helpmesh.conversations.errors import TicketError
from helpmesh.conversations.models import Ticket
from helpmesh.core import audit, clock
from helpmesh.routing import notes, snapshots
from helpmesh.routing.facts import Decision, TicketFacts, World
from helpmesh.routing.models import AgentPresence, RoutingDecision, TicketRouting
from helpmesh.routing.policies import decide, layer_for
from helpmesh.routing.policies.tiered import escalation_summary
from helpmesh.routing.spec import LayerSpec


class RoutingError(TicketError):
    """A routing request that cannot be done as asked."""


def route_ticket(
    ticket: Ticket,
    *,
    kind: str = "received",
    pinned: bool = False,
    world: World | None = None,
    facts: TicketFacts | None = None,
) -> RoutingDecision | None:
    """Decide who answers ``ticket`` with the active model and apply it; None without a model.

    ``world`` lets a sweep reuse one snapshot for many tickets (kept true as it assigns).
    """
    model = snapshots.active_model()
    if model is None:
        return None
    now = clock.now()
    facts = facts or snapshots.facts_for(ticket, pinned=pinned)
    world = world or snapshots.world_for(model, facts, now)
    decision = decide(model, facts, world, now)
    return apply_decision(ticket, decision, kind=kind, world=world)


def apply_decision(
    ticket: Ticket, decision: Decision, *, kind: str, world: World | None = None, summary: str = ""
) -> RoutingDecision:
    """Make the ticket match ``decision``, store the trace and audit it, atomically.

    A ``summary`` (a handoff or an escalation brief) is also left on the ticket as an internal
    note by the routing agent, so whoever takes the ticket over reads it in the timeline.
    """
    from helpmesh.routing import swarms

    now = clock.now()
    newly_assigned = bool(decision.assignee_id and decision.assignee_id != ticket.assignee_id)
    with audit.unit():
        changes = _changes(ticket, decision)
        if changes is not None:
            tickets.update_ticket(ticket, changes, actor=None, reason=f"routing: {kind}")
        _remember(ticket, decision, now)
        record = RoutingDecision.objects.create(
            ticket=ticket,
            kind=kind,
            created_at=now,
            rule=decision.rule,
            team_slug=decision.team or "",
            assignee_id=decision.assignee_id,
            tier=decision.tier,
            trace=decision.trace,
            summary=summary,
        )
        audit.record(
            "routing.decided",
            "ticket",
            ticket.pk,
            data={
                "kind": kind,
                "decision": record.pk,
                "rule": decision.rule,
                "team": decision.team,
                "assignee": decision.assignee_id,
                "tier": decision.tier,
            },
        )
        if newly_assigned and decision.assignee_id:
            _stamp_assignment(decision.assignee_id, now)
            if world is not None:
                world.assigned(decision.assignee_id, ticket.channel, now)
        if decision.swarm:
            swarms.form(ticket, decision)
        if summary:
            notes.add_note(ticket, summary)
    ticket.refresh_from_db()
    return record


def _changes(ticket: Ticket, decision: Decision) -> tickets.TicketChanges | None:
    team = Team.objects.filter(slug=decision.team).first() if decision.team else None
    changes = tickets.TicketChanges()
    changed = False
    if team is not None and team.pk != ticket.team_id:
        changes.team, changed = team, True
    if decision.assignee_id and decision.assignee_id != ticket.assignee_id:
        changes.assignee, changed = User.objects.get(pk=decision.assignee_id), True
    elif changes.team is not None and not decision.assignee_id and ticket.assignee_id:
        changes.clear_assignee, changed = True, True
    if decision.collaborators:
        changes.add_collaborators = list(User.objects.filter(pk__in=decision.collaborators))
        changed = True
    return changes if changed else None


def _remember(ticket: Ticket, decision: Decision, now: datetime) -> None:
    state, _ = TicketRouting.objects.get_or_create(
        ticket=ticket, defaults={"routed_at": now, "tier": decision.tier, "tier_since": now}
    )
    if decision.tier != state.tier:
        state.tier, state.tier_since = decision.tier, now
    state.region = decision.region or state.region
    state.required_skills = decision.required_skills
    state.routed_at = now
    state.save()


def _stamp_assignment(agent_id: int, now: datetime) -> None:
    updated = AgentPresence.objects.filter(agent_id=agent_id).update(last_assigned_at=now)
    if not updated:
        AgentPresence.objects.create(agent_id=agent_id, last_assigned_at=now, updated_at=now)


def escalate(ticket: Ticket, *, actor: User, note: str) -> RoutingDecision:
    """An agent sends ``ticket`` one tier up; the handoff note is required and kept."""
    model = snapshots.active_model()
    if model is None or model.layer("tiered") is None:
        raise RoutingError("the active support model has no tiers", field="tier", code="no_tiers")
    if not note.strip():
        raise RoutingError("an escalation needs a handoff note", field="note", code="required")
    facts = snapshots.facts_for(ticket)
    layer = _tiers_for(facts)
    if layer is None:  # the tiered layer's when: does not hold for this ticket
        raise RoutingError("this ticket is not in the tiers", field="tier", code="no_tiers")
    top = len(layer.settings["levels"])
    if (facts.tier or 1) >= top:
        raise RoutingError(f"tier {top} is the top tier", field="tier", code="top_tier")
    with audit.unit():
        tickets.add_message(
            ticket,
            tickets.NewMessage(f"Escalation handoff (tier {facts.tier or 1} -> up): {note}"),
            channel=ticket.channel,
            author_user=actor,
            internal=True,
        )
        # The next tier is usually a team the escalating agent is not in: they keep following it.
        tickets.update_ticket(ticket, tickets.TicketChanges(add_collaborators=[actor]), actor=actor)
        escalated = replace(facts, tier=(facts.tier or 1) + 1, assignee_id=None)
        return route_ticket(ticket, kind="escalate", facts=escalated)  # type: ignore[return-value]


def escalate_for_breach(ticket: Ticket, *, metric: str) -> RoutingDecision | None:
    """The SLA sweep sends ``ticket`` one tier up; the next tier gets a note saying why.

    None when the ticket is not in tiers (no tiered layer applies to it) or already at the top.
    """
    model = snapshots.active_model()
    facts = snapshots.facts_for(ticket)
    layer = _tiers_for(facts)
    if model is None or layer is None or (facts.tier or 1) >= len(layer.settings["levels"]):
        return None
    now = clock.now()
    escalated = replace(facts, tier=(facts.tier or 1) + 1, assignee_id=None)
    decision = decide(model, escalated, snapshots.world_for(model, escalated, now), now)
    why = f"{metric.replace('_', ' ')} SLA breached"
    summary = escalation_summary(facts, decision, why)
    return apply_decision(ticket, decision, kind="sla_escalate", summary=summary)


def _tiers_for(facts: TicketFacts) -> LayerSpec | None:
    """The tiered layer the ticket is in: the model has one and its ``when`` holds."""
    model = snapshots.active_model()
    return layer_for(model, "tiered", facts, clock.now()) if model else None


def trace_for(ticket: Ticket) -> list[dict[str, Any]]:
    """Every routing decision on ``ticket``, oldest first, ready for a template or the API."""
    names = {}
    rows = list(RoutingDecision.objects.filter(ticket=ticket))
    ids = {r.assignee_id for r in rows if r.assignee_id}
    if ids:
        names = {u.pk: str(u) for u in User.objects.filter(pk__in=ids)}
    return [
        {
            "id": r.pk,
            "kind": r.kind,
            "created_at": r.created_at,
            "rule": r.rule,
            "team": r.team_slug,
            "assignee_id": r.assignee_id,
            "assignee": names.get(r.assignee_id or 0, ""),
            "tier": r.tier,
            "trace": r.trace,
            "summary": r.summary,
        }
        for r in rows
    ]


def set_presence(
    agent: User,
    status: str,
    *,
    capacity: dict[str, int] | None = None,
    default_capacity: int | None = None,
) -> AgentPresence:
    """An agent goes online, away or offline, optionally with capacity per channel."""
    from helpmesh.routing.models import Presence

    if status not in Presence.values:
        raise RoutingError(f"unknown presence {status!r}", field="status")
    if not agent.is_agent:
        raise RoutingError("only agents have a presence", field="agent", code="forbidden")
    now = clock.now()
    with audit.unit():
        presence, _ = AgentPresence.objects.get_or_create(agent=agent, defaults={"updated_at": now})
        presence.status, presence.updated_at = status, now
        if capacity is not None:
            presence.capacity = {str(k): int(v) for k, v in capacity.items()}
        if default_capacity is not None:
            presence.default_capacity = default_capacity
        presence.save()
        audit.record(
            "agent.presence_set",
            "user",
            agent.pk,
            actor=agent,
            data={"status": status, "capacity": presence.capacity},
        )
    return presence


def activate_model(name: str, *, actor: User | None = None) -> bool:
    """Make the model ``name`` the only active one; False when it does not exist."""
    from helpmesh.routing.models import SupportModel

    with audit.unit():
        if not SupportModel.objects.filter(name=name).exists():
            return False
        SupportModel.objects.exclude(name=name).update(is_active=False)
        SupportModel.objects.filter(name=name).update(is_active=True, updated_at=clock.now())
        snapshots.forget_model()
        audit.record(
            "support_model.activated", "support_model", 0, actor=actor, data={"name": name}
        )
    return True


def delete_model(name: str, *, actor: User | None = None) -> bool:
    """Delete the model ``name``; False when it does not exist."""
    from helpmesh.routing.models import SupportModel

    with audit.unit():
        deleted, _ = SupportModel.objects.filter(name=name).delete()
        if deleted:
            audit.record(
                "support_model.deleted", "support_model", 0, actor=actor, data={"name": name}
            )
    return bool(deleted)

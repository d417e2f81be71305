"""Routing policies: one module per staff model, composed in the order of the model's layers.

    decide(model, facts, world, now) -> Decision

A pure function of plain snapshots and a time: no database, no clock, no randomness. The live
system and the simulator call this same code (docs/adr/0009-routing-policy-is-pure.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from helpmesh.routing import assignment, conditions
from helpmesh.routing.facts import Decision, TicketFacts, World
from helpmesh.routing.policies import (
    central,
    community,
    department,
    follow_the_sun,
    self_service,
    skills,
    swarming,
    tiered,
)
from helpmesh.routing.spec import LayerSpec, ModelSpec


@dataclass
class Context:
    """What a layer reads and writes; layers may refine ``facts`` (tier, required skills)."""

    facts: TicketFacts
    world: World
    now: datetime
    decision: Decision


Apply = Callable[[LayerSpec, Context], None]
LAYERS: dict[str, Apply] = {
    "self_service": self_service.apply,
    "community": community.apply,
    "department": department.apply,
    "central": central.apply,
    "tiered": tiered.apply,
    "skills": skills.apply,
    "swarming": swarming.apply,
    "follow_the_sun": follow_the_sun.apply,
}


def decide(model: ModelSpec, facts: TicketFacts, world: World, now: datetime) -> Decision:
    """Run each layer of ``model`` in order, then assign within the chosen team.

    A layer that holds the ticket (``Decision.held_by``: self-service waiting for the customer,
    the crowd inside its time box) ends the run: no later layer and no assignment.
    """
    ctx = Context(facts, world, now, Decision(tier=facts.tier))
    ctx.decision.note(f"model {model.name} at {now:%Y-%m-%d %H:%M} UTC for ticket #{facts.id}")
    for layer in model.layers:
        if _applies(layer, ctx):
            LAYERS[layer.kind](layer, ctx)
        if ctx.decision.held_by:
            return ctx.decision
    _assign(ctx)
    decision = ctx.decision
    decision.collaborators = [c for c in decision.collaborators if c != decision.assignee_id]
    return decision


def layer_for(model: ModelSpec, kind: str, facts: TicketFacts, now: datetime) -> LayerSpec | None:
    """The model's first layer of ``kind`` whose ``when`` holds for the ticket as it stands."""
    for layer in model.layers:
        if layer.kind == kind and conditions.evaluate(layer.when, facts, now)[0]:
            return layer
    return None


def _applies(layer: LayerSpec, ctx: Context) -> bool:
    """Whether the layer's ``when`` holds; it sees the team the layers before it chose, so
    ``when: {team: technical-support}`` after a department layer means "sent to tech support"."""
    if not layer.when:
        return True
    facts = replace(ctx.facts, team=ctx.decision.team or ctx.facts.team)
    matched, why = conditions.evaluate(layer.when, facts, ctx.now)
    verdict = "matched" if matched else "did not match"
    skipped = "applies" if matched else "skipped"
    ctx.decision.note(
        f"layer {layer.kind} {skipped}: when {conditions.describe(layer.when)} {verdict} ({why})"
    )
    return matched


def _assign(ctx: Context) -> None:
    decision, facts = ctx.decision, ctx.facts
    if decision.assignee_chosen:
        return
    team = ctx.world.teams.get(decision.team or "")
    if team is None:
        decision.note("assignment: no team chosen; the ticket waits in the shared queue")
        return
    if facts.assignee_id and facts.assignee_id in team.agent_ids and not _absent(ctx):
        decision.assignee_id = facts.assignee_id
        decision.note("assignment: the current assignee works in this team; kept")
        return
    assignment.choose(team, facts, ctx.world, ctx.now, decision)


def _absent(ctx: Context) -> bool:
    agent = ctx.world.agents.get(ctx.facts.assignee_id or 0)
    return agent is None or agent.absent

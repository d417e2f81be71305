"""Tiered: levels L1..Ln, each a team. Rules say when a ticket belongs to a higher tier
(intent, priority, time in tier, SLA about to breach); a rule naming a tier more than one step up
skips tiers. An agent's explicit escalation (with a handoff note) goes through
``routing.services.escalate``. The ticket is never copied: its history follows it up the tiers."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from helpmesh.routing.facts import Decision, TicketFacts
from helpmesh.routing.policies.common import all_matches, brief
from helpmesh.routing.spec import LayerSpec

if TYPE_CHECKING:
    from helpmesh.routing.policies import Context


def apply(layer: LayerSpec, ctx: Context) -> None:
    """Set the tier (never lower than the current one) and the tier's team."""
    levels: list[str] = list(layer.settings["levels"])
    current = ctx.facts.tier or 1
    if ctx.facts.tier is None:
        ctx.decision.note(f"tiered: new ticket starts in tier 1 ({levels[0]})")
    target = current
    for rule in all_matches(layer, ctx, "tiered"):
        if rule.then["tier"] > target:
            target, ctx.decision.rule = rule.then["tier"], f"tiered/{rule.name}"
    if target > current:
        skipped = f", skipping tier {current + 1}..{target - 1}" if target > current + 1 else ""
        ctx.decision.note(f"tiered: escalate tier {current} -> {target}{skipped}")
    ctx.decision.tier = target
    ctx.decision.team = levels[target - 1]
    ctx.decision.note(f"tiered: tier {target} is team {ctx.decision.team}")

    ctx.facts = replace(ctx.facts, tier=target)


def next_tier(layer: LayerSpec, current: int | None) -> tuple[int, str] | None:
    """(tier, team) one step above ``current``; None at the top."""
    levels: list[str] = list(layer.settings["levels"])
    tier = (current or 1) + 1
    return (tier, levels[tier - 1]) if tier <= len(levels) else None


def escalation_summary(facts: TicketFacts, decision: Decision, why: str) -> str:
    """The note the next tier reads: from where to where, why, and the ticket's brief."""
    return (
        f"Escalation tier {facts.tier or 1} -> {decision.tier} "
        f"({facts.team or '-'} -> {decision.team or '-'}): {why}.\n{brief(facts)}"
    )

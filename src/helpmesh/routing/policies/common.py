"""Helpers the layer policies share: rule matching with a trace, pinned teams, the brief that
goes with a ticket when it changes hands."""

from __future__ import annotations

from typing import TYPE_CHECKING

from helpmesh.routing import conditions
from helpmesh.routing.facts import TicketFacts
from helpmesh.routing.spec import LayerSpec, RuleSpec

if TYPE_CHECKING:
    from helpmesh.routing.policies import Context


def first_match(layer: LayerSpec, ctx: Context, label: str) -> RuleSpec | None:
    """The first rule whose conditions hold; each rule tried leaves a trace line."""
    for rule in layer.rules:
        matched, why = conditions.evaluate(rule.when, ctx.facts, ctx.now)
        if matched:
            ctx.decision.note(f"{label}: rule '{rule.name}' matched ({why})")
            return rule
        ctx.decision.note(f"{label}: rule '{rule.name}' not matched ({why})")
    return None


def all_matches(layer: LayerSpec, ctx: Context, label: str) -> list[RuleSpec]:
    """Every rule whose conditions hold, with a trace line for each rule tried."""
    matched_rules = []
    for rule in layer.rules:
        matched, why = conditions.evaluate(rule.when, ctx.facts, ctx.now)
        verdict = "matched" if matched else "not matched"
        ctx.decision.note(f"{label}: rule '{rule.name}' {verdict} ({why})")
        if matched:
            matched_rules.append(rule)
    return matched_rules


def keep_pinned(ctx: Context, label: str) -> bool:
    """A team chosen by a person when the ticket was opened wins over team-choosing rules."""
    if ctx.facts.team_pinned and ctx.facts.team:
        ctx.decision.team = ctx.facts.team
        ctx.decision.note(f"{label}: team {ctx.facts.team} was chosen when the ticket was opened")
        return True
    return False


def brief(facts: TicketFacts) -> str:
    """What whoever takes a ticket over needs: the last customer message, state, next step."""
    last = " ".join(facts.last_customer_message.split())
    if len(last) > 300:
        last = last[:297] + "..."
    if facts.status == "new":
        step = "send the first response"
    elif facts.status in ("pending", "on_hold"):
        step = f"waiting ({facts.status}); check for news and follow up"
    else:
        step = "answer the customer's last message"
    return (
        f"Last customer message: {last or '(none)'}\n"
        f"State: {facts.status}, priority {facts.priority}, tier {facts.tier or '-'}\n"
        f"Next step: {step}"
    )

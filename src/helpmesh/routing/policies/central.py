"""Central first line (hybrid): one generalist team receives everything and hands only
complex cases to specialist teams, by explicit criteria (the rules)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from helpmesh.routing.policies.common import first_match, keep_pinned
from helpmesh.routing.spec import LayerSpec

if TYPE_CHECKING:
    from helpmesh.routing.policies import Context


def apply(layer: LayerSpec, ctx: Context) -> None:
    """A specialist rule moves the ticket; otherwise it stays where it is or goes to first line."""
    if keep_pinned(ctx, "central"):
        return
    first_line, decision = layer.settings["first_line"], ctx.decision
    rule = first_match(layer, ctx, "central")
    if rule is not None:
        decision.team, decision.rule = rule.then["team"], f"central/{rule.name}"
        decision.note(f"central: complex case -> specialist team {decision.team}")
    elif ctx.facts.team:
        decision.team = ctx.facts.team
        decision.note(f"central: no specialist criteria met; stays with team {ctx.facts.team}")
    else:
        decision.team, decision.rule = first_line, "central/first-line"
        decision.note(f"central: first line {first_line} receives everything")

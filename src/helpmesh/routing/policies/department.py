"""Department (decentralized): each team owns its queue; conditions choose the team."""

from __future__ import annotations

from typing import TYPE_CHECKING

from helpmesh.routing.policies.common import first_match, keep_pinned
from helpmesh.routing.spec import LayerSpec

if TYPE_CHECKING:
    from helpmesh.routing.policies import Context


def apply(layer: LayerSpec, ctx: Context) -> None:
    """First matching rule names the team; else the current team, else ``default_team``."""
    if keep_pinned(ctx, "department"):
        return
    rule = first_match(layer, ctx, "department")
    decision = ctx.decision
    if rule is not None:
        decision.team, decision.rule = rule.then["team"], f"department/{rule.name}"
        decision.note(f"department: -> team {decision.team}")
    elif ctx.facts.team:
        decision.team = ctx.facts.team
        decision.note(f"department: no rule matched; stays with team {ctx.facts.team}")
    elif layer.settings.get("default_team"):
        decision.team, decision.rule = layer.settings["default_team"], "department/default"
        decision.note(f"department: no rule matched -> default team {decision.team}")
    else:
        decision.note("department: no rule matched and no default team")

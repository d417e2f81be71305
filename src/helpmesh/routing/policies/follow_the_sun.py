"""Follow-the-sun: regional teams with their own calendars. A ticket belongs to an open region;
when its region's day ends the sweep re-decides and hands it to the next open region (in the
order of ``regions``, wrapping), with a generated summary. No ticket waits in a closed region
while another is open."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from helpmesh.routing import conditions
from helpmesh.routing.facts import TicketFacts
from helpmesh.routing.policies.common import brief
from helpmesh.routing.spec import LayerSpec

if TYPE_CHECKING:
    from helpmesh.routing.policies import Context


def apply(layer: LayerSpec, ctx: Context) -> None:
    """Keep the ticket in its region while that region is open; else move it to the next open."""
    regions: list[dict[str, str]] = list(layer.settings["regions"])
    when = layer.settings.get("when") or {}
    matched, why = conditions.evaluate(when, ctx.facts, ctx.now)
    teams = [r["team"] for r in regions]
    ctx.decision.team = ctx.decision.team or ctx.facts.team
    if not matched or (ctx.decision.team and ctx.decision.team not in teams):
        ctx.decision.note(f"follow-the-sun: not a follow-the-sun ticket ({why})")
        return
    start = teams.index(ctx.decision.team) if ctx.decision.team in teams else 0
    order = regions[start:] + regions[:start]
    for region in order:
        if _is_open(ctx, region["team"], ctx.now):
            _place(ctx, region, "open now")
            return
        ctx.decision.note(f"follow-the-sun: {region['name']} is closed")
    soonest = min(order, key=lambda r: _opens(ctx, r["team"]))
    _place(
        ctx,
        soonest,
        f"every region is closed; opens first at {_opens(ctx, soonest['team']):%H:%M} UTC",
    )


def _place(ctx: Context, region: dict[str, str], why: str) -> None:
    if ctx.decision.team and ctx.decision.team != region["team"]:
        ctx.decision.rule = f"follow-the-sun/{region['name']}"
        ctx.decision.assignee_chosen, ctx.decision.assignee_id = False, None
    ctx.decision.team, ctx.decision.region = region["team"], region["name"]
    ctx.decision.note(f"follow-the-sun: {region['name']} ({region['team']}) takes it: {why}")


def _is_open(ctx: Context, slug: str, now: datetime) -> bool:
    team = ctx.world.teams.get(slug)
    return team is not None and team.calendar.is_open(now)


def _opens(ctx: Context, slug: str) -> datetime:
    team = ctx.world.teams.get(slug)
    opens = team.calendar.next_open(ctx.now) if team else None
    return opens or datetime.max.replace(tzinfo=ctx.now.tzinfo)


def handoff_summary(facts: TicketFacts, from_team: str | None, to_team: str | None) -> str:
    """What the next region needs: the last customer message, the state and the next step."""
    return f"Handoff {from_team or '-'} -> {to_team or '-'} (end of day).\n{brief(facts)}"

"""The crowd: community members answer first, inside a time box; staff are the safety net.

A question posted in the community becomes a ticket on the ``community`` channel (the crowd
layer, ``community.crowd``, opens it at the moment of the question, so its SLA clock starts
there). ``custom_fields`` carry the crowd's state; this layer only reads it:

- ``community=open`` and inside the time box -> held (``Decision.held_by``): no team, no
  assignee, no later layer; the experts it was offered to are named in the trace;
- ``community=open`` past the time box, or ``escalated`` -> passed to the staff layers;
- ``community=solved`` (an accepted answer) -> held: nothing left for staff to do.

Settings: ``time_box_minutes`` (required), ``channels`` (default ``[community]``: where the
crowd takes questions), ``offer_to`` (how many experts the question is offered to; read by
``community.crowd``, not here).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from helpmesh.routing.spec import LayerSpec

if TYPE_CHECKING:
    from helpmesh.routing.policies import Context

HELD = "community"
OPEN, SOLVED, ESCALATED = "open", "solved", "escalated"
DEFAULT_CHANNELS = ("community",)


def channels(layer: LayerSpec) -> tuple[str, ...]:
    """The channels whose questions the crowd takes."""
    return tuple(layer.settings.get("channels") or DEFAULT_CHANNELS)


def time_box_ends(layer: LayerSpec, since: datetime) -> datetime:
    """When the crowd's turn ends for a question it got at ``since``."""
    return since + timedelta(minutes=int(layer.settings["time_box_minutes"]))


def apply(layer: LayerSpec, ctx: Context) -> None:
    """Hold a question while the crowd has it; pass it to staff when the time box ends."""
    facts, decision = ctx.facts, ctx.decision
    if facts.channel not in channels(layer) or not facts.community:
        decision.note(f"community: {facts.channel} questions do not go to the crowd; skipped")
        return
    if facts.community == SOLVED:
        decision.held_by = HELD
        decision.note("community: a member's answer was accepted; nothing left for staff")
        return
    since = facts.community_since or facts.created_at or ctx.now
    ends = time_box_ends(layer, since)
    if facts.community == OPEN and ctx.now < ends:
        decision.held_by = HELD
        offered = str(facts.fields.get("community_offered") or "") or "no expert yet"
        decision.note(
            f"community: the crowd has it until {ends:%Y-%m-%d %H:%M} UTC "
            f"(time box {layer.settings['time_box_minutes']} min); offered to {offered}"
        )
        return
    decision.note(
        f"community: not solved by the crowd when its time box ended at {ends:%Y-%m-%d %H:%M}"
        " UTC -> escalating to staff (the SLA clock kept running from the question)"
    )

"""Self-service: the answer bot tries first on the channels it serves (docs/bot.md).

The bot writes its verdict into the ticket's ``custom_fields`` (``self_service``: "answered",
"resolved" or "handed_off", with ``self_service_reason``); this layer only reads it:

- the bot answered (or the customer confirmed it) -> the ticket is held: no team, no assignee,
  no later layer, while staff wait for the customer's verdict;
- the bot handed off (or never answered) -> the later layers route the ticket as usual.

Settings: ``channels`` (where the bot answers), ``min_confidence`` and ``never_automate``
(read by the bot's live step, ``bot.steps.answer_first``, not here).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from helpmesh.routing.spec import LayerSpec

if TYPE_CHECKING:
    from helpmesh.routing.policies import Context

HELD = "self_service"
ANSWERED, RESOLVED, HANDED_OFF = "answered", "resolved", "handed_off"


def apply(layer: LayerSpec, ctx: Context) -> None:
    """Hold a ticket the bot answered; pass on one it handed off or never answered."""
    facts, decision = ctx.facts, ctx.decision
    if facts.channel not in (layer.settings.get("channels") or ()):
        decision.note(f"self-service: channel {facts.channel} is not a bot channel; skipped")
    elif facts.self_service == ANSWERED:
        decision.held_by = HELD
        decision.note(
            f"self-service: the bot answered on {facts.channel}; "
            "staff wait for the customer's verdict"
        )
    elif facts.self_service == RESOLVED:
        decision.held_by = HELD
        decision.note(f"self-service: the customer confirmed the bot's answer on {facts.channel}")
    elif facts.self_service == HANDED_OFF:
        reason = facts.self_service_reason or "no reason given"
        decision.note(f"self-service: the bot handed off ({reason}) -> passing to the next layer")
    else:
        channel = facts.channel
        decision.note(f"self-service: the bot has not answered on {channel} -> passing on")

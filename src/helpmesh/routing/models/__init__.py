"""Routing data: the support model's configuration (config.py) and per-ticket state (state.py)."""

from helpmesh.routing.models.config import (
    Calendar,
    Holiday,
    Layer,
    LayerKind,
    Rule,
    SlaPolicy,
    SupportModel,
    TeamProfile,
)
from helpmesh.routing.models.state import (
    Absence,
    AgentPresence,
    Presence,
    RoutingDecision,
    Swarm,
    SwarmPost,
    TicketRouting,
    TicketSla,
)

__all__ = [
    "Absence",
    "AgentPresence",
    "Calendar",
    "Holiday",
    "Layer",
    "LayerKind",
    "Presence",
    "RoutingDecision",
    "Rule",
    "SlaPolicy",
    "SupportModel",
    "Swarm",
    "SwarmPost",
    "TeamProfile",
    "TicketRouting",
    "TicketSla",
]

"""Plain snapshots the routing policies read, and the decision they return.

No ORM objects here: ``routing.snapshots`` builds these from the database, the simulator can build
them from history, and ``policies.decide`` is a pure function of them and a time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from helpmesh.routing.calendars import ALWAYS, BusinessCalendar

LANGUAGE_SKILL = "language:"  # an agent's skill "language:fr" means they answer in French


@dataclass(frozen=True)
class TicketFacts:
    """What routing may know about a ticket.

    ``intent`` and ``intent_confidence`` come from triage through ``ticket.custom_fields``;
    ``self_service`` ("", "answered", "resolved", "handed_off") and its reason from the bot;
    ``community`` and ``community_since`` from the crowd layer (community.crowd).
    """

    id: int
    channel: str
    priority: str = "normal"
    status: str = "new"
    subject: str = ""
    team: str | None = None
    team_pinned: bool = False  # a person chose the team when opening the ticket
    assignee_id: int | None = None
    organization: str | None = None
    customer_tier: str = ""
    tags: frozenset[str] = frozenset()
    language: str = ""
    intent: str | None = None
    intent_confidence: float | None = None
    mailbox: str = ""
    fields: Mapping[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None
    tier: int | None = None
    tier_since: datetime | None = None
    sla_due: datetime | None = None
    relaxation: int = 0
    required_skills: Mapping[str, int] = field(default_factory=dict)
    last_customer_message: str = ""
    self_service: str = ""
    self_service_reason: str = ""
    community: str = ""  # the crowd layer's state: "open", "solved", "escalated" (or "")
    community_since: datetime | None = None  # when the crowd got the question


@dataclass
class AgentState:
    """An agent as routing sees them now; ``load`` is open tickets per channel."""

    id: int
    name: str
    teams: frozenset[str] = frozenset()
    presence: str = "offline"
    capacity: Mapping[str, int] = field(default_factory=dict)
    default_capacity: int = 20
    load: dict[str, int] = field(default_factory=dict)
    skills: Mapping[str, int] = field(default_factory=dict)
    absent: bool = False
    backup_id: int | None = None
    schedule: BusinessCalendar | None = None
    last_assigned_at: datetime | None = None

    @property
    def languages(self) -> frozenset[str]:
        return frozenset(
            s[len(LANGUAGE_SKILL) :] for s in self.skills if s.startswith(LANGUAGE_SKILL)
        )

    def capacity_for(self, channel: str) -> int:
        return int(self.capacity.get(channel, self.default_capacity))

    def load_on(self, channel: str) -> int:
        return self.load.get(channel, 0)


@dataclass(frozen=True)
class TeamState:
    id: int
    slug: str
    name: str = ""
    calendar: BusinessCalendar = ALWAYS
    region: str = ""
    assignment: str = "round_robin"
    channels: tuple[str, ...] = ()
    agent_ids: tuple[int, ...] = ()


@dataclass
class World:
    """Every team and agent at one moment."""

    teams: dict[str, TeamState] = field(default_factory=dict)
    agents: dict[int, AgentState] = field(default_factory=dict)

    def members(self, slug: str) -> list[AgentState]:
        team = self.teams.get(slug)
        return [self.agents[i] for i in team.agent_ids if i in self.agents] if team else []

    def assigned(self, agent_id: int, channel: str, at: datetime) -> None:
        """Keep the snapshot true after an assignment, so a sweep can route many tickets."""
        agent = self.agents.get(agent_id)
        if agent is not None:
            agent.load[channel] = agent.load_on(channel) + 1
            agent.last_assigned_at = at


@dataclass
class Decision:
    """What the policy decided and why, line by line."""

    team: str | None = None
    assignee_id: int | None = None
    tier: int | None = None
    collaborators: list[int] = field(default_factory=list)
    required_skills: dict[str, int] = field(default_factory=dict)
    language: str = ""
    region: str = ""
    rule: str = ""
    swarm: bool = False
    manual: bool = False
    assignee_chosen: bool = False  # a layer already picked (or deliberately left) the assignee
    # A layer looked at agents outside the chosen team (skills before any team, a swarm), so
    # the decision needs every agent's state, not only the team's (snapshots.world_for).
    reached_every_agent: bool = False
    # A layer holds the ticket back from staff (self-service: the bot answered and the customer
    # has not said no yet): later layers and assignment do not run.
    held_by: str | None = None
    trace: list[str] = field(default_factory=list)

    def note(self, line: str) -> None:
        self.trace.append(line)

"""Calibrate a workload from the desk's history: what the simulator replays.

Read once from the configured database, then plain data (``Workload``), so every replication
and every model runs on the same figures:

- arrivals: the tickets of the window by hour of week (UTC), each kept as a *template* (channel,
  intent, priority, language, tags, organization...): a simulated hour draws a Poisson number of
  arrivals at the hour's historical rate and gives each a template seen in that hour, so the
  mix of intents and channels per hour of week is the history's;
- handling: seconds from first response to solved, per team (solved tickets of the window);
- deflection: the share of bot conversations the bot resolved, and of community questions the
  crowd solved, with how long each took;
- the roster: teams (calendars, regions, assignment), agents with teams, skills, schedules and
  capacities, from ``routing.snapshots`` (the live path's own loader), and the SLA policies.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from helpmesh.bot.models import BotConversation
from helpmesh.bot.models import Status as BotStatus
from helpmesh.community.models import Topic, TopicKind, TopicStatus
from helpmesh.conversations.models import Ticket
from helpmesh.routing import snapshots
from helpmesh.routing.calendars import BusinessCalendar
from helpmesh.routing.facts import AgentState, TeamState
from helpmesh.routing.spec import SlaSpec

HOURS_PER_WEEK = 168
DEFAULT_HANDLE_S = 3600.0  # a team with no solved ticket in the window


@dataclass(frozen=True)
class Template:
    """A historical ticket's routing-relevant attributes (no id, no time: the simulation sets
    those). Mirrors what ``routing.snapshots.facts_for`` reads."""

    channel: str
    priority: str = "normal"
    subject: str = ""
    organization: str | None = None
    customer_tier: str = ""
    tags: frozenset[str] = frozenset()
    language: str = ""
    intent: str | None = None
    intent_confidence: float | None = None
    mailbox: str = ""
    fields: tuple[tuple[str, Any], ...] = ()


@dataclass
class Workload:
    """Everything a replay needs, as plain data."""

    starts_at: datetime
    ends_at: datetime
    templates: dict[int, list[Template]]  # hour of week -> tickets seen then
    occurrences: dict[int, int]  # hour of week -> how many times the window holds it
    handle_s: dict[str, list[float]]  # team slug -> first response to solved, seconds
    bot_resolved: float = 0.0  # share of bot conversations the bot resolved
    bot_s: list[float] = field(default_factory=list)  # how long a resolved one took
    crowd_solved: float = 0.0  # share of community questions solved by an accepted answer
    crowd_s: list[float] = field(default_factory=list)  # question to accepted answer
    teams: dict[str, TeamState] = field(default_factory=dict)
    agents: dict[int, AgentState] = field(default_factory=dict)
    sla_policies: list[SlaSpec] = field(default_factory=list)
    calendars: dict[str, BusinessCalendar] = field(default_factory=dict)
    _pooled: list[float] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        # Sorted once: a replay draws quantiles from them (replay._sample).
        self.handle_s = {team: sorted(samples) for team, samples in self.handle_s.items()}
        self.bot_s.sort()
        self.crowd_s.sort()
        self._pooled = sorted(s for samples in self.handle_s.values() for s in samples)

    @property
    def tickets(self) -> int:
        return sum(len(t) for t in self.templates.values())

    @property
    def seconds(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds()

    def handle_samples(self, team: str | None) -> list[float]:
        """The team's handling times; every team's when it has none; a default otherwise."""
        own = self.handle_s.get(team or "")
        if own:
            return own
        return self._pooled or [DEFAULT_HANDLE_S]


def hour_of_week(at: datetime) -> int:
    return at.weekday() * 24 + at.hour


def calibrate(starts_at: datetime, ends_at: datetime) -> Workload:
    """Measure the window [starts_at, ends_at) of the configured database (see module doc)."""
    if ends_at <= starts_at:
        raise ValueError("the window must end after it starts")
    templates, handle = _tickets(starts_at, ends_at)
    bot_share, bot_s = _bot(starts_at, ends_at)
    crowd_share, crowd_s = _crowd(starts_at, ends_at)
    world = snapshots.load_world(ends_at)
    return Workload(
        starts_at=starts_at,
        ends_at=ends_at,
        templates=templates,
        occurrences=_occurrences(starts_at, ends_at),
        handle_s=handle,
        bot_resolved=bot_share,
        bot_s=bot_s,
        crowd_solved=crowd_share,
        crowd_s=crowd_s,
        teams=world.teams,
        agents=world.agents,
        sla_policies=snapshots.sla_policies(),
        calendars=snapshots.all_calendars(),
    )


TICKET_VALUES = (
    "id",
    "channel",
    "priority",
    "subject",
    "custom_fields",
    "created_at",
    "first_response_at",
    "solved_at",
    "team__slug",
    "organization__name",
    "organization__tier",
    "requester__language",
)


def _tickets(
    starts_at: datetime, ends_at: datetime
) -> tuple[dict[int, list[Template]], dict[str, list[float]]]:
    """Templates by hour of week and handling times by team, in two queries."""
    rows = list(
        Ticket.objects.filter(created_at__gte=starts_at, created_at__lt=ends_at)
        .order_by("created_at", "id")
        .values(*TICKET_VALUES)
    )
    tags: dict[int, set[str]] = defaultdict(set)
    through = Ticket.tags.through
    for ticket_id, name in through.objects.filter(
        ticket__created_at__gte=starts_at, ticket__created_at__lt=ends_at
    ).values_list("ticket_id", "tag__name"):
        tags[ticket_id].add(name)
    templates: dict[int, list[Template]] = defaultdict(list)
    handle: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        templates[hour_of_week(row["created_at"])].append(template_of(row, tags[row["id"]]))
        if row["first_response_at"] and row["solved_at"] and row["team__slug"]:
            spent = (row["solved_at"] - row["first_response_at"]).total_seconds()
            handle[row["team__slug"]].append(max(spent, 60.0))  # a minute at least
    return dict(templates), dict(handle)


def template_of(row: dict[str, Any], tags: set[str]) -> Template:
    """A ticket row (``TICKET_VALUES``) as a template; intent etc. as triage left them."""
    fields = dict(row["custom_fields"] or {})
    confidence = fields.get("intent_confidence")
    # The verdicts of the bot and the crowd are what the simulation decides afresh.
    kept = {k: v for k, v in fields.items() if not k.startswith(("self_service", "community"))}
    return Template(
        channel=row["channel"],
        priority=row["priority"],
        subject=row["subject"],
        organization=row["organization__name"],
        customer_tier=row["organization__tier"] or "",
        tags=frozenset(tags),
        language=str(fields.get("language") or row["requester__language"] or ""),
        intent=fields.get("intent"),
        intent_confidence=float(confidence) if confidence is not None else None,
        mailbox=str(fields.get("mailbox") or ""),
        fields=tuple(sorted((k, v) for k, v in kept.items() if _hashable(v))),
    )


def _hashable(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) or value is None


def _bot(starts_at: datetime, ends_at: datetime) -> tuple[float, list[float]]:
    """Share of finished bot conversations the bot resolved, and their durations."""
    rows = BotConversation.objects.filter(
        started_at__gte=starts_at, started_at__lt=ends_at
    ).exclude(status=BotStatus.OPEN)
    total = rows.count()
    resolved = list(
        rows.filter(status=BotStatus.RESOLVED, ended_at__isnull=False).values_list(
            "started_at", "ended_at"
        )
    )
    durations = [_seconds(start, end) for start, end in resolved]
    return (len(resolved) / total if total else 0.0), durations


def _crowd(starts_at: datetime, ends_at: datetime) -> tuple[float, list[float]]:
    """Share of community questions solved by an accepted answer, and question-to-solution."""
    rows = Topic.objects.filter(
        created_at__gte=starts_at, created_at__lt=ends_at, kind=TopicKind.QUESTION
    )
    total = rows.count()
    solved = list(
        rows.filter(status=TopicStatus.SOLVED, solved_at__isnull=False).values_list(
            "created_at", "solved_at"
        )
    )
    durations = [_seconds(start, end) for start, end in solved]
    return (len(solved) / total if total else 0.0), durations


def _seconds(start: datetime, end: datetime | None) -> float:
    """Seconds from ``start`` to ``end`` (the queries exclude a missing end; never negative)."""
    return max((end - start).total_seconds(), 0.0) if end else 0.0


def _occurrences(starts_at: datetime, ends_at: datetime) -> dict[int, int]:
    """How many times each hour of week falls inside the window (its rate's denominator)."""
    counts: dict[int, int] = defaultdict(int)
    hour = starts_at.replace(minute=0, second=0, microsecond=0)  # a partial hour counts
    while hour < ends_at:
        counts[hour_of_week(hour)] += 1
        hour += timedelta(hours=1)
    return dict(counts)

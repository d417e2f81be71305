"""Load the plain snapshots the policies read (routing.facts) from the database.

The only place routing's pure side meets the ORM. The roster (who works in which team, with
which skills) is cached briefly; live state (presence, leave, load) is always read fresh: for
the agents one ticket's decision can reach (``world_for``), or for everyone when a sweep routes
many tickets on one snapshot (``load_world``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count

from helpmesh.accounts.models import AgentSkill, Role, Team, TeamMembership
from helpmesh.conversations.models import Status, Ticket
from helpmesh.core import config_cache
from helpmesh.routing import calendars, policies
from helpmesh.routing.facts import AgentState, TeamState, TicketFacts, World
from helpmesh.routing.models import (
    Absence,
    AgentPresence,
    Calendar,
    SlaPolicy,
    SupportModel,
)
from helpmesh.routing.spec import ModelSpec, SlaSpec, model_from_dict

SYSTEM_DOMAIN = "@helpmesh.invalid"  # routing@, automation@: authors, not agents to route to
OPEN = [Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD]
_model_cache: dict[tuple[int, datetime], ModelSpec] = {}


def all_calendars() -> dict[str, calendars.BusinessCalendar]:
    """Every stored calendar by slug, with its holidays (cached briefly: core.config_cache)."""
    return config_cache.cached("routing.calendars", _load_calendars)


def _load_calendars() -> dict[str, calendars.BusinessCalendar]:
    rows = Calendar.objects.prefetch_related("holidays")
    return {
        c.slug: calendars.from_config(
            c.slug, c.timezone, c.hours or {}, [h.date for h in c.holidays.all()]
        )
        for c in rows
    }


def active_model() -> ModelSpec | None:
    """The active support model as a spec; cached until the model's ``updated_at`` moves."""
    row = config_cache.cached(
        "routing.active",
        lambda: (
            SupportModel.objects.filter(is_active=True).only("id", "updated_at", "name").first()
        ),
    )
    if row is None:
        return None
    key = (row.pk, row.updated_at)
    if key not in _model_cache:
        _model_cache.clear()
        _model_cache[key] = model_from_dict(model_dict(row))
    return _model_cache[key]


def forget_model() -> None:
    """Drop the cached spec (after an apply; the key also changes with ``updated_at``)."""
    _model_cache.clear()
    config_cache.forget("routing.")


def model_dict(row: SupportModel) -> dict[str, Any]:
    """A stored model in its document form (as in YAML)."""
    layers = []
    for layer in row.layers.prefetch_related("rules"):
        rules = [{"name": r.name, "when": r.when, "then": r.then} for r in layer.rules.all()]
        entry: dict[str, Any] = {"kind": layer.kind}
        if layer.when:
            entry["when"] = layer.when
        entry["settings"] = layer.settings
        if rules:
            entry["rules"] = rules
        layers.append(entry)
    return {
        "name": row.name,
        "description": row.description,
        "active": row.is_active,
        "layers": layers,
    }


def sla_policies() -> list[SlaSpec]:
    """Every SLA policy, in order (cached for a few seconds: core.config_cache)."""
    return config_cache.cached("routing.sla_policies", _load_sla_policies)


def _load_sla_policies() -> list[SlaSpec]:
    return [
        SlaSpec(
            name=p.name,
            when=p.when or {},
            first_response=p.first_response_minutes,
            next_response=p.next_response_minutes,
            resolution=p.resolution_minutes,
            warn_before=p.warn_before_minutes,
            calendar=p.calendar.slug if p.calendar else None,
            on_breach=tuple(p.on_breach or ()),
            id=p.pk,
        )
        for p in SlaPolicy.objects.select_related("calendar")
    ]


@dataclass(frozen=True)
class Roster:
    """Who works where: teams (calendars, profiles, members) and each agent's name, teams and
    skills. Changes a few times a day, so it is cached briefly (core.config_cache)."""

    teams: dict[str, TeamState]
    agents: dict[int, tuple[str, frozenset[str], dict[str, int]]]  # id -> name, teams, skills


def roster() -> Roster:
    """The cached roster (a few seconds old at most; HELPMESH_CONFIG_CACHE_SECONDS)."""
    return config_cache.cached("routing.roster", _load_roster)


def _load_roster() -> Roster:
    cals = all_calendars()
    members: dict[str, list[int]] = defaultdict(list)
    agent_teams: dict[int, set[str]] = defaultdict(set)
    names: dict[int, str] = {}
    for slug, user_id, name, email in (
        TeamMembership.objects.filter(user__role__in=[Role.AGENT, Role.ADMIN], user__is_active=True)
        # System authors (routing's and automation's notes and replies) never take tickets.
        .exclude(user__email__endswith=SYSTEM_DOMAIN)
        .values_list("team__slug", "user_id", "user__name", "user__email")
    ):
        members[slug].append(user_id)
        agent_teams[user_id].add(slug)
        names[user_id] = name or email
    skills: dict[int, dict[str, int]] = defaultdict(dict)
    for agent_id, skill, level in AgentSkill.objects.filter(agent_id__in=names).values_list(
        "agent_id", "skill__name", "level"
    ):
        skills[agent_id][skill] = level
    teams = {t.slug: _team_state(t, cals, members[t.slug]) for t in _teams()}
    agents = {i: (names[i], frozenset(agent_teams[i]), skills[i]) for i in names}
    return Roster(teams, agents)


def load_world(now: datetime) -> World:
    """Every team and every agent with presence, skills, leave and load at ``now`` (sweeps)."""
    people = roster()
    return World(dict(people.teams), _agents(people, people.agents, now))


def world_for(model: ModelSpec, facts: TicketFacts, now: datetime) -> World:
    """The world one ticket's decision needs: every team, but live state (presence, leave,
    load) only for the agents the decision can reach.

    A first pass of the policy without agents names the team (layers choose teams from the
    ticket and the teams' calendars); then only that team's members and the current assignee
    are loaded, and the real pass decides exactly as it would on the whole world. A layer that
    looks beyond the team (skills before any team is chosen, swarming) says so in the first
    pass (``Decision.reached_every_agent``) and gets everyone.
    """
    people = roster()
    teams = dict(people.teams)
    sketch = policies.decide(model, facts, World(teams, {}), now)
    if sketch.reached_every_agent:
        return World(teams, _agents(people, people.agents, now))
    chosen = teams.get(sketch.team or "")
    wanted = set(chosen.agent_ids if chosen else ())
    if facts.assignee_id in people.agents:
        wanted.add(facts.assignee_id)
    return World(teams, _agents(people, wanted, now))


def _teams() -> Any:
    return Team.objects.select_related("routing_profile__calendar")


def _team_state(team: Team, cals: dict[str, Any], agent_ids: list[int]) -> TeamState:
    profile = getattr(team, "routing_profile", None)
    calendar = cals.get(profile.calendar.slug) if profile and profile.calendar else None
    return TeamState(
        id=team.pk,
        slug=team.slug,
        name=team.name,
        calendar=calendar or calendars.ALWAYS,
        region=profile.region if profile else "",
        assignment=profile.assignment if profile else "round_robin",
        channels=tuple(profile.channels or ()) if profile else (),
        agent_ids=tuple(sorted(agent_ids)),
    )


PRESENCE = (
    "agent_id",
    "status",
    "capacity",
    "default_capacity",
    "schedule__slug",
    "last_assigned_at",
)


def _agents(people: Roster, wanted: Iterable[int], now: datetime) -> dict[int, AgentState]:
    """Fresh AgentStates (sweeps mutate them) with live presence, leave and load: three
    queries, whatever the number of agents or tickets; none when nobody is wanted."""
    ids = sorted(wanted)
    if not ids:
        return {}
    cals = all_calendars()
    presence = {
        row["agent_id"]: row
        for row in AgentPresence.objects.filter(agent_id__in=ids).values(*PRESENCE)
    }
    absent: dict[int, int | None] = dict(
        Absence.objects.filter(agent_id__in=ids, starts_at__lte=now, ends_at__gt=now).values_list(
            "agent_id", "backup_id"
        )
    )
    load = _loads(ids)
    return {i: _agent_state(i, people.agents[i], presence.get(i), absent, load, cals) for i in ids}


def _loads(ids: list[int]) -> dict[int, dict[str, int]]:
    """Open tickets per agent and channel, in one grouped query."""
    load: dict[int, dict[str, int]] = defaultdict(dict)
    for assignee_id, channel, count in (
        Ticket.objects.filter(assignee_id__in=ids, status__in=OPEN)
        .values("assignee_id", "channel")
        .annotate(n=Count("id"))
        .values_list("assignee_id", "channel", "n")
    ):
        load[assignee_id][channel] = count
    return load


def _agent_state(
    agent_id: int,
    bio: tuple[str, frozenset[str], dict[str, int]],
    p: dict[str, Any] | None,
    absent: dict[int, int | None],
    load: dict[int, dict[str, int]],
    cals: dict[str, calendars.BusinessCalendar],
) -> AgentState:
    name, teams, skills = bio
    p = p or {}
    return AgentState(
        id=agent_id,
        name=name or f"agent {agent_id}",
        teams=teams,
        presence=p.get("status") or "offline",
        capacity=dict(p.get("capacity") or {}),
        default_capacity=p.get("default_capacity") or 20,
        load=dict(load.get(agent_id, {})),
        skills=dict(skills),
        absent=agent_id in absent,
        backup_id=absent.get(agent_id),
        schedule=cals.get(p.get("schedule__slug") or ""),
        last_assigned_at=p.get("last_assigned_at"),
    )


# What facts_for reads beyond the ticket row, fetched in one joined query.
RELATED = (
    "team_id",
    "team__slug",
    "organization_id",
    "organization__name",
    "organization__tier",
    "requester__language",
    "routing__tier",
    "routing__tier_since",
    "routing__relaxation",
    "sla__next_due_at",
)


def facts_for(ticket: Ticket, *, pinned: bool = False) -> TicketFacts:
    """What routing may know about ``ticket`` (reads triage's intent from custom fields)."""
    fields = dict(ticket.custom_fields or {})
    row = _related(ticket)
    confidence = fields.get("intent_confidence")
    last = ticket.messages.filter(author_user__isnull=True, internal=False).order_by("-id").first()
    return TicketFacts(
        id=ticket.pk,
        channel=ticket.channel,
        priority=ticket.priority,
        status=ticket.status,
        subject=ticket.subject,
        team=row["team__slug"],
        team_pinned=pinned,
        assignee_id=ticket.assignee_id,
        organization=row["organization__name"],
        customer_tier=row["organization__tier"] or "",
        tags=frozenset(ticket.tags.values_list("name", flat=True)),
        language=str(fields.get("language") or row["requester__language"] or ""),
        intent=fields.get("intent"),
        intent_confidence=float(confidence) if confidence is not None else None,
        mailbox=str(fields.get("mailbox") or ""),
        fields=fields,
        created_at=ticket.created_at,
        tier=row["routing__tier"],
        tier_since=row["routing__tier_since"],
        sla_due=row["sla__next_due_at"],
        relaxation=row["routing__relaxation"] or 0,
        last_customer_message=last.body_text if last else "",
        self_service=str(fields.get("self_service") or ""),
        self_service_reason=str(fields.get("self_service_reason") or ""),
        community=str(fields.get("community") or ""),
        community_since=_moment(fields.get("community_since")),
    )


def _moment(value: Any) -> datetime | None:
    """A moment kept in ``custom_fields`` as ISO 8601 text (JSON has no datetimes)."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _related(ticket: Ticket) -> dict[str, Any]:
    row: dict[str, Any] = Ticket.objects.filter(pk=ticket.pk).values(*RELATED).first() or {
        key: None for key in RELATED
    }
    # The instance wins where a caller holds a team or organization not saved yet.
    if row["team_id"] != ticket.team_id:
        row["team__slug"] = ticket.team.slug if ticket.team else None
    if row["organization_id"] != ticket.organization_id:
        org = ticket.organization
        row["organization__name"], row["organization__tier"] = (
            (org.name, org.tier) if org else (None, "")
        )
    if row["requester__language"] is None:
        row["requester__language"] = ticket.requester.language
    return row

"""Load the plain snapshots the policies read (routing.facts) from the database.

The only place routing's pure side meets the ORM; a handful of queries build the whole world,
so a sweep can route many tickets on one snapshot.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.db.models import Count

from helpmesh.accounts.models import AgentSkill, Role, Team, TeamMembership, User
from helpmesh.conversations.models import Status, Ticket
from helpmesh.core import config_cache
from helpmesh.routing import calendars
from helpmesh.routing.facts import AgentState, TeamState, TicketFacts, World
from helpmesh.routing.models import (
    Absence,
    AgentPresence,
    Calendar,
    SlaPolicy,
    SupportModel,
    TicketRouting,
    TicketSla,
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


def load_world(now: datetime) -> World:
    """Teams, their agents, presence, skills, leave and load at ``now``."""
    cals = all_calendars()
    members: dict[str, list[int]] = defaultdict(list)
    agent_teams: dict[int, set[str]] = defaultdict(set)
    for slug, user_id in (
        TeamMembership.objects.filter(user__role__in=[Role.AGENT, Role.ADMIN], user__is_active=True)
        # System authors (routing's and automation's notes and replies) never take tickets.
        .exclude(user__email__endswith=SYSTEM_DOMAIN)
        .values_list("team__slug", "user_id")
    ):
        members[slug].append(user_id)
        agent_teams[user_id].add(slug)
    teams = {t.slug: _team_state(t, cals, members[t.slug]) for t in _teams()}
    agents = _agents(agent_teams, cals, now)
    return World(teams, agents)


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


def _agents(
    agent_teams: dict[int, set[str]], cals: dict[str, Any], now: datetime
) -> dict[int, AgentState]:
    ids = list(agent_teams)
    names = {
        pk: name or email
        for pk, name, email in User.objects.filter(pk__in=ids).values_list("pk", "name", "email")
    }
    skills: dict[int, dict[str, int]] = defaultdict(dict)
    for agent_id, name, level in AgentSkill.objects.filter(agent_id__in=ids).values_list(
        "agent_id", "skill__name", "level"
    ):
        skills[agent_id][name] = level
    load: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Ticket.objects.filter(assignee_id__in=ids, status__in=OPEN)
        .values("assignee_id", "channel")
        .annotate(n=Count("id"))
    ):
        load[row["assignee_id"]][row["channel"]] = row["n"]
    absent = _absences(now)
    presence = {p.agent_id: p for p in AgentPresence.objects.filter(agent_id__in=ids)}
    agents = {}
    for agent_id in ids:
        p = presence.get(agent_id)
        agents[agent_id] = AgentState(
            id=agent_id,
            name=names.get(agent_id) or f"agent {agent_id}",
            teams=frozenset(agent_teams[agent_id]),
            presence=p.status if p else "offline",
            capacity=dict(p.capacity or {}) if p else {},
            default_capacity=p.default_capacity if p else 20,
            load=load[agent_id],
            skills=skills[agent_id],
            absent=agent_id in absent,
            backup_id=absent.get(agent_id),
            schedule=cals.get(p.schedule.slug) if p and p.schedule_id and p.schedule else None,
            last_assigned_at=p.last_assigned_at if p else None,
        )
    return agents


def _absences(now: datetime) -> dict[int, int | None]:
    rows = Absence.objects.filter(starts_at__lte=now, ends_at__gt=now)
    return {a.agent_id: a.backup_id for a in rows}


def facts_for(ticket: Ticket, *, pinned: bool = False) -> TicketFacts:
    """What routing may know about ``ticket`` (reads triage's intent from custom fields)."""
    fields = dict(ticket.custom_fields or {})
    state = TicketRouting.objects.filter(ticket_id=ticket.pk).first()
    sla = TicketSla.objects.filter(ticket_id=ticket.pk).only("next_due_at").first()
    org = ticket.organization
    confidence = fields.get("intent_confidence")
    last = ticket.messages.filter(author_user__isnull=True, internal=False).order_by("-id").first()
    return TicketFacts(
        id=ticket.pk,
        channel=ticket.channel,
        priority=ticket.priority,
        status=ticket.status,
        subject=ticket.subject,
        team=ticket.team.slug if ticket.team_id and ticket.team else None,
        team_pinned=pinned,
        assignee_id=ticket.assignee_id,
        organization=org.name if org else None,
        customer_tier=org.tier if org else "",
        tags=frozenset(ticket.tags.values_list("name", flat=True)),
        language=str(fields.get("language") or ticket.requester.language or ""),
        intent=fields.get("intent"),
        intent_confidence=float(confidence) if confidence is not None else None,
        mailbox=str(fields.get("mailbox") or ""),
        fields=fields,
        created_at=ticket.created_at,
        tier=state.tier if state else None,
        tier_since=state.tier_since if state else None,
        sla_due=sla.next_due_at if sla else None,
        relaxation=state.relaxation if state else 0,
        last_customer_message=last.body_text if last else "",
    )

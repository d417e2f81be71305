"""The live path loads only what a decision can reach, decides exactly as on the whole world,
and costs the same number of queries however many tickets and agents the desk has."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpmesh.conversations.models import Ticket
from helpmesh.core import clock, config_cache
from helpmesh.routing import services, snapshots
from helpmesh.routing.policies import decide

MODEL = """
models:
  - name: desk
    active: true
    layers:
      - kind: department
        settings: {default_team: general}
        rules:
          - {name: invoices, when: {intent: billing}, then: {team: billing}}
          - {name: unsorted chat, when: {channel: chat}, then: {team: triage}}
      - kind: skills
        rules:
          - {name: databases, when: {tags_any: [database]}, then: {skills: {postgres: 2}}}
      - kind: swarming
        rules:
          - {name: outages, when: {priority: urgent}, then: {skills: {postgres: 1, api: 1}}}
"""


@pytest.fixture
def busy_desk(desk, monday_9am):
    for slug in ("general", "billing", "triage"):
        desk.team(slug)
    desk.model(MODEL)
    desk.agent("Gia", "general", skills={"postgres": 3})
    desk.agent("Gus", "general", skills={"api": 2})
    desk.agent("Bo", "billing", skills={"postgres": 1, "api": 3})  # the best for a swarm
    desk.agent("Bea", "billing", presence="away")
    return desk


def ticket_facts(desk, subject, **kw):
    """A ticket as routing first sees it, before it was routed (unassigned, no team)."""
    ticket = desk.ticket(subject, **kw)
    return replace(snapshots.facts_for(ticket), team=None, assignee_id=None, tier=None)


@pytest.mark.parametrize(
    ("subject", "kw"),
    [
        ("Invoice copy", {"intent": ("billing", 0.9)}),
        ("Slow queries", {"tags": ["database"]}),
        ("Everything is down", {"priority": "urgent"}),
        ("Hello?", {"channel": "chat"}),
    ],
)
def test_the_narrow_world_decides_as_the_whole_world_does(busy_desk, subject, kw):
    facts = ticket_facts(busy_desk, subject, **kw)
    model, now = snapshots.active_model(), clock.now()
    narrow = decide(model, facts, snapshots.world_for(model, facts, now), now)
    whole = decide(model, facts, snapshots.load_world(now), now)
    assert (narrow.team, narrow.assignee_id, narrow.collaborators, narrow.trace) == (
        whole.team,
        whole.assignee_id,
        whole.collaborators,
        whole.trace,
    )


def test_only_the_chosen_teams_agents_are_loaded_unless_a_layer_looks_wider(busy_desk):
    model, now = snapshots.active_model(), clock.now()
    invoice = ticket_facts(busy_desk, "Invoice copy", intent=("billing", 0.9))
    assert {a.name for a in snapshots.world_for(model, invoice, now).agents.values()} == {
        "Bo",
        "Bea",
    }
    outage = ticket_facts(busy_desk, "Everything is down", priority="urgent")
    assert len(snapshots.world_for(model, outage, now).agents) == 4  # a swarm may ask anyone


def test_a_ticket_costs_the_same_queries_however_busy_the_desk(busy_desk, settings):
    def route_one(subject: str) -> int:
        ticket = busy_desk.ticket(subject, intent=("billing", 0.9))
        Ticket.objects.filter(pk=ticket.pk).update(team=None, assignee=None)
        ticket.refresh_from_db()
        with CaptureQueriesContext(connection) as queries:
            services.route_ticket(ticket, kind="reroute")
        return len(queries.captured_queries)

    quiet = route_one("Invoice one")
    for n in range(30):
        busy_desk.ticket(f"Invoice backlog {n}", intent=("billing", 0.9))
    for name in ("Ben", "Bill", "Bert"):
        busy_desk.agent(name, "billing")
    assert Ticket.objects.filter(assignee__isnull=False).count() >= 20  # Bo is at capacity
    assert route_one("Invoice two") == quiet


def test_a_warm_world_reads_only_live_state(busy_desk, settings, django_assert_num_queries):
    settings.HELPMESH_CONFIG_CACHE_SECONDS = 60  # as in production: the roster is cached
    config_cache.forget()
    model, now = snapshots.active_model(), clock.now()
    facts = ticket_facts(busy_desk, "Invoice copy", intent=("billing", 0.9))
    snapshots.world_for(model, facts, now)
    try:
        with django_assert_num_queries(3):  # presence, leave, open tickets per agent and channel
            world = snapshots.world_for(model, facts, now)
    finally:
        config_cache.forget()
    assert world.agents  # the billing agents, with their live state


def test_a_new_team_member_is_routable_at_once_with_the_cache_on(personas, settings):
    """Roster changes in this process drop the cached roster: no five-second blind spot."""
    from helpmesh.accounts import services as accounts
    from helpmesh.core import config_cache

    settings.HELPMESH_CONFIG_CACHE_SECONDS = 60
    config_cache.forget()
    try:
        assert personas.ben.pk not in snapshots.roster().teams[personas.team_a.slug].agent_ids
        accounts.add_to_team(personas.ben, personas.team_a)
        assert personas.ben.pk in snapshots.roster().teams[personas.team_a.slug].agent_ids
        accounts.set_skills(personas.ben, {"billing": 3})
        assert snapshots.roster().agents[personas.ben.pk][2] == {"billing": 3}
    finally:
        config_cache.forget()

"""The simulator decides as the live router does: same tickets, same facts, same team/assignee.

A small desk routes real tickets live (pipeline -> routing.steps.route -> RoutingDecision).
Then the simulator's own snapshots (workload templates, simulated agents, replay.facts_for)
go through routing.policies.decide for the same tickets at the same moments.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from helpmesh.accounts import services as accounts
from helpmesh.accounts.models import Role
from helpmesh.conversations import pipeline
from helpmesh.core import clock
from helpmesh.routing import policies, services, snapshots, yaml_io
from helpmesh.routing.facts import World
from helpmesh.routing.models import RoutingDecision
from helpmesh.simulate import workload as calibration
from helpmesh.simulate.replay import Arrival, SimTicket, facts_for, simulated_agents

MODEL = """
teams:
  - {team: billing, assignment: least_loaded}
  - {team: general, assignment: round_robin}
models:
  - name: parity
    active: true
    layers:
      - kind: department
        settings: {default_team: general}
        rules:
          - name: invoices
            when: {tags_any: [invoice]}
            then: {team: billing}
          - name: refunds by email
            when: {subject_contains: refund, channel: email}
            then: {team: billing}
"""
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TICKETS = [
    ("Refund for March", "email", []),
    ("Login fails", "web", []),
    ("Wrong amount", "web", ["invoice"]),
    ("Refund again", "web", []),  # web: the refund rule is for email only
    ("Another invoice", "email", ["invoice"]),
    ("Password reset", "email", []),
    ("Invoice copy", "web", ["invoice"]),
    ("Refund status", "email", []),
]


@pytest.fixture
def routed_desk(db):
    snapshots.forget_model()
    with clock.frozen(START - timedelta(hours=1)):
        for slug in ("billing", "general"):
            accounts.create_team(slug)
        yaml_io.apply_document(yaml_io.load(MODEL))
        for name, team in [("Bea", "billing"), ("Bill", "billing"), ("Gus", "general"),
                           ("Gil", "general"), ("Gwen", "general")]:  # fmt: skip
            user = accounts.create_user(f"{name.lower()}@example.com", "pw", name=name,
                                        role=Role.AGENT)  # fmt: skip
            accounts.add_to_team(user, accounts.Team.objects.get(slug=team))
            services.set_presence(user, "online", capacity={"email": 3, "web": 2})
    tickets = []
    for minute, (subject, channel, tags) in enumerate(TICKETS):
        with clock.frozen(START + timedelta(minutes=minute)):
            receipt = pipeline.receive(
                pipeline.Inbound(
                    channel=channel,
                    sender=pipeline.Sender("email", f"c{minute}@example.com", "Carol"),
                    subject=subject,
                    body_text=f"About {subject}.",
                    tags=tags,
                )
            )
            tickets.append(receipt.ticket)
    return tickets


def test_simulator_snapshots_decide_like_the_live_router(routed_desk):
    live = {
        d.ticket_id: (d.team_slug, d.assignee_id)
        for d in RoutingDecision.objects.filter(kind="received")
    }
    assert len(live) == len(TICKETS)
    assert len({assignee for _, assignee in live.values()}) >= 4  # a real spread to reproduce

    work = calibration.calibrate(START - timedelta(hours=1), START + timedelta(hours=1))
    templates = [t for slot in sorted(work.templates) for t in work.templates[slot]]
    assert len(templates) == len(TICKETS)  # one template per historical ticket, in order
    world = World(dict(work.teams), simulated_agents(work.agents, work.teams))
    model = snapshots.active_model()
    for ticket, template in zip(routed_desk, templates, strict=True):
        at_s = (ticket.created_at - START).total_seconds()
        simulated = SimTicket(ticket.pk, Arrival(at_s, template, 0.9, 0.9, 0.5, 0.5))
        decision = policies.decide(model, facts_for(simulated, START, "new"), world,
                                   ticket.created_at)  # fmt: skip
        assert (decision.team, decision.assignee_id) == live[ticket.pk], ticket.subject
        if decision.assignee_id:
            world.assigned(decision.assignee_id, template.channel, ticket.created_at)

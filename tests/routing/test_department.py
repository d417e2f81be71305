"""Department (decentralized): conditions choose the team; the team's method picks the agent."""

from __future__ import annotations

import pytest

from helpmesh.routing import services

MODEL = """
teams:
  - {team: billing, assignment: least_loaded}
  - {team: general, assignment: round_robin}
  - {team: legal, assignment: manual}
models:
  - name: departments
    active: true
    layers:
      - kind: department
        settings: {default_team: general}
        rules:
          - name: billing questions
            when: {intent: billing, min_confidence: 0.8}
            then: {team: billing}
          - name: lawyers
            when: {tags_any: [legal], channel: email}
            then: {team: legal}
"""


@pytest.fixture
def departments(desk):
    for slug in ("billing", "general", "legal"):
        desk.team(slug)
    desk.model(MODEL)
    return desk


def test_a_confident_billing_intent_goes_to_billing_least_loaded(departments, monday_9am):
    bea = departments.agent("Bea", "billing")
    bill = departments.agent("Bill", "billing")
    first = departments.ticket("Refund please", intent=("billing", 0.93))
    second = departments.ticket("Charged twice", intent=("billing", 0.85))

    assert first.team.slug == "billing" and first.assignee == bea
    assert second.assignee == bill  # Bea has one open ticket now, Bill none
    trace = services.trace_for(first)[0]
    assert trace["rule"] == "department/billing questions"
    assert any("intent is 'billing', confidence 0.93 >= 0.8" in line for line in trace["trace"])
    assert any("least loaded" in line for line in trace["trace"])


def test_low_confidence_falls_to_the_default_team_round_robin(departments, monday_9am):
    gus = departments.agent("Gus", "general")
    gil = departments.agent("Gil", "general")
    first = departments.ticket("Something about money", intent=("billing", 0.4))
    second = departments.ticket("Another thing")

    assert first.team.slug == "general"
    assert {first.assignee, second.assignee} == {gus, gil}
    lines = services.trace_for(first)[0]["trace"]
    assert any("not matched (confidence 0.4 < 0.8)" in line for line in lines)


def test_manual_team_leaves_the_ticket_in_the_queue_and_offline_agents_are_skipped(
    departments, monday_9am
):
    departments.agent("Lex", "legal")
    ticket = departments.ticket("Contract", tags=["legal"])
    assert ticket.team.slug == "legal" and ticket.assignee is None
    departments.agent("Bo", "billing", presence="offline")
    billing = departments.ticket("Invoice", intent=("billing", 0.9))
    assert billing.assignee is None
    assert any("1 offline" in line for line in services.trace_for(billing)[0]["trace"])

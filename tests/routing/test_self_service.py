"""The self_service layer: the pure policy's verdicts and trace lines, its validation, and the
live path reading the bot's verdict from the ticket's fields (the bot itself: tests/bot/)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from helpmesh.conversations import services as tickets
from helpmesh.routing import services, snapshots, validation, yaml_io
from helpmesh.routing.facts import AgentState, TeamState, TicketFacts, World
from helpmesh.routing.policies import decide, layer_for
from helpmesh.routing.spec import LayerSpec, ModelSpec, RuleSpec
from helpmesh.routing.validation import SpecError

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BOT = LayerSpec("self_service", {"channels": ["web", "chat"]})
DEPARTMENT = LayerSpec(
    "department",
    {"default_team": "general"},
    (RuleSpec("billing", {"intent": "billing"}, {"team": "billing"}),),
)
MODEL = ModelSpec("bot first", (BOT, DEPARTMENT))


def world() -> World:
    teams = {"general": TeamState(1, "general", agent_ids=(7,)), "billing": TeamState(2, "billing")}
    agents = {7: AgentState(7, "Gus", frozenset({"general"}), presence="online")}
    return World(teams, agents)


def facts(channel: str = "web", state: str = "", reason: str = "") -> TicketFacts:
    return TicketFacts(1, channel, self_service=state, self_service_reason=reason)


def test_an_answered_ticket_is_held_no_team_no_assignee_no_later_layer():
    decision = decide(MODEL, facts("chat", "answered"), world(), NOW)

    assert decision.held_by == "self_service"
    assert decision.team is None and decision.assignee_id is None
    assert decision.trace[1:] == [
        "self-service: the bot answered on chat; staff wait for the customer's verdict"
    ]


def test_a_resolved_ticket_stays_held():
    decision = decide(MODEL, facts("web", "resolved"), world(), NOW)
    assert decision.held_by and decision.team is None


def test_a_handed_off_ticket_passes_to_the_staff_layers():
    decision = decide(MODEL, facts("web", "handed_off", "not_solved"), world(), NOW)

    assert decision.held_by is None
    assert decision.team == "general" and decision.assignee_id == 7
    assert decision.trace[1] == (
        "self-service: the bot handed off (not_solved) -> passing to the next layer"
    )
    assert decision.trace[2].startswith("department:")


def test_a_ticket_on_another_channel_skips_the_layer_even_if_answered():
    decision = decide(MODEL, facts("email", "answered"), world(), NOW)

    assert decision.held_by is None and decision.team == "general"
    assert decision.trace[1] == "self-service: channel email is not a bot channel; skipped"


def test_a_ticket_the_bot_never_answered_passes_on():
    decision = decide(MODEL, facts("web"), world(), NOW)
    assert decision.held_by is None and decision.team == "general"
    assert decision.trace[1] == "self-service: the bot has not answered on web -> passing on"


def test_the_layer_when_limits_it_like_any_other_layer():
    only_vip = LayerSpec("self_service", {"channels": ["web"]}, when={"customer_tier": "vip"})
    model = ModelSpec("bot for vips", (only_vip, DEPARTMENT))

    decision = decide(model, facts("web", "answered"), world(), NOW)

    assert decision.held_by is None and decision.team == "general"
    assert decision.trace[1].startswith("layer self_service skipped: when customer_tier")
    assert layer_for(model, "self_service", facts("web"), NOW) is None
    assert layer_for(MODEL, "self_service", facts("web"), NOW) is BOT


DOC = """
teams: [{team: general}]
models:
  - name: bot first
    active: true
    layers:
      - kind: self_service
        settings: {channels: [web, chat], min_confidence: 0.5, never_automate: [chargeback]}
      - kind: department
        settings: {default_team: general}
"""


@pytest.mark.parametrize(
    ("broken", "path"),
    [
        (("channels: [web, chat]", "channels: []"), "settings.channels"),
        (("channels: [web, chat], ", ""), "settings.channels"),
        (("channels: [web, chat]", "channels: web"), "settings.channels"),
        (("channels: [web, chat]", "channels: [web, 3]"), "settings.channels[1]"),
        (("min_confidence: 0.5", "min_confidence: 1.5"), "settings.min_confidence"),
        (("min_confidence: 0.5", "min_confidence: high"), "settings.min_confidence"),
        (("never_automate: [chargeback]", "never_automate: ['']"), "settings.never_automate[0]"),
        (("never_automate:", "never_automat:"), "settings.never_automat"),
    ],
)
def test_bad_settings_name_the_key(broken, path):
    with pytest.raises(SpecError) as caught:
        validation.check_document(yaml_io.load(DOC.replace(*broken)), teams={"general"})
    assert caught.value.path == f"models[0].layers[0].{path}"


def test_the_layer_takes_no_rules():
    doc = DOC.replace(
        "never_automate: [chargeback]}",
        "never_automate: [chargeback]}\n        rules: [{name: x, then: {}}]",
    )
    with pytest.raises(SpecError) as caught:
        validation.check_document(yaml_io.load(doc), teams={"general"})
    assert caught.value.path == "models[0].layers[0].rules"


def test_a_valid_layer_applies_and_exports_back(desk):
    desk.team("general")
    desk.model(DOC)
    layer = yaml_io.export_document()["models"][0]["layers"][0]
    assert layer["kind"] == "self_service"
    assert layer["settings"]["never_automate"] == ["chargeback"]


def test_live_routing_reads_the_bot_verdict_from_the_ticket(desk, monday_9am):
    """Routing alone (no bot step): the verdict the bot leaves in custom fields drives it."""
    desk.team("general")
    desk.agent("Gus", "general")
    desk.model(DOC)
    from helpmesh.bot import fields

    fields.ensure_fields()
    ticket = desk.ticket(
        "Password reset",
        channel="chat",
        custom_fields={"self_service": "answered", "self_service_reason": "answered"},
    )
    assert ticket.team is None and ticket.assignee is None
    assert snapshots.facts_for(ticket).self_service == "answered"

    tickets.update_ticket(
        ticket,
        tickets.TicketChanges(
            custom_fields={"self_service": "handed_off", "self_service_reason": "not_solved"}
        ),
        actor=None,
        reason="self-service",
    )
    services.route_ticket(ticket, kind="handoff")

    ticket.refresh_from_db()
    assert ticket.team.slug == "general" and ticket.assignee.name == "Gus"
    first, second = (row["trace"] for row in services.trace_for(ticket))
    assert "the bot answered on chat" in first[1]
    assert second[1] == "self-service: the bot handed off (not_solved) -> passing to the next layer"
    assert second[2].startswith("department:")

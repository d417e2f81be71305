"""The demo desk's support model as a story: departments choose the team, and only Technical
Support works in tiers, escalating to Engineering (demo/support_model.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from helpmesh.conversations import services as tickets
from helpmesh.core import clock
from helpmesh.demo import support_model
from helpmesh.routing import notes, services, sla, sweeps

TEAMS = ("billing", "technical-support", "shipping", "accounts", "engineering")


@pytest.fixture
def demo_desk(desk, monday_9am):
    for slug in TEAMS:
        desk.team(slug)
    support_model.apply()
    return {
        "bea": desk.agent("Bea", "billing"),
        "theo": desk.agent("Theo", "technical-support"),
        "eli": desk.agent("Eli", "engineering"),
    }


def lines(ticket) -> list[str]:
    return services.trace_for(ticket)[-1]["trace"]


def test_an_invoice_question_goes_to_billing_and_skips_the_tiers(desk, demo_desk):
    ticket = desk.ticket("Invoice for March is missing")
    assert (ticket.team.slug, ticket.assignee) == ("billing", demo_desk["bea"])
    trace = lines(ticket)
    assert "department: rule 'billing keywords' matched (subject mentions 'invoice')" in trace
    assert (
        "layer tiered skipped: when team technical-support did not match "
        "(team is 'billing', not 'technical-support')"
    ) in trace
    assert ticket.routing.tier is None  # billing has no tiers


def test_an_api_bug_goes_straight_to_engineering(desk, demo_desk):
    ticket = desk.ticket("Webhook returns 500", tags=["api", "bug"])
    assert (ticket.team.slug, ticket.assignee, ticket.routing.tier) == (
        "engineering",
        demo_desk["eli"],
        2,
    )
    trace = lines(ticket)
    assert trace.index("department: -> team technical-support") < trace.index(
        "layer tiered applies: when team technical-support matched (team is 'technical-support')"
    )
    assert "tiered: escalate tier 1 -> 2" in trace


def test_a_bug_left_a_day_in_tier_one_reaches_engineering_with_a_brief(desk, demo_desk):
    theo, eli = demo_desk["theo"], demo_desk["eli"]
    ticket = desk.ticket("Reports page is blank", body="Since the update the reports are empty.")
    assert (ticket.team.slug, ticket.assignee, ticket.routing.tier) == (
        "technical-support",
        theo,
        1,
    )
    due = sla.due_times_for([ticket])[ticket.pk]["first_response_due"]

    # Theo finds it is a bug: tagging it re-decides, and a bug stays in tier 1 for a day.
    tickets.update_ticket(ticket, tickets.TicketChanges(add_tags=["bug"]), actor=theo)
    ticket.refresh_from_db()
    assert (ticket.team.slug, ticket.assignee) == ("technical-support", theo)
    clock.advance(timedelta(hours=23))
    assert sweeps.escalate_by_time() == 0
    clock.advance(timedelta(hours=1, minutes=1))
    assert sweeps.escalate_by_time() == 1

    ticket.refresh_from_db()
    assert (ticket.team.slug, ticket.assignee, ticket.routing.tier) == ("engineering", eli, 2)
    note = ticket.messages.get(internal=True)
    assert note.author_user.email == notes.ROUTING_EMAIL
    assert note.body_text.startswith(
        "Escalation tier 1 -> 2 (technical-support -> engineering): "
        "rule 'tiered/bugs open a day in tier 1'."
    )
    assert "Last customer message: Since the update the reports are empty." in note.body_text
    assert "Next step: send the first response" in note.body_text
    # The note is not a reply: the first response is still owed, on the same due time.
    assert ticket.first_response_at is None
    assert sla.due_times_for([ticket])[ticket.pk]["first_response_due"] == due


def test_the_self_service_first_model_puts_the_bot_and_the_crowd_before_the_same_departments(
    desk, demo_desk
):
    support_model.switch_to_self_service_first()
    ticket = desk.ticket("Invoice for March is missing")  # by email: no bot, no crowd

    assert (ticket.team.slug, ticket.assignee) == ("billing", demo_desk["bea"])
    trace = lines(ticket)
    assert "self-service: channel email is not a bot channel; skipped" in trace
    assert "community: email questions do not go to the crowd; skipped" in trace
    assert "department: rule 'billing keywords' matched (subject mentions 'invoice')" in trace

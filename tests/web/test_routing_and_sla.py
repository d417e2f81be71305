"""Routing and SLAs where agents work: the ticket sidebar's cards, escalation, the inbox column
and the "due soonest" sort, on a frozen clock so relative times read the same every run."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from helpmesh.conversations import services
from helpmesh.conversations.models import Message, Ticket
from helpmesh.conversations.services import TicketChanges
from helpmesh.core import clock
from helpmesh.routing import services as routing
from helpmesh.routing import snapshots, yaml_io

# Two tiers (team A, then team B) and round-the-clock SLAs by priority.
MODEL = """
models:
  - name: two tiers
    active: true
    layers:
      - kind: tiered
        settings: {levels: [team-a, team-b]}
sla_policies:
  - name: Urgent
    when: {priority: urgent}
    first_response_minutes: 30
  - name: Standard
    first_response_minutes: 60
    next_response_minutes: 120
    resolution_minutes: 480
"""
MONDAY_9AM = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def monday():
    snapshots.forget_model()  # test databases reuse ids and the frozen clock reuses times
    with clock.frozen(MONDAY_9AM):
        yield


@pytest.fixture
def desk(personas):
    """The two-tier model with Anna (team A) and Ben (team B) online."""
    yaml_io.apply_document(yaml_io.load(MODEL))
    for agent in (personas.anna, personas.ben):
        routing.set_presence(agent, "online")
    return personas


def page_of(client, ticket: Ticket) -> str:
    response = client.get(f"/inbox/tickets/{ticket.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def card(html: str, name: str) -> str:
    """The HTML of one sidebar card (``id="ticket-<name>"``)."""
    match = re.search(rf'<section class="card[^"]*" id="ticket-{name}".*?</section>', html, re.S)
    assert match, f"no {name} card"
    return match.group(0)


def sla_cell(html: str, ticket: Ticket) -> str:
    """The SLA cell of ``ticket``'s row in the inbox."""
    row = re.search(rf'name="ids" value="{ticket.pk}".*?<td class="col-sla">(.*?)</td>', html, re.S)
    assert row, f"#{ticket.pk} is not listed"
    return row.group(1)


def test_the_routing_card_shows_the_decision_and_its_trace(client, desk):
    ticket = desk.ticket_for(desk.alice_user)
    client.force_login(desk.anna)
    routing_html = card(page_of(client, ticket), "routing")
    assert "Routed on arrival" in routing_html
    assert "Team A" in routing_html and "Anna" in routing_html
    assert "Tier 1" in routing_html
    assert '<details class="trace">' in routing_html
    assert "tiered: new ticket starts in tier 1 (team-a)" in routing_html
    assert "Escalate to tier 2 · Team B" in routing_html  # Anna may escalate from tier 1


def test_a_desk_without_routing_shows_no_routing_or_sla_card(client, personas):
    ticket = personas.ticket_for(personas.alice_user)
    client.force_login(personas.anna)
    html = page_of(client, ticket)
    assert 'id="ticket-routing"' not in html and 'id="ticket-sla"' not in html


def test_the_sla_card_counts_down_turns_red_when_overdue_and_shows_met(client, desk):
    ticket = desk.ticket_for(desk.alice_user)
    client.force_login(desk.anna)
    sla_html = card(page_of(client, ticket), "sla")
    assert "Standard" in sla_html and "On track" in sla_html
    assert '<dd class="sla-running"><time' in sla_html and "in 1h</time>" in sla_html
    assert "in 8h</time>" in sla_html  # resolution

    clock.advance(timedelta(minutes=90))
    sla_html = card(page_of(client, ticket), "sla")
    assert "Overdue" in sla_html
    assert re.search(r'<dd class="sla-overdue"><time[^>]*>30m overdue</time>', sla_html)

    services.add_message(ticket, services.NewMessage("On it"), channel="web", author_user=desk.anna)
    sla_html = card(page_of(client, ticket), "sla")
    assert '<dd class="sla-met">Met</dd>' in sla_html


def test_a_pending_ticket_shows_its_clocks_paused_with_the_time_left(client, desk):
    ticket = desk.ticket_for(desk.alice_user)
    clock.advance(timedelta(minutes=20))
    services.update_ticket(ticket, TicketChanges(status="pending"), actor=desk.anna)
    client.force_login(desk.anna)
    sla_html = card(page_of(client, ticket), "sla")
    assert "Paused" in sla_html and "Clocks are paused while the ticket is pending" in sla_html
    assert "Paused · 40m left" in sla_html  # first response: 60 minutes, 20 spent
    assert "Paused · 7h 40m left" in sla_html  # resolution


def test_an_htmx_reply_refreshes_the_sla_card(client, desk):
    ticket = desk.ticket_for(desk.alice_user)
    client.force_login(desk.anna)
    response = client.post(
        f"/inbox/tickets/{ticket.pk}/reply/",
        {"mode": "public", "body": "Looking into it"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert 'id="ticket-sla" hx-swap-oob="true"' in html
    assert '<dd class="sla-met">Met</dd>' in card(html, "sla")


def test_escalating_with_a_note_moves_the_ticket_up_a_tier(client, desk):
    ticket = desk.ticket_for(desk.alice_user)
    client.force_login(desk.anna)
    response = client.post(
        f"/inbox/tickets/{ticket.pk}/escalate/", {"note": "Needs a database fix"}, follow=True
    )
    ticket.refresh_from_db()
    assert (ticket.team, ticket.assignee) == (desk.team_b, desk.ben)
    note = Message.objects.get(ticket=ticket, internal=True)
    assert "Needs a database fix" in note.body_text and note.author_user == desk.anna
    # Team B's tickets are not Anna's team's, but she follows the one she escalated.
    assert response.redirect_chain[-1][0] == f"/inbox/tickets/{ticket.pk}/"
    assert f"Escalated #{ticket.pk} to tier 2 (Team B), assigned to Ben." in (
        response.content.decode()
    )

    client.force_login(desk.root)
    routing_html = card(page_of(client, ticket), "routing")
    assert "Escalated by an agent" in routing_html and "Tier 2" in routing_html
    assert "Routed on arrival → Team A, Anna" in routing_html  # the earlier decision
    assert "Escalate to tier" not in routing_html  # already at the top tier


def test_escalating_without_a_note_is_a_form_error(client, desk):
    ticket = desk.ticket_for(desk.alice_user)
    client.force_login(desk.anna)
    response = client.post(f"/inbox/tickets/{ticket.pk}/escalate/", {"note": "  "})
    assert response.status_code == 200
    html = response.content.decode()
    assert "An escalation needs a handoff note." in html
    assert '<details class="escalate" open>' in html
    ticket.refresh_from_db()
    assert ticket.team == desk.team_a and not ticket.messages.filter(internal=True).exists()


def test_refused_escalations_are_form_errors_not_500s(client, desk):
    ticket = desk.ticket_for(desk.alice_user)
    client.force_login(desk.lisa)  # a light agent of team A
    html = page_of(client, ticket)
    assert "Escalate to tier" not in html
    response = client.post(f"/inbox/tickets/{ticket.pk}/escalate/", {"note": "Please"})
    assert response.status_code == 200
    assert "Light agents cannot escalate tickets." in response.content.decode()

    yaml_io.apply_document({"models": []})  # no tiers any more
    client.force_login(desk.anna)
    response = client.post(f"/inbox/tickets/{ticket.pk}/escalate/", {"note": "Please"})
    assert response.status_code == 200
    assert "The active support model has no tiers." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.team == desk.team_a


def test_the_inbox_sla_column_shows_next_due_overdue_in_red_and_paused(client, desk):
    late = desk.ticket_for(desk.alice_user, subject="Late one")
    clock.advance(timedelta(minutes=40))
    fresh = desk.ticket_for(desk.alice_user, subject="Fresh one")
    paused = desk.ticket_for(desk.alice_user, subject="Waiting on customer")
    services.update_ticket(paused, TicketChanges(status="pending"), actor=desk.anna)
    clock.advance(timedelta(minutes=30))  # late: 70 min old; fresh: 30 min old
    client.force_login(desk.anna)
    html = client.get("/inbox/").content.decode()
    assert "10m overdue" in sla_cell(html, late) and "sla-overdue" in sla_cell(html, late)
    assert "in 30m" in sla_cell(html, fresh) and "sla-overdue" not in sla_cell(html, fresh)
    assert "Paused" in sla_cell(html, paused)


def test_due_soonest_puts_the_nearest_due_first_and_tickets_without_a_clock_last(client, desk):
    normal = desk.ticket_for(desk.alice_user, subject="Normal")
    clock.advance(timedelta(minutes=10))
    urgent = desk.ticket_for(desk.alice_user, subject="Urgent")
    services.update_ticket(urgent, TicketChanges(priority="urgent"), actor=desk.anna)
    solved = desk.ticket_for(desk.alice_user, subject="Solved")
    services.update_ticket(solved, TicketChanges(status="solved"), actor=desk.anna)
    client.force_login(desk.anna)
    response = client.get("/inbox/", {"sort": "due"})
    assert [t.pk for t in response.context["page"].rows] == [urgent.pk, normal.pk, solved.pk]
    assert '<option value="due" selected>Due soonest</option>' in response.content.decode()
    newest_first = client.get("/inbox/", {"sort": "created"}).context["page"].rows
    assert [t.pk for t in newest_first] == [solved.pk, urgent.pk, normal.pk]

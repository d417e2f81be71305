"""Central first line and tiered escalation, as stories on a moving clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from helpmesh.conversations import services as tickets
from helpmesh.conversations.errors import TicketError
from helpmesh.core import audit, clock
from helpmesh.routing import notes, services, sla_sweep, sweeps

CENTRAL = """
models:
  - name: hybrid
    active: true
    layers:
      - kind: central
        settings: {first_line: desk}
        rules:
          - name: security incidents
            when: {tags_any: [security]}
            then: {team: security}
"""

TIERED = """
sla_policies:
  - {name: all, first_response_minutes: 240}
models:
  - name: tiers
    active: true
    layers:
      - kind: tiered
        settings: {levels: [l1, l2, l3]}
        rules:
          - name: stuck in tier one
            when: {tier: 1, time_in_tier_minutes: 120}
            then: {tier: 2}
          - name: outage goes straight to engineers
            when: {intent: outage, min_confidence: 0.9}
            then: {tier: 3}
"""


def test_first_line_gets_everything_and_hands_complex_cases_to_specialists(desk, monday_9am):
    for slug in ("desk", "security"):
        desk.team(slug)
    desk.model(CENTRAL)
    dana = desk.agent("Dana", "desk")
    sam = desk.agent("Sam", "security")
    ticket = desk.ticket("Password reset")
    assert (ticket.team.slug, ticket.assignee) == ("desk", dana)

    # Dana finds it is a break-in and tags it: the explicit criterion moves it to security.
    tickets.update_ticket(ticket, tickets.TicketChanges(add_tags=["security"]), actor=dana)
    ticket.refresh_from_db()
    assert (ticket.team.slug, ticket.assignee) == ("security", sam)
    last = services.trace_for(ticket)[-1]
    assert last["kind"] == "reroute" and last["rule"] == "central/security incidents"


def test_tiers_escalate_by_time_by_intent_and_by_hand_keeping_history(desk, monday_9am):
    for slug in ("l1", "l2", "l3"):
        desk.team(slug)
    desk.model(TIERED)
    una = desk.agent("Una", "l1")
    two = desk.agent("Tess", "l2")
    eng = desk.agent("Eng", "l3")

    outage = desk.ticket("Site down", intent=("outage", 0.97))
    assert (outage.team.slug, outage.assignee) == ("l3", eng)
    assert any("skipping tier 2..2" in line for line in services.trace_for(outage)[0]["trace"])

    slow = desk.ticket("How do I export?")
    assert (slow.team.slug, slow.assignee) == ("l1", una)
    clock.advance(timedelta(minutes=121))
    assert sweeps.escalate_by_time() == 1
    slow.refresh_from_db()
    assert (slow.team.slug, slow.assignee, slow.routing.tier) == ("l2", two, 2)

    with pytest.raises(TicketError, match="handoff note"):
        services.escalate(slow, actor=two, note="  ")
    services.escalate(slow, actor=two, note="Needs a database fix; customer on v3.2")
    slow.refresh_from_db()
    assert (slow.team.slug, slow.assignee) == ("l3", eng)
    notes = list(slow.messages.filter(internal=True).values_list("body_text", flat=True))
    assert any("Needs a database fix" in n for n in notes)
    kinds = [e.kind for e in audit.events_for("ticket", slow.pk)]
    assert kinds.count("routing.decided") == 3 and kinds[0] == "ticket.created"
    with pytest.raises(TicketError, match="top tier"):
        services.escalate(slow, actor=eng, note="nowhere to go")


EMAIL_TIERS = """
sla_policies:
  - {name: all, first_response_minutes: 60, on_breach: [escalate_tier]}
models:
  - name: email-tiers
    active: true
    layers:
      - kind: department
        settings: {default_team: l1}
        rules:
          - {name: chat desk, when: {channel: chat}, then: {team: chat-desk}}
      - kind: tiered
        when: {channel: [email]}
        settings: {levels: [l1, l2]}
"""


def test_chat_skips_the_tiers_that_email_climbs(desk, monday_9am):
    for slug in ("l1", "l2", "chat-desk"):
        desk.team(slug)
    desk.model(EMAIL_TIERS)
    cleo = desk.agent("Cleo", "chat-desk")
    desk.agent("Una", "l1")
    tess = desk.agent("Tess", "l2")

    chat = desk.ticket("Quick question", channel="chat")
    assert (chat.team.slug, chat.assignee, chat.routing.tier) == ("chat-desk", cleo, None)
    assert (
        "layer tiered skipped: when channel in [email] did not match "
        "(channel is 'chat', not 'email')"
    ) in services.trace_for(chat)[0]["trace"]
    with pytest.raises(TicketError, match="not in the tiers"):
        services.escalate(chat, actor=cleo, note="needs a specialist")

    # Email climbs: a breached first response sends it up with a note for tier 2.
    mail = desk.ticket("Export fails", body="The CSV export stops at 50%.")
    assert (mail.team.slug, mail.routing.tier) == ("l1", 1)
    clock.advance(timedelta(minutes=61))
    assert sla_sweep.check_due()["breached"] == 2  # the chat ticket breaches too, and stays
    mail.refresh_from_db()
    chat.refresh_from_db()
    assert (mail.team.slug, mail.assignee, mail.routing.tier) == ("l2", tess, 2)
    assert (chat.team.slug, chat.routing.tier) == ("chat-desk", None)
    note = mail.messages.get(internal=True)
    assert note.author_user.email == notes.ROUTING_EMAIL
    assert note.body_text.startswith("Escalation tier 1 -> 2 (l1 -> l2): first response SLA")
    assert "Last customer message: The CSV export stops at 50%." in note.body_text
    assert services.trace_for(mail)[-1]["summary"] == note.body_text

"""SLA stories: business-hours targets, pause on pending, warnings before and actions on breach."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.core import mail

from helpmesh.conversations import services as tickets
from helpmesh.conversations.models import Ticket
from helpmesh.core import audit, clock
from helpmesh.routing import sla, sla_sweep

MODEL = """
calendars:
  - slug: office
    timezone: Europe/Berlin
    hours: {mon: ["09:00-17:00"], tue: ["09:00-17:00"]}
teams:
  - {team: support, calendar: office}
models:
  - name: plain
    active: true
    layers:
      - kind: department
        settings: {default_team: support}
sla_policies:
  - name: urgent
    when: {priority: urgent}
    first_response_minutes: 30
    resolution_minutes: 240
    warn_before_minutes: 10
    on_breach: [notify, raise_priority]
  - name: normal
    when: {priority: [low, normal, high]}
    first_response_minutes: 120
    next_response_minutes: 60
    resolution_minutes: 480
    warn_before_minutes: 15
    on_breach: [notify, raise_priority]
"""


def berlin(hour: int, minute: int = 0, day: int = 2) -> datetime:
    return datetime(2026, 3, day, hour - 1, minute, tzinfo=UTC)  # CET = UTC+1 in March


def test_first_response_is_due_in_business_time_warns_then_breaches(
    desk, django_capture_on_commit_callbacks
):
    desk.team("support")
    desk.model(MODEL)
    sue = desk.agent("Sue", "support")
    with clock.frozen(berlin(16, 0)):
        ticket = desk.ticket("Export broken")
        due = sla.due_times_for([ticket])[ticket.pk]
        assert due["first_response_due"] == berlin(10, 0, day=3)  # 60 min today, 60 tomorrow
    with clock.frozen(berlin(9, 50, day=3)), django_capture_on_commit_callbacks(execute=True):
        assert sla_sweep.check_due() == {"warned": 1, "breached": 0}
        assert sla_sweep.check_due() == {"warned": 0, "breached": 0}  # once only
    assert "SLA warning" in mail.outbox[-1].subject and mail.outbox[-1].to == [sue.email]
    with clock.frozen(berlin(10, 1, day=3)), django_capture_on_commit_callbacks(execute=True):
        assert sla_sweep.check_due()["breached"] == 1
    ticket.refresh_from_db()
    assert ticket.priority == "high"  # raised on breach
    kinds = [e.kind for e in audit.events_for("ticket", ticket.pk)]
    assert "sla.breached" in kinds and "sla.warning" in kinds
    assert sla.due_times_for([ticket])[ticket.pk]["breached"] == ["first_response"]


def test_pending_pauses_the_clock_and_replies_meet_and_restart_targets(desk):
    desk.team("support")
    desk.model(MODEL)
    sue = desk.agent("Sue", "support")
    with clock.frozen(berlin(9, 0)):
        ticket = desk.ticket("Question")
        tickets.add_message(ticket, tickets.NewMessage("Looking"), channel="email", author_user=sue)
        state = sla.due_times_for([ticket])[ticket.pk]
        assert state["first_response_due"] is None and "first_response" in state["met"]
        assert state["resolution_due"] == berlin(17, 0)
        tickets.update_ticket(ticket, tickets.TicketChanges(status="pending"), actor=sue)
        clock.advance(timedelta(hours=3))  # 12:00, paused for three hours
        assert sla.due_times_for([ticket])[ticket.pk]["paused"] is True
        desk_ticket = Ticket.objects.get(pk=ticket.pk)
        tickets.add_message(
            desk_ticket,
            tickets.NewMessage("More info"),
            channel="email",
            author_customer=desk_ticket.requester,
        )
        state = sla.due_times_for([ticket])[ticket.pk]
    assert state["paused"] is False
    # 8 business hours from 12:00 (nothing spent before the pause): 5h today, 3h tomorrow.
    assert state["resolution_due"] == berlin(12, 0, day=3)
    assert state["next_response_due"] == berlin(13, 0)


def test_inbox_sorts_due_soonest_first(desk):
    desk.team("support")
    desk.model(MODEL)
    with clock.frozen(berlin(9, 0)):
        normal = desk.ticket("Normal one")
        urgent = desk.ticket("Urgent one", priority="urgent")
    ordered = list(sla.order_by_due(Ticket.objects.all()))
    assert ordered[:2] == [urgent, normal]
    assert ordered[0].sla_due == berlin(9, 30)

"""The demo seeds a realistic desk once, through the real services."""

import logging
import os

from django.contrib.auth import authenticate

from helpmesh import cli
from helpmesh.conversations import services, tasks
from helpmesh.conversations.models import Message, Status, Ticket
from helpmesh.core import clock
from helpmesh.core.audit import ChainProblem, verify_chain
from helpmesh.demo import runner, seed
from helpmesh.routing.models import RoutingDecision, SupportModel, TicketSla


def test_seed_creates_the_documented_logins_and_a_lived_in_desk(db):
    counts = seed.seed(tickets=60, customer_count=30)
    assert counts["tickets"] == 60 and counts["customers"] == 30
    for email, role in runner.LOGINS:
        user = authenticate(email=email, password="demo")
        assert user is not None and user.role == role, email
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert {Status.NEW, Status.SOLVED} <= statuses
    assert Message.objects.filter(internal=True).exists()
    assert Ticket.objects.exclude(first_response_at=None).exists()
    assert not [p for p in verify_chain() if isinstance(p, ChainProblem)]


def test_demo_tickets_are_routed_and_carry_sla_clocks_from_their_own_time(db):
    seed.seed(tickets=60, customer_count=30, days=14)  # all within the routed window
    # The history ran on the departments model; the desk has since switched to self-service
    # first (the bot, then the community, then the same departments).
    assert SupportModel.objects.get(is_active=True).name == "demo-self-service-first"
    received = RoutingDecision.objects.filter(kind="received").select_related("ticket")
    assert received.count() == Ticket.objects.count() == 60
    for decision in received:
        # Routed when the ticket came in (backdated), by a department rule, to a real agent.
        assert decision.created_at == decision.ticket.created_at
        assert decision.rule.startswith(("department/", "tiered/"))
        assert decision.assignee_id is not None and decision.trace
    assert {d.ticket.team.slug for d in received} >= {"billing", "shipping", "accounts"}

    slas = TicketSla.objects.select_related("ticket", "policy")
    assert slas.count() == 60
    assert {s.policy.name for s in slas} >= {"Normal", "High"}
    for sla in slas.exclude(first_response_due=None):
        assert sla.policy.name.lower() == sla.ticket.priority
        assert sla.first_response_due > sla.ticket.created_at  # due from its own time
    answered = slas.exclude(ticket__first_response_at=None)
    assert answered and all("first_response" in s.state.get("met", []) for s in answered)


def test_seeding_again_keeps_the_data(db):
    runner.seed_if_empty(tickets=20)
    before = Ticket.objects.count()
    runner.seed_if_empty(tickets=20)
    assert Ticket.objects.count() == before == 20


def test_older_history_is_filed_straight_into_teams(db):
    seed.seed(tickets=40, customer_count=20, days=90)
    routed = set(
        RoutingDecision.objects.filter(kind="received").values_list("ticket_id", flat=True)
    )
    old = Ticket.objects.exclude(pk__in=routed)
    assert old.exists() and routed  # both kinds exist over 90 days
    assert not old.filter(team=None).exists()
    assert all(t.created_at < clock.now() - seed.ROUTED_HISTORY for t in old)


def test_the_demo_links_its_emails_to_its_own_port(monkeypatch):
    monkeypatch.setenv("HELPMESH_BASE_URL", "unset below; monkeypatch restores the original")
    for argv, expected in (
        (["demo", "--port", "8123"], "http://127.0.0.1:8123"),
        (["demo", "--port", "8124", "--host", "::"], "http://127.0.0.1:8124"),
        (["demo", "--port", "8125", "--host", "::1"], "http://[::1]:8125"),
    ):
        monkeypatch.delenv("HELPMESH_BASE_URL")
        args = cli.build_parser().parse_args(argv)
        args.prepare(args)
        assert os.environ["HELPMESH_BASE_URL"] == expected
    monkeypatch.setenv("HELPMESH_BASE_URL", "https://help.example.com")
    args.prepare(args)
    assert os.environ["HELPMESH_BASE_URL"] == "https://help.example.com"  # an operator's choice


def test_reply_emails_link_to_the_base_url(personas, settings, mailoutbox):
    settings.BASE_URL = "http://127.0.0.1:8123"
    ticket = personas.ticket_for(personas.alice_user)
    reply = services.add_message(
        ticket, services.NewMessage("On it."), channel="web", author_user=personas.anna
    )
    tasks.notify_requester_of_reply.call(reply.pk)
    assert f"http://127.0.0.1:8123/portal/requests/{ticket.pk}/" in mailoutbox[-1].body


def test_a_sent_reply_notification_is_not_console_news(personas, caplog):
    ticket = personas.ticket_for(personas.alice_user)
    reply = services.add_message(
        ticket, services.NewMessage("On it."), channel="web", author_user=personas.anna
    )
    caplog.set_level(logging.DEBUG, logger="helpmesh")
    assert tasks.notify_requester_of_reply.call(reply.pk) == "sent"
    sent = [r for r in caplog.records if "sent reply notification" in r.getMessage()]
    assert [r.levelno for r in sent] == [logging.DEBUG]

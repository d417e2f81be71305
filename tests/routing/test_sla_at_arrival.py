"""Every open ticket a policy covers carries its SLA clocks from the moment it arrived: the demo's
seeded history (old tickets filed straight into their teams) and a ticket from every channel."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client

from helpmesh.accounts import services as accounts
from helpmesh.accounts.models import Role
from helpmesh.channels.email import services as email
from helpmesh.conversations import pipeline
from helpmesh.conversations.models import Channel, Status, Ticket
from helpmesh.core import clock
from helpmesh.demo import seed, support_model
from helpmesh.routing import sla, snapshots
from helpmesh.routing.models import TicketSla
from helpmesh.routing.sla_clock import select_policy

OPEN = [Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD]


def _covered(ticket: Ticket) -> bool:
    policy, _ = select_policy(snapshots.sla_policies(), snapshots.facts_for(ticket), clock.now())
    return policy is not None


def test_seeded_history_carries_clocks_from_arrival_and_sorts_by_due(db):
    seed.seed(tickets=80, customer_count=30, days=90)
    old = Ticket.objects.filter(created_at__lt=clock.now() - seed.ROUTED_HISTORY)
    assert old.filter(status__in=OPEN).exists()  # the history the fault was seen on

    open_tickets = list(Ticket.objects.filter(status__in=OPEN, merged_into=None))
    with_clocks = set(TicketSla.objects.values_list("ticket_id", flat=True))
    missing = [t.pk for t in open_tickets if _covered(t) and t.pk not in with_clocks]
    assert missing == []

    # From arrival, not from when someone touched it: an untouched old ticket's clocks run
    # since its own creation.
    untouched = [t for t in old.filter(status=Status.NEW) if t.messages.count() == 1]
    for ticket in untouched:
        running = sla.clocks(ticket.sla)
        assert running and all(c.run_since == ticket.created_at for c in running.values())
        assert ticket.sla.first_response_due > ticket.created_at

    # "Due soonest" puts every running clock before the tickets without one, earliest first.
    ordered = list(sla.order_by_due(Ticket.objects.filter(status__in=[Status.NEW, Status.OPEN])))
    dues = [t.sla_due for t in ordered]
    assert dues and all(d is not None for d in dues)
    assert dues == sorted(dues)


def _raw_email(sender: str, subject: str) -> bytes:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "help@example.com", subject
    message["Message-ID"] = f"<{subject.replace(' ', '-')}@mail.example>"
    message.set_content("Please help.")
    return bytes(message)


def test_a_ticket_from_every_channel_gets_its_clocks_on_arrival(db, api):
    seed._teams()  # the demo's teams, which its support model names
    support_model.apply()
    arrived = clock.now().replace(microsecond=0) - timedelta(days=3)
    agent = accounts.create_user("pat@example.com", "pw", name="Pat", role=Role.AGENT)
    customer = accounts.create_user("cy@example.com", "pw", name="Cy", role=Role.CUSTOMER)
    made: dict[str, Ticket] = {}
    with clock.frozen(arrived):
        mailed = email.ingest(_raw_email("eve@mail.example", "Mail in"))
        made["email"] = Ticket.objects.get(pk=mailed.ticket_id)
        portal = Client()
        portal.force_login(customer)
        portal.post("/portal/requests/new/", {"subject": "From portal", "description": "Hi"})
        made["web"] = Ticket.objects.get(subject="From portal")
        api(customer).post("/tickets", {"subject": "From API", "body": "Hi"})
        made["api"] = Ticket.objects.get(subject="From API")
        body = {"subject": "By phone", "body": "Called in", "requester_email": "ph@mail.example"}
        api(agent).post("/tickets", {**body, "channel": "phone", "priority": "urgent"})
        made["phone"] = Ticket.objects.get(subject="By phone")
        for channel in sorted(set(Channel.values) - set(made)):  # chat, social, any newer one
            inbound = pipeline.Inbound(
                channel=channel,
                sender=pipeline.Sender("email", f"{channel}@mail.example", "Someone"),
                subject=f"Via {channel}",
                body_text="Hello?",
            )
            made[channel] = pipeline.receive(inbound).ticket
    assert {t.channel for t in made.values()} == set(Channel.values)
    for channel, ticket in made.items():
        row = TicketSla.objects.filter(ticket=ticket).first()
        assert row is not None, channel
        assert row.policy.name.lower() == ticket.priority, channel
        started = {c.run_since for c in sla.clocks(row).values()}
        assert started == {ticket.created_at} == {arrived}, channel

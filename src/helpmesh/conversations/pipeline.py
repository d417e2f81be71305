"""The one inbound entry every channel calls: a contact in, a ticket message out.

    receive(Inbound) -> Receipt

1. keep the raw form (in the same transaction as the result, or quarantined on failure),
2. skip it if this (channel, source id) was already processed (exactly once),
3. identify the customer (customers.identify),
4. thread it onto the ticket it answers, or open a new ticket,
5. append the message (conversations.services), which moves status and audits,
6. run the configured "received" steps (triage, routing: conversations.hooks).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError

from helpmesh.accounts.models import User
from helpmesh.conversations import hooks, services
from helpmesh.conversations.attachments import NewAttachment
from helpmesh.conversations.errors import InboundRejected, TicketError
from helpmesh.conversations.models import InboundContact, InboundState, Message, Ticket
from helpmesh.core import audit, clock, compiled
from helpmesh.customers import services as customers
from helpmesh.customers.models import Customer

log = logging.getLogger(__name__)


@dataclass
class Sender:
    """Who sent it, as the channel knows them (an address, a handle) or as a signed-in user."""

    kind: str = "email"
    value: str = ""
    name: str = ""
    user: User | None = None


@dataclass
class Inbound:
    """One contact from any channel, normalized."""

    channel: str
    sender: Sender
    body_text: str
    subject: str = ""
    body_html: str = ""
    attachments: list[NewAttachment] = field(default_factory=list)
    source_id: str = ""  # Message-ID, webhook id or Idempotency-Key: makes ingestion exactly-once
    ticket_id: int | None = None  # the ticket this says it answers, if the channel knows
    raw: bytes = b""
    received_at: datetime | None = None
    entered_by: User | None = None  # an agent entering it for the customer (phone, API)
    team_id: int | None = None
    priority: str = "normal"
    tags: list[str] = field(default_factory=list)
    custom_fields: dict = field(default_factory=dict)
    cc: list[Sender] = field(default_factory=list)  # copied people: they become participants


@dataclass
class Receipt:
    """What receive did."""

    ticket: Ticket
    message: Message
    customer: Customer
    created_ticket: bool
    duplicate: bool = False


def receive(inbound: Inbound, *, unseen: bool = False) -> Receipt:
    """Record an inbound contact exactly once and return the ticket message it became.

    Raises InboundRejected (with the quarantined contact's id) when it cannot be processed;
    the raw form is kept either way. ``unseen=True``: the caller has just looked up this
    (channel, source id) and found no contact at all, so the duplicate check and the look-up
    before storing the raw form are skipped (a racing duplicate still ends in IntegrityError,
    handled below).
    """
    if inbound.source_id and not unseen:
        previous = _processed(inbound)
        if previous is not None:
            return previous
    try:
        with audit.unit():
            return _process(inbound, unseen=unseen)
    except IntegrityError:
        previous = _processed(inbound) if inbound.source_id else None
        if previous is None:
            raise
        return previous  # a concurrent delivery of the same contact won the race
    except TicketError as exc:
        contact = quarantine(inbound, exc.message)
        raise InboundRejected(exc.message, contact_id=contact.pk, field=exc.field) from exc


def _processed(inbound: Inbound) -> Receipt | None:
    contact = (
        InboundContact.objects.select_related("ticket", "message")
        .filter(channel=inbound.channel, source_id=inbound.source_id, state=InboundState.PROCESSED)
        .first()
    )
    if contact is None or contact.ticket is None or contact.message is None:
        return None
    return Receipt(
        contact.ticket,
        contact.message,
        contact.ticket.requester,
        created_ticket=False,
        duplicate=True,
    )


def _process(inbound: Inbound, *, unseen: bool = False) -> Receipt:
    customer = _identify(inbound.sender)
    message = services.NewMessage(inbound.body_text, inbound.body_html, inbound.attachments)
    at = inbound.received_at or clock.now()
    ticket = _thread(inbound, customer)
    if ticket is None:
        ticket, created = _open(inbound, customer, message, at)
        new_ticket = True
    else:
        created = services.add_message(
            ticket,
            message,
            channel=inbound.channel,
            author_customer=customer,
            author_user=inbound.entered_by,
            at=at,
        )
        new_ticket = False
    _add_participants(ticket, inbound.cc, exclude=customer)
    _keep(inbound, at, state=InboundState.PROCESSED, unseen=unseen, ticket=ticket, message=created)
    hooks.run("received", ticket, message=created, created_ticket=new_ticket, inbound=inbound)
    return Receipt(ticket, created, customer, created_ticket=new_ticket)


def _identify(sender: Sender) -> Customer:
    if sender.user is not None and sender.user.is_customer:
        return customers.customer_for_user(sender.user)
    if not sender.value:
        raise TicketError("the sender has no address", field="requester")
    try:
        customer, _ = customers.identify(sender.kind, sender.value, name=sender.name)
    except customers.CustomerError as exc:
        raise TicketError(str(exc), field=exc.field or "requester") from exc
    return customer


def _thread(inbound: Inbound, customer: Customer) -> Ticket | None:
    """The ticket this contact continues, only when the sender takes part in it."""
    if inbound.ticket_id is None:
        return None
    ticket = Ticket.objects.filter(pk=inbound.ticket_id).first()
    while ticket is not None and ticket.merged_into_id:
        ticket = Ticket.objects.filter(pk=ticket.merged_into_id).first()
    if ticket is None:
        raise TicketError(f"ticket #{inbound.ticket_id} does not exist", field="ticket_id")
    if not takes_part(ticket, customer):
        raise TicketError(
            f"the sender is not part of ticket #{ticket.pk}",
            field="ticket_id",
            code="not_participant",
        )
    return ticket


def takes_part(ticket: Ticket, customer: Customer) -> bool:
    """True when ``customer`` is the requester, a participant, or shares the organization."""
    return (
        ticket.requester_id == customer.pk
        or ticket.participants.filter(pk=customer.pk).exists()
        or (
            customer.organization_id is not None
            and customer.organization_id == ticket.organization_id
            and bool(customer.organization and customer.organization.shares_tickets)
        )
    )


def _add_participants(ticket: Ticket, cc: list[Sender], *, exclude: Customer) -> None:
    """Make the copied people participants (identifying new ones), audited once."""
    added = []
    for person in cc:
        if not person.value:
            continue
        try:
            customer, _ = customers.identify(person.kind, person.value, name=person.name)
        except customers.CustomerError:
            continue  # a malformed CC address never blocks the message itself
        if customer.pk in (exclude.pk, ticket.requester_id):
            continue
        if not ticket.participants.filter(pk=customer.pk).exists():
            ticket.participants.add(customer)
            added.append(customer.pk)
    if added:
        audit.record("ticket.participants_added", "ticket", ticket.pk, data={"customers": added})


def _open(inbound: Inbound, customer: Customer, message: services.NewMessage, at: datetime):
    from helpmesh.accounts.models import Team

    team = Team.objects.filter(pk=inbound.team_id).first() if inbound.team_id else None
    if inbound.team_id and team is None:
        raise TicketError(f"team {inbound.team_id} does not exist", field="team_id")
    return services.create_ticket(
        requester=customer,
        subject=inbound.subject,
        message=message,
        channel=inbound.channel,
        actor=inbound.entered_by,
        team=team,
        priority=inbound.priority,
        tags=inbound.tags,
        fields=inbound.custom_fields,
        at=at,
    )


def _keep(
    inbound: Inbound, at: datetime, *, state: str, error: str = "", unseen: bool = False, **links
) -> InboundContact:
    values = {"raw": inbound.raw, "received_at": at, "state": state, "error": error, **links}
    if not inbound.source_id:
        return compiled.insert(InboundContact(channel=inbound.channel, **values))
    if unseen:  # the caller looked: nothing stored under this source id yet
        return compiled.insert(
            InboundContact(channel=inbound.channel, source_id=inbound.source_id, **values)
        )
    # A plain look-then-write, not update_or_create: that one wraps its insert in a savepoint,
    # four statements per message, and a racing duplicate is caught by receive() anyway.
    contact = InboundContact.objects.filter(
        channel=inbound.channel, source_id=inbound.source_id
    ).first()
    if contact is None:
        return compiled.insert(
            InboundContact(channel=inbound.channel, source_id=inbound.source_id, **values)
        )
    for key, value in values.items():
        setattr(contact, key, value)
    contact.save()
    return contact


def quarantine(inbound: Inbound, reason: str) -> InboundContact:
    """Keep a contact that could not be processed, with the reason, for review and retry.

    receive() calls it on failure; channels call it for what they refuse before processing
    (too large, rate limited).
    """
    log.warning("inbound %s contact quarantined: %s", inbound.channel, reason)
    return _keep(inbound, clock.now(), state=InboundState.QUARANTINED, error=reason)

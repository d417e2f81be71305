"""Merging and linking tickets, and merging customers (whose tickets follow them)."""

from __future__ import annotations

from django.db import IntegrityError

from helpmesh.accounts.models import User
from helpmesh.conversations.errors import NotAllowed, TicketError
from helpmesh.conversations.models import LinkKind, Message, Status, Ticket, TicketLink
from helpmesh.conversations.permissions import can_edit_ticket
from helpmesh.core import audit, clock
from helpmesh.customers import services as customers
from helpmesh.customers.models import Customer


def merge_tickets(source: Ticket, target: Ticket, *, actor: User) -> Ticket:
    """Fold ``source`` into ``target``: its messages move over and it closes pointing at target."""
    if not can_edit_ticket(actor):
        raise NotAllowed("only agents and admins merge tickets")
    if source.pk == target.pk:
        raise TicketError("cannot merge a ticket into itself", field="target_id")
    if source.merged_into_id or target.merged_into_id:
        raise TicketError(
            "one of these tickets was already merged", field="target_id", code="merged"
        )
    now = clock.now()
    with audit.unit():
        moved = Message.objects.filter(ticket=source).update(ticket=target)
        target_tags = set(target.tags.all()) | set(source.tags.all())
        target.tags.set(target_tags)
        Ticket.objects.filter(pk=target.pk).update(
            updated_at=now,
            message_count=Message.objects.filter(ticket=target).count(),
            search_text=(target.search_text + "\n" + source.search_text)[:20_000],
        )
        Ticket.objects.filter(pk=source.pk).update(
            merged_into=target,
            status=Status.CLOSED,
            closed_at=now,
            status_changed_at=now,
            updated_at=now,
            message_count=0,
        )
        audit.record(
            "ticket.merged_away",
            "ticket",
            source.pk,
            actor=actor,
            data={"into": target.pk, "messages": moved, "from_status": source.status},
        )
        audit.record(
            "ticket.merged_in",
            "ticket",
            target.pk,
            actor=actor,
            data={"from": source.pk, "messages": moved},
        )
    target.refresh_from_db()
    source.refresh_from_db()
    return target


def link_tickets(source: Ticket, target: Ticket, *, kind: str, actor: User | None) -> TicketLink:
    """Record that two tickets are related (or one follows up or duplicates the other).

    ``actor`` is None for a system action (e.g. email follow-ups), audited without a user.
    """
    if kind not in LinkKind.values:
        raise TicketError(f"unknown link kind {kind!r}", field="kind")
    if source.pk == target.pk:
        raise TicketError("a ticket cannot link to itself", field="target_id")
    try:
        with audit.unit():
            link = TicketLink.objects.create(
                source=source, target=target, kind=kind, created_at=clock.now()
            )
            audit.record(
                "ticket.linked",
                "ticket",
                source.pk,
                actor=actor,
                data={"target": target.pk, "kind": kind},
            )
    except IntegrityError:
        raise TicketError(
            "those tickets are already linked that way", field="target_id", code="exists"
        ) from None
    return link


def merge_customers(survivor: Customer, absorbed: Customer, *, actor: User) -> Customer:
    """Merge two profiles of one person: identities, login and every ticket follow the survivor."""
    with audit.unit():
        customers.absorb_profile(survivor, absorbed, actor=actor)
        moved = list(Ticket.objects.filter(requester=absorbed).values_list("pk", flat=True))
        Ticket.objects.filter(requester=absorbed).update(requester=survivor)
        Message.objects.filter(author_customer=absorbed).update(author_customer=survivor)
        for through in Ticket.participants.through.objects.filter(customer=absorbed):
            through.customer = survivor
            through.save()
        for ticket_id in moved:
            audit.record(
                "ticket.requester_changed",
                "ticket",
                ticket_id,
                actor=actor,
                data={"from": absorbed.pk, "to": survivor.pk, "reason": "customer merge"},
            )
    survivor.refresh_from_db()
    return survivor

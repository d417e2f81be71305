"""Turn tickets and messages into API dictionaries without extra queries per row."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from helpmesh.conversations.models import Attachment, Message, Ticket
from helpmesh.customers.models import CustomerIdentity


def with_relations(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Load what ``ticket_dict`` reads in a fixed number of queries for the whole page."""
    return tickets.select_related("requester").prefetch_related(
        "tags",
        Prefetch(
            "requester__identities", queryset=CustomerIdentity.objects.order_by("-is_primary")
        ),
    )


def ticket_dict(ticket: Ticket) -> dict[str, Any]:
    requester = ticket.requester
    return {
        "id": ticket.pk,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "channel": ticket.channel,
        "requester": {
            "id": requester.pk,
            "name": requester.name,
            "email": requester.primary_address(),
        },
        "organization_id": ticket.organization_id,
        "team_id": ticket.team_id,
        "assignee_id": ticket.assignee_id,
        "tags": sorted(t.name for t in ticket.tags.all()),
        "custom_fields": ticket.custom_fields,
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "first_response_at": ticket.first_response_at,
        "solved_at": ticket.solved_at,
        "closed_at": ticket.closed_at,
        "message_count": ticket.message_count,
        "merged_into_id": ticket.merged_into_id,
    }


def messages_with_relations(messages: QuerySet[Message]) -> QuerySet[Message]:
    return messages.select_related("author_user", "author_customer").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("pk"))
    )


def message_dict(message: Message) -> dict[str, Any]:
    return {
        "id": message.pk,
        "ticket_id": message.ticket_id,
        "internal": message.internal,
        "channel": message.channel,
        "body": message.body_text,
        "body_html": message.body_html,
        "author": message.author_name,
        "from_customer": message.from_customer,
        "created_at": message.created_at,
        "attachments": [
            {
                "id": a.pk,
                "filename": a.filename,
                "content_type": a.content_type,
                "size": a.size,
                "url": f"/attachments/{a.pk}/",
            }
            for a in message.attachments.all()
        ],
    }

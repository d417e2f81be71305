"""Turn tickets and messages into API dictionaries without extra queries per row."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import connection
from django.db.models import Prefetch, QuerySet

from helpmesh.conversations.models import Attachment, Message, Tag, Ticket
from helpmesh.customers.models import CustomerIdentity, IdentityKind


def ticket_dicts(tickets: list[Ticket]) -> list[dict[str, Any]]:
    """API dictionaries for a page of tickets in one extra flat query, whatever its size.

    Flat rows instead of ``prefetch_related``: on a 50-row page the prefetch machinery cost more
    Python time than the queries themselves (docs/benchmarks.md). Tags and requester addresses
    come back together from one ``UNION ALL``: one round trip fewer on every list and create.
    """
    tags: dict[int, list[str]] = defaultdict(list)
    addresses: dict[int, list[tuple[bool, str]]] = defaultdict(list)
    for kind, owner_id, text, primary in _tags_and_addresses(tickets):
        if kind == "tag":
            tags[owner_id].append(text)
        else:
            addresses[owner_id].append((primary, text))
    return [
        ticket_dict(t, tags=tags[t.pk], email=_primary(addresses[t.requester_id])) for t in tickets
    ]


def _tags_and_addresses(tickets: list[Ticket]) -> list[tuple[str, int, str, bool]]:
    """(kind, ticket or customer id, tag name or email address, is primary) rows.

    Hand-written SQL: every create and list answers through here, and the ORM spent more CPU
    compiling this ``UNION ALL`` than the database spent answering it (docs/benchmarks.md).
    """
    ticket_ids = [t.pk for t in tickets]
    customer_ids = sorted({t.requester_id for t in tickets})
    if not ticket_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            _TAGS_AND_ADDRESSES.format(
                tickets=", ".join(["%s"] * len(ticket_ids)),
                customers=", ".join(["%s"] * len(customer_ids)),
            ),
            [*ticket_ids, *customer_ids, IdentityKind.EMAIL.value],
        )
        return cursor.fetchall()


def _tags_and_addresses_sql() -> str:
    through, tag = Ticket.tags.through._meta, Tag._meta
    identity = CustomerIdentity._meta

    def column(meta: Any, field: str) -> str:
        return f"{meta.db_table}.{meta.get_field(field).column}"

    tag_owner = through.get_field("ticket").column
    tag_id, identity_owner = through.get_field("tag").column, column(identity, "customer")
    return (  # names from the models' metadata; every value is a bound parameter
        f"SELECT 'tag', {through.db_table}.{tag_owner}, {column(tag, 'name')}, FALSE"  # noqa: S608
        f" FROM {through.db_table} JOIN {tag.db_table}"
        f" ON {tag.db_table}.{tag.pk.column} = {through.db_table}.{tag_id}"
        f" WHERE {through.db_table}.{tag_owner} IN ({{tickets}})"
        f" UNION ALL SELECT 'email', {identity_owner}, {column(identity, 'value')},"
        f" {column(identity, 'is_primary')} FROM {identity.db_table}"
        f" WHERE {identity_owner} IN ({{customers}}) AND {column(identity, 'kind')} = %s"
    )


_TAGS_AND_ADDRESSES = _tags_and_addresses_sql()  # with {tickets} and {customers} to fill


def _primary(addresses: list[tuple[bool, str]]) -> str:
    # The same choice as Customer.primary_address: the primary one, else the first by value.
    return min(addresses, key=lambda a: (not a[0], a[1]))[1] if addresses else ""


def ticket_dict(ticket: Ticket, *, tags: list[str], email: str) -> dict[str, Any]:
    requester = ticket.requester
    return {
        "id": ticket.pk,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "channel": ticket.channel,
        "requester": {"id": requester.pk, "name": requester.name, "email": email},
        "organization_id": ticket.organization_id,
        "team_id": ticket.team_id,
        "assignee_id": ticket.assignee_id,
        "tags": sorted(tags),
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

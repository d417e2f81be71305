"""GDPR: export everything helpmesh holds about a customer, and erase it.

Both span the whole record (profile, login, tickets, messages, files, raw sources, mail, the
answer bot, search and feedback logs), so this module reaches into the apps above ``customers``;
it is imported only by the faces (the API and the ``helpmesh customer`` command), never by them.

Erasure overwrites content and identities where they are stored and leaves the audit chain as
it is: its hashes cover each event's fields, so rewriting one would break ``helpmesh audit
verify`` (docs/adr/0030-erasure-and-the-audit-chain.md). The erasure is itself an event,
``customer.erased``, that names only counts.
"""

from __future__ import annotations

import base64
from typing import Any

from django.contrib.sessions.models import Session
from django.db.models import Q, QuerySet

from helpmesh.accounts.models import ApiToken, User
from helpmesh.bot.models import BotConversation, BotTurn
from helpmesh.channels.email.models import IgnoredMail, MailRef, OutboundMail
from helpmesh.conversations.models import Attachment, InboundContact, Message, Ticket
from helpmesh.core import audit, clock
from helpmesh.core.models import AuditEvent
from helpmesh.customers.models import Customer, CustomerIdentity, IdentityKind
from helpmesh.knowledge.models import ArticleFeedback
from helpmesh.search.models import SearchQuery

FORMAT = "helpmesh-customer-export/1"
ERASED = "[erased]"
ERASED_NAME = "Erased customer"


def profiles_of(customer: Customer) -> list[Customer]:
    """The customer and every profile merged into it (their history is the customer's too)."""
    fresh = Customer.objects.select_related("user", "organization").get(pk=customer.pk)
    found, frontier = [fresh], [fresh]
    while frontier:
        frontier = list(Customer.objects.filter(merged_into__in=frontier).select_related("user"))
        found.extend(frontier)
    return found


def export_customer(customer: Customer) -> dict[str, Any]:
    """Everything helpmesh holds about ``customer``, as JSON-ready data (dates as ISO text).

    Attachments and raw sources are included in base64, so the export is complete on its own.
    """
    profiles = profiles_of(customer)
    users = _logins_of(profiles)
    tickets = _tickets_of(profiles)
    return {
        "format": FORMAT,
        "exported_at": clock.now().isoformat(),
        "customer_id": customer.pk,
        "profiles": [_profile(p) for p in profiles],
        "logins": [_login(u) for u in users],
        "tickets": [_ticket(t, profiles) for t in tickets],
        "inbound_sources": _inbound(tickets),
        "outbound_mail": _outbound(tickets),
        "ignored_mail": _ignored(profiles),
        "bot_conversations": _bot(profiles, users),
        "searches": [_search(q) for q in SearchQuery.objects.filter(user__in=users)],
        "article_feedback": _feedback(users),
        "audit_events": _events(profiles, users, tickets),
    }


def erase_customer(customer: Customer, *, actor: Any = None) -> dict[str, int]:
    """Redact ``customer`` (and the profiles merged into it) everywhere; the counts erased.

    The tickets they requested keep their number, status and dates (the desk's statistics),
    with subject, message bodies, files, custom fields and raw sources wiped; on tickets where
    they were only copied, their own messages are wiped. Identities are deleted (an address
    that writes again starts a new profile), the login is disabled and renamed, its tokens
    revoked and its sessions ended.
    """
    profiles = profiles_of(customer)
    users = _logins_of(profiles)
    with audit.unit():
        requested = Ticket.objects.filter(requester__in=profiles)
        messages = Message.objects.filter(Q(ticket__in=requested) | Q(author_customer__in=profiles))
        counts = {
            "profiles": len(profiles),
            "identities": _erase_identities(profiles),
            "tickets": _erase_tickets(requested),
            "messages": _erase_messages(messages),
            "logins": _erase_logins(users),
            "mail": _erase_mail(requested, profiles),
            "bot_conversations": _erase_bot(profiles, users),
            "searches": SearchQuery.objects.filter(user__in=users).update(
                text=ERASED, normalized=ERASED
            ),
            "feedback": ArticleFeedback.objects.filter(user__in=users).update(comment=""),
        }
        Customer.objects.filter(pk__in=[p.pk for p in profiles]).update(
            name=ERASED_NAME, notes="", language="", timezone="", updated_at=clock.now()
        )
        audit.record("customer.erased", "customer", customer.pk, actor=actor, data=counts)
    return counts


def _logins_of(profiles: list[Customer]) -> list[User]:
    return [p.user for p in profiles if p.user is not None]


# --- export -------------------------------------------------------------------------------


def _tickets_of(profiles: list[Customer]) -> QuerySet[Ticket]:
    mine = Q(requester__in=profiles) | Q(participants__in=profiles)
    return Ticket.objects.filter(mine).distinct().order_by("created_at", "id")


def _profile(p: Customer) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "organization": p.organization.name if p.organization else None,
        "language": p.language,
        "timezone": p.timezone,
        "notes": p.notes,
        "merged_into": p.merged_into_id,
        "created_at": p.created_at.isoformat(),
        "updated_at": p.updated_at.isoformat(),
        "identities": [
            {
                "kind": i.kind,
                "value": i.value,
                "is_primary": i.is_primary,
                "failing_since": _iso(i.failing_since),
                "failure_reason": i.failure_reason,
            }
            for i in p.identities.all()
        ],
    }


def _login(u: User) -> dict[str, Any]:
    return {
        "id": u.pk,
        "email": u.email,
        "name": u.name,
        "role": u.role,
        "is_active": u.is_active,
        "timezone": u.timezone,
        "date_joined": u.date_joined.isoformat(),
        "last_login": _iso(u.last_login),
        "api_tokens": [
            {"prefix": t.prefix, "name": t.name, "created_at": t.created_at.isoformat()}
            | {"last_used_at": _iso(t.last_used_at), "revoked_at": _iso(t.revoked_at)}
            for t in ApiToken.objects.filter(user=u)
        ],
    }


def _ticket(t: Ticket, profiles: list[Customer]) -> dict[str, Any]:
    ids = {p.pk for p in profiles}
    return {
        "id": t.pk,
        "role": "requester" if t.requester_id in ids else "copied",
        "subject": t.subject,
        "channel": t.channel,
        "status": t.status,
        "priority": t.priority,
        "tags": sorted(t.tags.values_list("name", flat=True)),
        "custom_fields": t.custom_fields,
        "created_at": t.created_at.isoformat(),
        "updated_at": t.updated_at.isoformat(),
        "solved_at": _iso(t.solved_at),
        "closed_at": _iso(t.closed_at),
        "messages": [_message(m) for m in t.messages.prefetch_related("attachments")],
    }


def _message(m: Message) -> dict[str, Any]:
    return {
        "id": m.pk,
        "from_customer": m.author_customer_id,
        "from_staff": m.author_user_id if m.author_customer_id is None else None,
        "internal": m.internal,
        "channel": m.channel,
        "body_text": m.body_text,
        "body_html": m.body_html,
        "created_at": m.created_at.isoformat(),
        "attachments": [_attachment(a) for a in m.attachments.all()],
    }


def _attachment(a: Attachment) -> dict[str, Any]:
    try:
        with a.file.open("rb") as f:
            content: str | None = base64.b64encode(f.read()).decode()
    except (OSError, ValueError):
        content = None  # the file is gone from storage; the row says what it was
    return {
        "filename": a.filename,
        "content_type": a.content_type,
        "size": a.size,
        "content_base64": content,
    }


def _inbound(tickets: QuerySet[Ticket]) -> list[dict[str, Any]]:
    return [
        {
            "id": c.pk,
            "channel": c.channel,
            "ticket": c.ticket_id,
            "received_at": c.received_at.isoformat(),
            "raw_base64": base64.b64encode(bytes(c.raw)).decode(),
        }
        for c in InboundContact.objects.filter(ticket__in=tickets).order_by("received_at", "id")
    ]


def _outbound(tickets: QuerySet[Ticket]) -> list[dict[str, Any]]:
    return [
        {
            "ticket": m.ticket_id,
            "kind": m.kind,
            "to": m.to,
            "cc": m.cc,
            "subject": m.subject,
            "status": m.status,
            "created_at": m.created_at.isoformat(),
            "sent_at": _iso(m.sent_at),
        }
        for m in OutboundMail.objects.filter(ticket__in=tickets).order_by("created_at", "id")
    ]


def _emails(profiles: list[Customer]) -> list[str]:
    return list(
        CustomerIdentity.objects.filter(customer__in=profiles, kind=IdentityKind.EMAIL).values_list(
            "value", flat=True
        )
    )


def _ignored(profiles: list[Customer]) -> list[dict[str, Any]]:
    return [
        {
            "reason": m.reason,
            "sender": m.sender,
            "subject": m.subject,
            "raw_base64": base64.b64encode(bytes(m.raw)).decode(),
        }
        for m in IgnoredMail.objects.filter(sender__in=_emails(profiles))
    ]


def _bot_conversations(profiles: list[Customer], users: list[User]) -> QuerySet[BotConversation]:
    return BotConversation.objects.filter(Q(customer__in=profiles) | Q(user__in=users))


def _bot(profiles: list[Customer], users: list[User]) -> list[dict[str, Any]]:
    return [
        {
            "id": c.pk,
            "channel": c.channel,
            "email": c.email,
            "status": c.status,
            "ticket": c.ticket_id,
            "started_at": c.started_at.isoformat(),
            "turns": [
                {"role": t.role, "text": t.text}
                for t in c.turns.order_by("id")  # type: ignore[attr-defined]
            ],
        }
        for c in _bot_conversations(profiles, users).order_by("started_at", "id")
    ]


def _search(q: SearchQuery) -> dict[str, Any]:
    return {"at": q.at.isoformat(), "text": q.text, "source": q.source}


def _feedback(users: list[User]) -> list[dict[str, Any]]:
    return [
        {
            "article": f.article_id,
            "helpful": f.helpful,
            "comment": f.comment,
            "created_at": f.created_at.isoformat(),
        }
        for f in ArticleFeedback.objects.filter(user__in=users)
    ]


def _events(
    profiles: list[Customer], users: list[User], tickets: QuerySet[Ticket]
) -> list[dict[str, Any]]:
    about = (
        Q(subject_type="customer", subject_id__in=[p.pk for p in profiles])
        | Q(subject_type="user", subject_id__in=[u.pk for u in users])
        | Q(subject_type="ticket", subject_id__in=list(tickets.values_list("pk", flat=True)))
        | Q(actor_id__in=[u.pk for u in users])
    )
    return [
        {
            "seq": e.seq,
            "at": e.occurred_at.isoformat(),
            "kind": e.kind,
            "actor": e.actor_id,
            "subject": [e.subject_type, e.subject_id],
            "data": e.data,
        }
        for e in AuditEvent.objects.filter(about).order_by("seq")
    ]


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


# --- erasure ------------------------------------------------------------------------------
# Direct updates across apps, in the one audit unit of erase_customer: redaction is the same
# blunt overwrite everywhere, and no app's own services offer it (see the ADR).


def _erase_identities(profiles: list[Customer]) -> int:
    emails = _emails(profiles)
    IgnoredMail.objects.filter(sender__in=emails).update(raw=b"", subject="", sender="")
    deleted, _ = CustomerIdentity.objects.filter(customer__in=profiles).delete()
    return deleted


def _erase_tickets(requested: QuerySet[Ticket]) -> int:
    InboundContact.objects.filter(ticket__in=requested).update(raw=b"", error="")
    return requested.update(subject=ERASED, search_text="", custom_fields={})


def _erase_messages(messages: QuerySet[Message]) -> int:
    InboundContact.objects.filter(message__in=messages).update(raw=b"", error="")
    for attachment in Attachment.objects.filter(message__in=messages):
        attachment.file.delete(save=False)
        attachment.delete()
    return messages.update(body_text=ERASED, body_html="")


def _erase_logins(users: list[User]) -> int:
    for user in users:
        user.email = f"erased-{user.pk}@erased.invalid"
        user.name = ""
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["email", "name", "is_active", "password"])
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=clock.now())
        _end_sessions(user)
    return len(users)


def _end_sessions(user: User) -> None:
    for session in Session.objects.filter(expire_date__gt=clock.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()


def _erase_mail(requested: QuerySet[Ticket], profiles: list[Customer]) -> int:
    MailRef.objects.filter(ticket__in=requested).update(address="")
    return OutboundMail.objects.filter(ticket__in=requested).update(
        to=ERASED, cc="", subject=ERASED
    )


def _erase_bot(profiles: list[Customer], users: list[User]) -> int:
    conversations = _bot_conversations(profiles, users)
    BotTurn.objects.filter(conversation__in=conversations).update(text=ERASED, sources=[])
    return conversations.update(email="")

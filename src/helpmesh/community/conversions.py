"""Ticket <-> topic: take a public question private, or share a solved ticket's answer.

- ``to_private_ticket``: a question that turns out to need account details (or should never
  have been public) becomes a private ticket with the thread so far; the topic is closed and
  hidden from everyone but staff.
- ``publish_ticket``: with the customer's consent, a solved ticket becomes a solved topic
  (question and staff answer, personal data removed) that the next customer finds in search.
  (``knowledge.services.draft_from_ticket`` makes a KB draft the same way.)
"""

from __future__ import annotations

from django.db import transaction

from helpmesh.accounts.models import User
from helpmesh.community import crowd, events
from helpmesh.community.errors import CommunityError
from helpmesh.community.models import Category, Topic, TopicStatus, Visibility
from helpmesh.conversations import services as tickets
from helpmesh.conversations.models import Message, Ticket
from helpmesh.core import audit, clock
from helpmesh.knowledge.redact import redact


def to_private_ticket(topic: Topic, by: User) -> Ticket:
    """Move a topic out of public view into a private ticket (staff only); the ticket keeps
    the question and every reply so far, and the crowd's hold ends (staff answer it)."""
    _staff(by)
    if topic.visibility == Visibility.REMOVED:
        raise CommunityError("the topic is already taken down", "topic", "conflict")
    with transaction.atomic():
        ticket = _ticket_with_thread(topic)
        now = clock.now()
        Topic.objects.filter(pk=topic.pk).update(
            visibility=Visibility.REMOVED,
            status=TopicStatus.CLOSED,
            ticket=ticket,
            escalated_at=topic.escalated_at or now,
        )
        topic.refresh_from_db()
        tickets.update_ticket(
            ticket,
            tickets.TicketChanges(custom_fields={"community": crowd.ESCALATED}, status="open"),
            actor=None,
            reason=crowd.REASON,
        )
        _route(ticket)
        audit.record(
            "community.made_private", "topic", topic.pk, actor=by, data={"ticket": ticket.pk}
        )
        events.emit("topic_closed", topic=topic, by=by)
    return ticket


def _ticket_with_thread(topic: Topic) -> Ticket:
    if topic.ticket_id:
        return Ticket.objects.get(pk=topic.ticket_id)
    posts = list(topic.posts.filter(visibility=Visibility.VISIBLE).select_related("author"))
    question = next((p for p in posts if p.is_question), None)
    thread = "\n\n".join(
        f"--- {p.author.name or 'a member'} replied on {p.created_at:%Y-%m-%d %H:%M} UTC:\n{p.body}"
        for p in posts
        if not p.is_question
    )
    body = (question.body if question else topic.title) + (f"\n\n{thread}" if thread else "")
    # Tags stay with the public topic: a private ticket starts untagged.
    return crowd.receive_question(topic, body, crowd.ESCALATED, tags=False)


def _route(ticket: Ticket) -> None:
    from helpmesh.routing import services as routing

    ticket.refresh_from_db()
    if ticket.team_id is None:
        routing.route_ticket(ticket, kind="escalate")


def publish_ticket(
    ticket: Ticket, by: User, *, consent: bool, category: Category | None = None
) -> Topic:
    """A solved ticket's question and staff answer as a solved community topic, personal data
    removed (emails, phone numbers, the requester's and agents' names). Needs ``consent``: the
    customer agreed to share it."""
    from helpmesh.community import services

    _staff(by)
    if not consent:
        raise CommunityError("the customer's consent is required to publish", "consent")
    if ticket.status not in ("solved", "closed"):
        raise CommunityError("only a solved ticket can be published", "ticket", "conflict")
    messages = list(ticket.messages.filter(internal=False).order_by("created_at", "id"))
    question = next((m for m in messages if m.from_customer), None)
    answer = next((m for m in reversed(messages) if not m.from_customer and m.author_user_id), None)
    if question is None or answer is None:
        raise CommunityError("the ticket needs a customer question and a staff answer", "ticket")
    names = _names(ticket, messages)
    with transaction.atomic():
        topic = services.ask(
            by,
            title=redact(ticket.subject, names),
            body=redact(question.body_text, names),
            category=category,
            tags=list(ticket.tags.values_list("name", flat=True))[:5],
        )
        reply = services.reply(topic, by, redact(answer.body_text, names))
        services.accept(topic, reply, by)
        audit.record(
            "community.published_ticket",
            "topic",
            topic.pk,
            actor=by,
            data={"ticket": ticket.pk, "consent": True},
        )
    topic.refresh_from_db()
    return topic


def _names(ticket: Ticket, messages: list[Message]) -> list[str]:
    requester = ticket.requester
    names = [requester.name, *(requester.name or "").split()]
    for message in messages:
        if message.author_user_id and message.author_user:
            names += [message.author_user.name, *(message.author_user.name or "").split()]
    return [n for n in names if n]


def _staff(user: User) -> None:
    if not (user and user.is_authenticated and user.is_agent):
        raise CommunityError("only staff may do this", "", "forbidden")

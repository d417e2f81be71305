"""The crowd layer's live side: a question becomes a held ticket, experts are offered it, the
time box ends in an escalation to staff, a solution solves the ticket, staff answers flow back.

    question posted -> ticket on the ``community`` channel, opened at the moment of the question
                       (its SLA clock starts there), ``community=open``; routing's community
                       layer holds it (routing/policies/community.py)
    received step   -> ``offer``: experts on its tags and intent are offered it (named in the
                       routing trace), before ``routing.steps.route``
    time box ends   -> ``escalate_due`` (a periodic task): ``community=escalated``, routed to
                       staff with a brief; the SLA due times are those of the question
    answer accepted -> ``community=solved``, the ticket solved (credited to member or staff)
    staff reply     -> on a community ticket, posted back to the topic as the official answer
    asker follow-up -> a reply by the asker on the topic is added to the ticket

Nothing happens without a ``community`` layer in the active support model: the forum then
stands alone and no question reaches the staff queue.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, F

from helpmesh.accounts.models import STAFF_ROLES, User
from helpmesh.community import events
from helpmesh.community.models import (
    CrowdOffer,
    Post,
    Topic,
    TopicKind,
    TopicStatus,
    Visibility,
)
from helpmesh.conversations import pipeline
from helpmesh.conversations import services as tickets
from helpmesh.conversations.fields import ensure_defined
from helpmesh.conversations.models import FieldKind, Message, Ticket
from helpmesh.core import audit, clock
from helpmesh.routing import notes, snapshots
from helpmesh.routing.facts import World
from helpmesh.routing.policies import community as layer_policy
from helpmesh.routing.policies import decide
from helpmesh.routing.spec import LayerSpec, ModelSpec

log = logging.getLogger(__name__)

CHANNEL = "community"
REASON = "community"
OPEN, SOLVED, ESCALATED = layer_policy.OPEN, layer_policy.SOLVED, layer_policy.ESCALATED
FIELDS = {
    "community": ("Community (crowd layer)", FieldKind.TEXT),
    "community_since": ("Community: asked at", FieldKind.TEXT),
    "community_topic": ("Community topic", FieldKind.NUMBER),
    "community_offered": ("Community: offered to", FieldKind.TEXT),
    "community_solved_by": ("Community: solved by", FieldKind.TEXT),
}
DEFAULT_OFFER_TO = 3


def crowd_layer() -> LayerSpec | None:
    """The active model's community layer, or None (then the forum stands alone)."""
    model = snapshots.active_model()
    return model.layer("community") if model else None


# -- a question reaches the desk --------------------------------------------------------------


@events.on("post_published")
def _on_post_published(post: Post, **_: Any) -> None:
    topic = post.topic
    if post.is_question:
        if topic.kind == TopicKind.QUESTION and topic.ticket_id is None:
            open_ticket(topic)
    elif topic.ticket_id and post.author_id == topic.author_id:
        _forward_follow_up(topic, post)


def open_ticket(topic: Topic) -> Ticket | None:
    """Open the ticket behind a community question, dated at the question, held by the crowd.

    None when the active support model has no community layer (or it does not take the
    community channel): the question then stays in the forum only.
    """
    layer = crowd_layer()
    if layer is None or CHANNEL not in layer_policy.channels(layer):
        return None
    question = topic.posts.filter(is_question=True).first()
    if question is None or topic.author.is_agent:
        return None  # staff asking in the forum are not customers waiting on staff
    url = _absolute(topic.path)
    ticket = receive_question(topic, question.body, OPEN)
    Topic.objects.filter(pk=topic.pk).update(ticket=ticket)
    topic.ticket = ticket
    # Staff see where it came from; the customer's words stay as they wrote them (the bot and
    # triage read them).
    notes.add_note(ticket, f"Asked in the community: {url}")
    return ticket


def receive_question(topic: Topic, body: str, state: str, *, tags: bool = True) -> Ticket:
    """The topic's question through the one inbound pipeline: a ``community`` ticket dated at
    the question (its SLA clock starts there), exactly once per topic, in crowd ``state``."""
    ensure_defined(FIELDS)
    receipt = pipeline.receive(
        pipeline.Inbound(
            channel=CHANNEL,
            sender=pipeline.Sender(user=topic.author, name=topic.author.name),
            subject=topic.title,
            body_text=body,
            source_id=f"community-topic:{topic.pk}",
            received_at=topic.created_at,
            tags=list(topic.tags.values_list("name", flat=True)) if tags else [],
            custom_fields={
                "community": state,
                "community_since": topic.created_at.isoformat(),
                "community_topic": topic.pk,
            },
        )
    )
    return receipt.ticket


def offer(ticket: Ticket, *, created_ticket: bool = False, **context: Any) -> None:
    """A received step before routing: offer a new community question to its experts.

    Experts are members (not staff, not the asker) with accepted answers on the question's tags,
    then on its intent (triage's, on the tickets of earlier questions); the trace names them.
    """
    if not created_ticket or ticket.channel != CHANNEL:
        return
    fields = ticket.custom_fields or {}
    topic = Topic.objects.filter(pk=int(fields.get("community_topic") or 0)).first()
    layer = crowd_layer()
    if topic is None or layer is None or fields.get("community") != OPEN:
        return
    limit = int(layer.settings.get("offer_to") or DEFAULT_OFFER_TO)
    chosen = experts_for(topic, intent=str(fields.get("intent") or ""), limit=limit)
    now = clock.now()
    with audit.unit():
        for user, why in chosen:
            CrowdOffer.objects.get_or_create(
                topic=topic, member=user, defaults={"reason": why, "created_at": now}
            )
        labels = "; ".join(f"{user.name or user.email} ({why})" for user, why in chosen)
        tickets.update_ticket(
            ticket,
            tickets.TicketChanges(custom_fields={"community_offered": labels}),
            actor=None,
            reason="triage",  # part of intake: route() attaches the SLA once afterwards
        )
        audit.record(
            "community.offered",
            "topic",
            topic.pk,
            data={"members": [user.pk for user, _ in chosen], "ticket": ticket.pk},
        )
    _notify_experts(topic, [user for user, _ in chosen])


def experts_for(topic: Topic, *, intent: str = "", limit: int = 3) -> list[tuple[User, str]]:
    """Up to ``limit`` members most proven on this question's tags, then on its intent."""
    accepted = Post.objects.filter(
        visibility=Visibility.VISIBLE, topic__accepted_post=F("pk")
    ).exclude(author_id=topic.author_id)
    accepted = accepted.exclude(author__role__in=STAFF_ROLES).exclude(author__is_active=False)
    chosen: dict[int, str] = {}
    tags = list(topic.tags.values_list("name", flat=True))
    if tags:
        rows = (
            accepted.filter(topic__tags__name__in=tags)
            .values("author_id")
            .annotate(n=Count("topic", distinct=True))
            .order_by("-n", "author_id")[:limit]
        )
        for row in rows:
            chosen[row["author_id"]] = f"{_answers(row['n'])} on {', '.join(tags)}"
    if intent and len(chosen) < limit:
        rows = (
            accepted.filter(topic__ticket__custom_fields__intent=intent)
            .exclude(author_id__in=chosen)
            .values("author_id")
            .annotate(n=Count("topic", distinct=True))
            .order_by("-n", "author_id")[: limit - len(chosen)]
        )
        for row in rows:
            chosen[row["author_id"]] = f"{_answers(row['n'])} on {intent}"
    users = User.objects.in_bulk(list(chosen))
    return [(users[pk], why) for pk, why in chosen.items() if pk in users]


def _answers(n: int) -> str:
    return f"{n} accepted answer{'' if n == 1 else 's'}"


def _notify_experts(topic: Topic, members: list[User]) -> None:
    from helpmesh.community import notifications

    question = topic.posts.filter(is_question=True).first()
    if members and question is not None:
        notifications.offer(question, members)


# -- the time box ends -----------------------------------------------------------------------


def escalate_due() -> int:
    """Escalate every crowd-held question whose time box has ended; returns how many.

    Each topic is claimed by a conditional UPDATE of ``escalated_at``, so overlapping workers
    never escalate one twice. The routing trace says why; the SLA keeps the question's clock.
    """
    layer = crowd_layer()
    model = snapshots.active_model()
    if layer is None or model is None:
        return 0
    now = clock.now()
    oldest = now - timedelta(minutes=int(layer.settings["time_box_minutes"]))
    waiting = Topic.objects.filter(
        ticket__isnull=False,
        escalated_at__isnull=True,
        status=TopicStatus.OPEN,
        created_at__lte=oldest,
    ).select_related("ticket")
    held = [
        topic
        for topic in waiting[:500]
        if topic.ticket is not None and (topic.ticket.custom_fields or {}).get("community") == OPEN
    ]
    if not held:
        return 0
    world = snapshots.load_world(now)  # one snapshot for the sweep, kept true as it assigns
    return sum(_escalate(topic, topic.ticket, model, world, now) for topic in held if topic.ticket)


def _escalate(topic: Topic, ticket: Ticket, model: ModelSpec, world: World, now: datetime) -> bool:
    from helpmesh.routing.services import apply_decision

    decision = decide(model, snapshots.facts_for(ticket), world, now)
    if decision.held_by:
        return False  # still inside the time box, or held by an earlier layer (the bot)
    with transaction.atomic():
        claimed = Topic.objects.filter(pk=topic.pk, escalated_at__isnull=True).update(
            escalated_at=now
        )
        if not claimed:
            return False
        tickets.update_ticket(
            ticket,
            tickets.TicketChanges(custom_fields={"community": ESCALATED}),
            actor=None,
            reason=REASON,
        )
        ticket.refresh_from_db()
        if ticket.team_id is None and ticket.assignee_id is None:
            apply_decision(ticket, decision, kind="escalate", world=world, summary=_brief(topic))
        audit.record("community.escalated", "topic", topic.pk, data={"ticket": ticket.pk})
    return True


def _brief(topic: Topic) -> str:
    replies = topic.posts.filter(is_question=False, visibility=Visibility.VISIBLE).count()
    return (
        f"From the community: asked {topic.created_at:%Y-%m-%d %H:%M} UTC, {replies} "
        f"replies from members, no accepted answer when the crowd's time box ended. "
        f"Read the thread: {_absolute(topic.path)}. Answering here posts the answer to the "
        "topic as the official answer."
    )


# -- solved, unsolved ------------------------------------------------------------------------


@events.on("answer_accepted")
def _on_answer_accepted(topic: Topic, post: Post, by: User, **_: Any) -> None:
    ticket = _ticket_of(topic)
    if ticket is None:
        return
    by_staff = post.is_official or post.author.is_agent
    solved_by = "staff" if by_staff else "member"
    changes = tickets.TicketChanges(
        custom_fields={"community": SOLVED, "community_solved_by": solved_by}
    )
    if ticket.is_open:
        changes.status = "solved"
    with audit.unit():
        tickets.update_ticket(ticket, changes, actor=None, reason=REASON)
        audit.record(
            "community.solved",
            "topic",
            topic.pk,
            data={"ticket": ticket.pk, "post": post.pk, "by": solved_by},
        )


@events.on("answer_unaccepted")
def _on_answer_unaccepted(topic: Topic, post: Post, by: User, **_: Any) -> None:
    from helpmesh.routing import services as routing

    ticket = _ticket_of(topic)
    if ticket is None or (ticket.custom_fields or {}).get("community") != SOLVED:
        return
    state = ESCALATED if topic.escalated_at else OPEN
    changes = tickets.TicketChanges(
        custom_fields={"community": state, "community_solved_by": ""}, status="open"
    )
    with audit.unit():
        tickets.update_ticket(ticket, changes, actor=None, reason=REASON)
        ticket.refresh_from_db()
        routing.route_ticket(ticket, kind="reroute")


def _ticket_of(topic: Topic) -> Ticket | None:
    return Ticket.objects.filter(pk=topic.ticket_id).first() if topic.ticket_id else None


# -- conversation both ways ------------------------------------------------------------------


def _forward_follow_up(topic: Topic, post: Post) -> None:
    """The asker wrote again on the topic: the ticket gets it, so staff never miss it."""
    ticket = _ticket_of(topic)
    if ticket is None or ticket.status == "closed" or post.from_message_id:
        return
    pipeline.receive(
        pipeline.Inbound(
            channel=CHANNEL,
            sender=pipeline.Sender(user=post.author, name=post.author.name),
            body_text=post.body,
            source_id=f"community-post:{post.pk}",
            ticket_id=ticket.pk,
            received_at=post.created_at,
        )
    )


def staff_replied(ticket: Ticket, *, message: Message, **context: Any) -> None:
    """A message_added step: a public staff (or bot) reply on a community question's ticket is
    posted to the topic, where the asker and everyone with the same question read it."""
    if message.internal or message.author_user_id is None or ticket.channel != CHANNEL:
        return
    # While the ticket is being opened (the bot answers inside intake) the topic does not point
    # at it yet; the ticket's field names the topic from the start.
    topic_id = int((ticket.custom_fields or {}).get("community_topic") or 0)
    topic = Topic.objects.filter(pk=topic_id).first() or Topic.objects.filter(ticket=ticket).first()
    if topic is None or topic.visibility != Visibility.VISIBLE:
        return
    if Post.objects.filter(from_message=message).exists():
        return
    post_back(topic, message)


def post_back(topic: Topic, message: Message) -> Post:
    """Post a ticket's public reply to its topic as the official answer (the bot's is not)."""
    from helpmesh.community import services

    author = message.author_user
    assert author is not None
    post = services.reply(topic, author, message.body_text)
    # Remember where it came from (never posted twice); the bot answers, but not officially.
    post.from_message = message
    post.is_official = not author.email.endswith(snapshots.SYSTEM_DOMAIN)
    Post.objects.filter(pk=post.pk).update(from_message=message, is_official=post.is_official)
    audit.record(
        "community.posted_back", "topic", topic.pk, data={"message": message.pk, "post": post.pk}
    )
    return post


def _absolute(path: str) -> str:
    from django.conf import settings

    return f"{settings.BASE_URL.rstrip('/')}{path}"

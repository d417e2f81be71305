"""Community API: the crowd layer and crowd metrics, under /api/v1/community/ (staff only).

- ``GET /metrics?days=30``: answer rate, time to first answer and to solution, who solves,
  top contributors, escalations (docs/community.md).
- ``GET /topics/{id}/crowd``: the experts it was offered to, its ticket, escalation time.
- ``POST /topics/{id}/make-private``: the topic becomes a private ticket (201 with its id).
- ``POST /tickets/{id}/publish`` ``{"consent": true, "category"?}``: a solved ticket's answer
  as a solved topic, personal data removed (201).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from helpmesh.accounts.models import User
from helpmesh.api.errors import ApiError, not_found
from helpmesh.community import conversions, crowd_metrics
from helpmesh.community.models import Category, CrowdOffer, Topic
from helpmesh.conversations.models import Ticket
from helpmesh.conversations.permissions import visible_tickets
from helpmesh.core import clock

router = Router(tags=["community"])
Days = Annotated[int, Field(ge=1, le=3660)]


class OfferOut(Schema):
    user_id: int
    name: str
    reason: str
    offered_at: datetime


class CrowdOut(Schema):
    topic_id: int
    ticket_id: int | None
    status: str
    escalated_at: datetime | None
    first_answer_at: datetime | None
    solved_at: datetime | None
    offers: list[OfferOut]


class PublishIn(Schema):
    consent: bool = False
    category: str | None = None


class CreatedOut(Schema):
    id: int
    url: str = ""


def _staff(request: HttpRequest) -> User:
    user = request.user
    if not getattr(user, "is_agent", False):
        raise ApiError(403, "forbidden", "only staff see the crowd layer")
    return user  # type: ignore[return-value]


@router.get("/metrics", response=dict[str, Any])
def metrics(request: HttpRequest, days: Days = 30) -> dict[str, object]:
    """The crowd's figures for the questions of the last ``days`` days."""
    _staff(request)
    until = clock.now()
    return crowd_metrics.measure(until - timedelta(days=days), until).as_dict()


@router.get("/topics/{topic_id}/crowd", response=CrowdOut)
def crowd_state(request: HttpRequest, topic_id: int) -> dict[str, object]:
    _staff(request)
    topic = Topic.objects.filter(pk=topic_id).first()
    if topic is None:
        raise not_found("topic")
    offers = CrowdOffer.objects.filter(topic=topic).select_related("member")
    return {
        "topic_id": topic.pk,
        "ticket_id": topic.ticket_id,
        "status": topic.status,
        "escalated_at": topic.escalated_at,
        "first_answer_at": topic.first_answer_at,
        "solved_at": topic.solved_at,
        "offers": [
            {
                "user_id": o.member_id,
                "name": o.member.name,
                "reason": o.reason,
                "offered_at": o.created_at,
            }
            for o in offers
        ],
    }


@router.post("/topics/{topic_id}/make-private", response={201: CreatedOut})
def make_private(request: HttpRequest, topic_id: int) -> Status:
    agent = _staff(request)
    topic = Topic.objects.filter(pk=topic_id).first()
    if topic is None:
        raise not_found("topic")
    ticket = conversions.to_private_ticket(topic, agent)
    return Status(201, {"id": ticket.pk, "url": f"/tickets/{ticket.pk}/"})


@router.post("/tickets/{ticket_id}/publish", response={201: CreatedOut})
def publish(request: HttpRequest, ticket_id: int, payload: PublishIn) -> Status:
    agent = _staff(request)
    ticket = visible_tickets(agent).filter(pk=ticket_id).first()
    if ticket is None:
        raise not_found()
    category = None
    if payload.category:
        category = Category.objects.filter(slug=payload.category).first()
        if category is None:
            raise ApiError(400, "invalid", "no such category", "category")
    topic = conversions.publish_ticket(
        Ticket.objects.get(pk=ticket.pk), agent, consent=payload.consent, category=category
    )
    return Status(201, {"id": topic.pk, "url": topic.path})

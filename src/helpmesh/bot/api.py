"""The bot API (mounted under /api/v1/): ask, give feedback, read a conversation, stats.

Anyone may ask about public content; a signed-in customer's conversation is theirs, an
anonymous one is continued with the secret ``token`` its first answer returned (in the body or
the ``X-Bot-Token`` header). Someone else's conversation answers like a missing one (404).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from helpmesh.api.access import ERRORS, require_agent
from helpmesh.api.auth import OPEN, viewer
from helpmesh.api.errors import ApiError, not_found
from helpmesh.bot import services
from helpmesh.bot.models import BotChannel, BotConversation
from helpmesh.conversations.models import Ticket
from helpmesh.conversations.pipeline import takes_part
from helpmesh.core import clock
from helpmesh.customers import services as customers

router = Router(tags=["bot"])


class SourceOut(Schema):
    kind: str
    id: int
    title: str
    url: str


class AskIn(Schema):
    question: str = Field(max_length=2000)
    conversation_id: int | None = None
    token: str = Field("", max_length=64)
    email: str = Field("", max_length=254)
    channel: str = Field(BotChannel.WEB, max_length=8)


class AskOut(Schema):
    conversation_id: int
    answer: str | None
    sources: list[SourceOut]
    handoff: bool
    reason: str
    prompt: str  # "Did this solve it?" after an answer
    confidence: float | None
    ticket_id: int | None
    token: str  # anonymous askers: send it back to continue this conversation
    needs: str  # "email": leave an address (feedback) so a person can answer


class FeedbackIn(Schema):
    solved: bool
    token: str = Field("", max_length=64)
    email: str = Field("", max_length=254)


class FeedbackOut(Schema):
    conversation_id: int
    solved: bool
    handoff: bool
    reason: str
    ticket_id: int | None


class TurnOut(Schema):
    role: str
    text: str
    sources: list[SourceOut]
    decision: str
    reason: str
    at: datetime


class ConversationOut(Schema):
    id: int
    channel: str
    status: str
    handoff_reason: str
    started_at: datetime
    ticket_id: int | None
    turns: list[TurnOut]


class TicketFeedbackIn(Schema):
    solved: bool


class StatsOut(Schema):
    since: datetime
    conversations: int
    answered: int
    resolved: int
    handed_off: int
    handed_off_by_reason: dict[str, int]
    answers: int
    handoffs: int
    resolution_rate: float | None


def _token(request: HttpRequest, given: str) -> str:
    return given or request.headers.get("X-Bot-Token", "")


def _conversation(request: HttpRequest, conversation_id: int, token: str) -> BotConversation:
    try:
        return services.conversation_for(
            conversation_id, user=viewer(request), token=_token(request, token)
        )
    except services.NotFound:
        raise not_found("conversation") from None


@router.post("/bot/ask", response={200: AskOut, **ERRORS}, auth=OPEN)
def ask(request: HttpRequest, payload: AskIn) -> Any:
    """Ask the bot: an answer with its sources and "Did this solve it?", or a hand-off."""
    conversation = None
    if payload.conversation_id is not None:
        conversation = _conversation(request, payload.conversation_id, payload.token)
    reply = services.ask(
        payload.question,
        user=viewer(request),
        conversation=conversation,
        channel=conversation.channel if conversation else payload.channel,
        email=payload.email,
    )
    talk = reply.conversation
    return {
        "conversation_id": talk.pk,
        "answer": reply.answer,
        "sources": reply.sources,
        "handoff": reply.handoff,
        "reason": reply.reason,
        "prompt": reply.prompt,
        "confidence": reply.confidence,
        "ticket_id": reply.ticket.pk if reply.ticket else None,
        "token": talk.token if conversation is None else "",
        "needs": reply.needs,
    }


@router.post(
    "/bot/conversations/{int:conversation_id}/feedback",
    response={200: FeedbackOut, **ERRORS},
    auth=OPEN,
)
def feedback(request: HttpRequest, conversation_id: int, payload: FeedbackIn) -> Any:
    """ "Did this solve it?": yes credits the bot; no hands the whole exchange to staff."""
    conversation = _conversation(request, conversation_id, payload.token)
    reply = services.feedback(conversation, solved=payload.solved, email=payload.email)
    return _feedback_out(reply, payload.solved)


@router.get(
    "/bot/conversations/{int:conversation_id}",
    response={200: ConversationOut, **ERRORS},
    auth=OPEN,
)
def conversation(request: HttpRequest, conversation_id: int, token: str = "") -> Any:
    """One conversation with its turns (the asker's own only)."""
    talk = _conversation(request, conversation_id, token)
    return {
        "id": talk.pk,
        "channel": talk.channel,
        "status": talk.status,
        "handoff_reason": talk.handoff_reason,
        "started_at": talk.started_at,
        "ticket_id": talk.ticket_id,
        "turns": list(talk.turns.all()),
    }


@router.post("/bot/tickets/{int:ticket_id}/feedback", response={200: FeedbackOut, **ERRORS})
def ticket_feedback(request: HttpRequest, ticket_id: int, payload: TicketFeedbackIn) -> Any:
    """The requester's verdict on the bot's reply on their ticket ("Yes, solved" / "No, I still
    need help"), for the portal."""
    user = viewer(request)
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None or user is None or not user.is_customer:
        raise not_found()
    if not takes_part(ticket, customers.customer_for_user(user)):
        raise not_found()
    talk = BotConversation.objects.filter(ticket=ticket).order_by("-pk").first()
    if talk is None:
        raise ApiError(409, "no_bot_answer", "the bot did not answer this ticket")
    reply = services.feedback(talk, solved=payload.solved)
    return _feedback_out(reply, payload.solved)


@router.get("/bot/stats", response={200: StatsOut, **ERRORS})
def stats(request: HttpRequest, days: int = Query(30, ge=1, le=3650)) -> Any:
    """Answered, resolved by the bot, and handed off by reason, over the last ``days`` (agents)."""
    require_agent(request)
    return services.stats(clock.now() - timedelta(days=days))


def _feedback_out(reply: services.Reply, solved: bool) -> dict[str, Any]:
    return {
        "conversation_id": reply.conversation.pk,
        "solved": solved,
        "handoff": not solved,
        "reason": reply.reason,
        "ticket_id": reply.ticket.pk if reply.ticket else None,
    }

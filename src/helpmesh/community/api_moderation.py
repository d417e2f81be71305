"""Community API: moderation (flags, queue, sanctions), under /api/v1/community/.

Thin handlers: parse, find the row, call ``community.moderation``. Its refusals
(``CommunityError``) become 403 for non-moderators, 409 for a post in the wrong state and so on
(``api.errors``); an id nobody knows is 404, and input pydantic refuses is 422 naming the field.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from helpmesh.accounts.models import User
from helpmesh.api.errors import ApiError, not_found
from helpmesh.community import moderation
from helpmesh.community.models import Flag, FlagReason, ModerationAction, Post
from helpmesh.core import clock

router = Router(tags=["community"])

FlagReasonIn = Literal["spam", "offensive", "off_topic", "duplicate", "helpful", "other"]
assert set(FlagReasonIn.__args__) == set(FlagReason.values)  # type: ignore[attr-defined]
MAX_SANCTION_DAYS = 3650


class FlagIn(Schema):
    reason: FlagReasonIn
    note: str = Field("", max_length=2000)


class FlagOut(Schema):
    id: int
    post_id: int
    topic_id: int
    reporter_id: int | None
    reason: str
    note: str
    status: str
    created_at: datetime
    resolved_by_id: int | None = None
    resolved_at: datetime | None = None

    @staticmethod
    def resolve_topic_id(obj: Flag) -> int:
        return obj.post.topic_id


class HeldPostOut(Schema):
    id: int
    topic_id: int
    topic_title: str
    author_id: int
    is_question: bool
    body: str
    visibility: str
    held_reason: str
    created_at: datetime

    @staticmethod
    def resolve_topic_title(obj: Post) -> str:
        return obj.topic.title


class QueueOut(Schema):
    posts: list[HeldPostOut]
    flags: list[FlagOut]


class ReasonIn(Schema):
    reason: str = Field("", max_length=250)


class ModeratedPostOut(Schema):
    id: int
    topic_id: int
    visibility: str
    held_reason: str


class ResolveIn(Schema):
    outcome: Literal["upheld", "dismissed"]


class SanctionIn(Schema):
    until: datetime | None = None
    days: int | None = Field(None, ge=1, le=MAX_SANCTION_DAYS)
    reason: str = Field(..., max_length=250)


class MemberOut(Schema):
    user_id: int
    status: str
    sanction_until: datetime | None


class ActionOut(Schema):
    id: int
    action: str
    moderator_id: int | None
    post_id: int | None
    member_id: int | None
    reason: str
    created_at: datetime


def _reason(payload: ReasonIn | None) -> str:
    return payload.reason if payload is not None else ""


def _user(request: HttpRequest) -> Any:
    return request.user


def _moderator(request: HttpRequest) -> Any:
    # Refuse before looking anything up: a non-moderator learns nothing about which ids exist.
    user = _user(request)
    if not moderation.is_moderator(user):
        raise ApiError(403, "forbidden", "only moderators may do that")
    return user


def _post(pk: int) -> Post:
    post = Post.objects.select_related("topic").filter(pk=pk).first()
    if post is None:
        raise not_found("post")
    return post


@router.post("/posts/{post_id}/flags", response={201: FlagOut})
def flag_post(request: HttpRequest, post_id: int, payload: FlagIn) -> Status:
    """Flag a post for moderators (one flag per reporter, post and reason)."""
    row = moderation.flag(_post(post_id), _user(request), payload.reason, payload.note)
    return Status(201, row)


@router.get("/moderation/queue", response=QueueOut)
def moderation_queue(request: HttpRequest) -> moderation.Queue:
    """Posts awaiting approval and open flags, oldest first."""
    return moderation.queue(_moderator(request))


def _post_action(name: str) -> Any:
    action = getattr(moderation, name)

    def handler(request: HttpRequest, post_id: int, payload: ReasonIn | None = None) -> Post:
        by = _moderator(request)
        post: Post = action(_post(post_id), by, _reason(payload))
        return post

    handler.__name__ = f"{name}_post"
    handler.__doc__ = f"{name.capitalize()} a post (moderators)."
    return handler


for _name in ("approve", "reject", "remove", "restore"):
    router.post(f"/moderation/posts/{{post_id}}/{_name}", response=ModeratedPostOut)(
        _post_action(_name)
    )


@router.post("/moderation/flags/{flag_id}/resolve", response=FlagOut)
def resolve_flag(request: HttpRequest, flag_id: int, payload: ResolveIn) -> Flag:
    """Uphold or dismiss an open flag."""
    by = _moderator(request)
    row = Flag.objects.select_related("post").filter(pk=flag_id).first()
    if row is None:
        raise not_found("flag")
    return moderation.resolve_flag(row, by, payload.outcome)


def _member(user_id: int) -> User:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise not_found("member")
    return user


def _until(payload: SanctionIn) -> datetime:
    if (payload.until is None) == (payload.days is None):
        raise ApiError(422, "invalid", "send either until or days", "until")
    if payload.days is not None:
        return clock.now() + timedelta(days=payload.days)
    assert payload.until is not None
    if payload.until.tzinfo is None:
        raise ApiError(422, "invalid", "until needs a time zone (e.g. Z)", "until")
    return payload.until


@router.post("/moderation/members/{user_id}/silence", response=MemberOut)
def silence_member(request: HttpRequest, user_id: int, payload: SanctionIn) -> Any:
    """Silence a member (may read, may not post) until a time or for some days."""
    by = _moderator(request)
    member = _member(user_id)
    return moderation.silence(member, by, until=_until(payload), reason=payload.reason)


@router.post("/moderation/members/{user_id}/suspend", response=MemberOut)
def suspend_member(request: HttpRequest, user_id: int, payload: SanctionIn) -> Any:
    """Suspend a member (may not post, vote or flag) until a time or for some days."""
    by = _moderator(request)
    member = _member(user_id)
    return moderation.suspend(member, by, until=_until(payload), reason=payload.reason)


@router.post("/moderation/members/{user_id}/reinstate", response=MemberOut)
def reinstate_member(request: HttpRequest, user_id: int, payload: ReasonIn | None = None) -> Any:
    """Lift a member's silence or suspension now."""
    by = _moderator(request)
    return moderation.reinstate(_member(user_id), by, _reason(payload))


@router.get("/moderation/actions", response=list[ActionOut])
def moderation_log(
    request: HttpRequest,
    limit: int = Query(50, ge=1, le=200),
    before: int | None = None,
) -> list[ModerationAction]:
    """The moderation log, newest first; page with ``before`` (the last id seen)."""
    return moderation.actions(_moderator(request), limit=limit, before=before)

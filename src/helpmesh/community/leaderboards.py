"""Leaderboards and public profiles, read from the reputation ledger.

A period's board ranks members by the points they earned in it (reversals in the period count
against them); the all-time board ranks by reputation. A tag's board ranks by points earned on
topics with that tag, with accepted answers alongside, counting only topics the viewer may read.
Staff are never ranked: they answer for a living. Profiles show what anyone may see: no email,
and only answers in categories the viewer can read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek

from helpmesh.accounts.models import STAFF_ROLES, User
from helpmesh.community import access, trust
from helpmesh.community.errors import CommunityError
from helpmesh.community.models import (
    BadgeAward,
    Member,
    Post,
    ReputationEvent,
    Tag,
    Visibility,
)
from helpmesh.core import clock

PERIODS: dict[str, int | None] = {"week": 7, "month": 30, "year": 365, "all": None}
ACCEPTED = "answer_accepted"
_COUNTING = Q(reverses__isnull=True, reversed_by__isnull=True)


@dataclass(frozen=True)
class Standing:
    rank: int
    user_id: int
    name: str
    points: int
    accepted_answers: int
    reputation: int
    trust_level: int


def since(period: str) -> datetime | None:
    """The start of ``period`` (None: all time); an unknown period is refused, naming it."""
    if period not in PERIODS:
        raise CommunityError(f"period must be one of {', '.join(PERIODS)}", "period")
    days = PERIODS[period]
    return None if days is None else clock.now() - timedelta(days=days)


def _ledger(start: datetime | None) -> QuerySet[ReputationEvent]:
    rows = ReputationEvent.objects.exclude(member__role__in=STAFF_ROLES)
    return rows if start is None else rows.filter(created_at__gte=start)


def top(
    period: str = "all", *, tag: str = "", viewer: Any = None, limit: int = 20
) -> list[Standing]:
    """The leading members of ``period``, overall or on one ``tag``."""
    start = since(period)
    rows = _ledger(start)
    if tag:
        if not Tag.objects.filter(name=tag).exists():
            raise CommunityError("no such tag", "tag", "not_found")
        readable = access.readable_categories(viewer)
        rows = rows.filter(post__topic__tags__name=tag, post__topic__category__in=readable)
    if start is None and not tag:
        return _standings(_by_reputation(limit))
    ranked = (
        rows.values("member_id")
        .annotate(points=Sum("points"), accepted=Count("id", filter=_COUNTING & Q(kind=ACCEPTED)))
        .filter(Q(points__gt=0) | Q(accepted__gt=0))
        .order_by("-points", "-accepted", "member_id")[:limit]
    )
    return _standings([dict(row) for row in ranked])


def _by_reputation(limit: int) -> list[dict[str, int]]:
    # All time, overall: reputation is the floored ledger sum, kept on the member and indexed.
    members = (
        Member.objects.exclude(user__role__in=STAFF_ROLES)
        .filter(reputation__gt=0)
        .order_by("-reputation", "user_id")[:limit]
    )
    board = [{"member_id": m.user_id, "points": m.reputation} for m in members]
    accepted = dict(
        ReputationEvent.objects.filter(
            _COUNTING, kind=ACCEPTED, member_id__in=[b["member_id"] for b in board]
        )
        .values("member_id")
        .annotate(n=Count("id"))
        .values_list("member_id", "n")
    )
    for row in board:
        row["accepted"] = accepted.get(row["member_id"], 0)
    return board


def _standings(board: list[dict[str, Any]]) -> list[Standing]:
    ids = [row["member_id"] for row in board]
    users = {u.pk: u for u in User.objects.filter(pk__in=ids)}
    members = {m.user_id: m for m in Member.objects.filter(user_id__in=ids)}
    standings = []
    for rank, row in enumerate(board, 1):
        member = members.get(row["member_id"])
        standings.append(
            Standing(
                rank=rank,
                user_id=row["member_id"],
                name=display_name(users[row["member_id"]]),
                points=int(row["points"] or 0),
                accepted_answers=int(row["accepted"]),
                reputation=member.reputation if member else 0,
                trust_level=member.trust_level if member else 0,
            )
        )
    return standings


def display_name(user: User) -> str:
    """The public name: never the email address (its local part at most)."""
    return user.name or user.email.split("@", 1)[0]


# -- profiles ---------------------------------------------------------------------------------


@dataclass
class Profile:
    user_id: int
    name: str
    bio: str
    joined_at: datetime
    reputation: int
    trust_level: int
    trust_name: str
    accepted_answers: int
    badges: list[BadgeAward]
    recent_answers: list[Post]
    top_tags: list[tuple[str, int]]
    weekly_points: list[tuple[datetime, int]] = field(default_factory=list)


def badges_of(user_id: int) -> list[BadgeAward]:
    """A member's awards, newest first, with their badge and tag."""
    return list(
        BadgeAward.objects.filter(member_id=user_id)
        .select_related("badge", "tag")
        .order_by("-awarded_at", "-id")
    )


def profile(user_id: int, viewer: Any = None, *, answers: int = 10) -> Profile:
    """The public profile of a community member (refused, "not found", for anyone else)."""
    member = Member.objects.select_related("user").filter(user_id=user_id).first()
    if member is None or not member.user.is_active:
        raise CommunityError("no such member", "user_id", "not_found")
    readable = access.visible_topics(viewer).filter(visibility=Visibility.VISIBLE)
    recent = (
        Post.objects.filter(
            author_id=user_id, is_question=False, visibility=Visibility.VISIBLE, topic__in=readable
        )
        .select_related("topic")
        .order_by("-created_at", "-id")[:answers]
    )
    return Profile(
        user_id=user_id,
        name=display_name(member.user),
        bio=member.bio,
        joined_at=member.joined_at,
        reputation=member.reputation,
        trust_level=member.trust_level,
        trust_name=trust.NAMES.get(member.trust_level, ""),
        accepted_answers=ReputationEvent.objects.filter(
            _COUNTING, kind=ACCEPTED, member_id=user_id
        ).count(),
        badges=badges_of(user_id),
        recent_answers=list(recent),
        top_tags=top_tags(user_id, viewer),
        weekly_points=weekly_points(user_id=user_id),
    )


def top_tags(user_id: int, viewer: Any = None, limit: int = 5) -> list[tuple[str, int]]:
    """The tags a member earned most points on (readable topics only), best first."""
    rows = (
        ReputationEvent.objects.filter(
            member_id=user_id,
            post__topic__tags__isnull=False,
            post__topic__category__in=access.readable_categories(viewer),
        )
        .values("post__topic__tags__name")
        .annotate(points=Sum("points"))
        .filter(points__gt=0)
        .order_by("-points", "post__topic__tags__name")[:limit]
    )
    return [(row["post__topic__tags__name"], int(row["points"])) for row in rows]


def weekly_points(*, user_id: int | None = None, weeks: int = 12) -> list[tuple[datetime, int]]:
    """Points earned per week over the last ``weeks`` weeks (one member, or all but staff),
    oldest first, with empty weeks as zero."""
    now = clock.now()
    this_week = (now - timedelta(days=now.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    first = this_week - timedelta(weeks=weeks - 1)
    rows = (
        _ledger(first)
        if user_id is None
        else ReputationEvent.objects.filter(member_id=user_id, created_at__gte=first)
    )
    sums = {
        row["week"].date(): int(row["points"] or 0)
        for row in rows.annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(points=Sum("points"))
    }
    starts = [first + timedelta(weeks=n) for n in range(weeks)]
    return [(start, sums.get(start.date(), 0)) for start in starts]

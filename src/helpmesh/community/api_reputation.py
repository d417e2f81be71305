"""Community API: reputation, trust levels, badges, leaderboards and profiles.

``GET /profiles/me`` keeps issue 11's contract exactly: ``{"reputation", "trust_level",
"badges"}``. Profiles and boards are public (no email); a member's ledger is for them and staff.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from helpmesh.api.access import ERRORS
from helpmesh.api.auth import OPEN, viewer
from helpmesh.community import access, badges, leaderboards
from helpmesh.community.errors import CommunityError
from helpmesh.community.models import Badge, BadgeAward, Member, ReputationEvent

router = Router(tags=["community"])


class BadgeAwardOut(Schema):
    slug: str
    name: str
    level: str
    tag: str | None
    awarded_at: datetime


class MeOut(Schema):
    reputation: int
    trust_level: int
    badges: list[BadgeAwardOut]


class AnswerOut(Schema):
    id: int
    topic_id: int
    topic_title: str
    path: str
    score: int
    created_at: datetime


class TagPointsOut(Schema):
    tag: str
    points: int


class ProfileOut(Schema):
    user_id: int
    name: str
    bio: str
    joined_at: datetime
    reputation: int
    trust_level: int
    trust_name: str
    accepted_answers: int
    badges: list[BadgeAwardOut]
    recent_answers: list[AnswerOut]
    top_tags: list[TagPointsOut]


class StandingOut(Schema):
    rank: int
    user_id: int
    name: str
    points: int
    accepted_answers: int
    reputation: int
    trust_level: int


class BoardOut(Schema):
    period: str
    tag: str
    entries: list[StandingOut]


class BoardQuery(Schema):
    period: str = "all"
    tag: str = ""
    limit: int = Field(20, ge=1, le=100)


class BadgeOut(Schema):
    slug: str
    name: str
    description: str
    level: str
    awarded: int


class LedgerRowOut(Schema):
    id: int
    kind: str
    points: int
    post_id: int | None
    reverses_id: int | None
    created_at: datetime


class LedgerOut(Schema):
    count: int
    items: list[LedgerRowOut]
    next_offset: int | None


class Page(Schema):
    offset: int = Field(0, ge=0)
    limit: int = Field(50, ge=1, le=200)


def _awards(rows: list[BadgeAward]) -> list[dict[str, Any]]:
    return [
        {
            "slug": row.badge.slug,
            "name": row.badge.name,
            "level": row.badge.level,
            "tag": row.tag.name if row.tag is not None else None,
            "awarded_at": row.awarded_at,
        }
        for row in rows
    ]


@router.get("/profiles/me", response={200: MeOut, **ERRORS})
def my_profile(request: HttpRequest) -> Any:
    """The caller's reputation, trust level and badges (401 when signed out)."""
    user_id = int(request.user.pk or 0)  # the default auth admits signed-in users only
    member = Member.objects.filter(user_id=user_id).first()
    return {
        "reputation": member.reputation if member else 0,
        "trust_level": member.trust_level if member else 0,
        "badges": _awards(leaderboards.badges_of(user_id)),
    }


@router.get("/profiles/{int:user_id}", response={200: ProfileOut, **ERRORS}, auth=OPEN)
def public_profile(request: HttpRequest, user_id: int) -> Any:
    """A member's public profile: answers only from categories the caller may read."""
    found = leaderboards.profile(user_id, viewer(request))
    return {
        **{k: v for k, v in vars(found).items() if k not in ("badges", "recent_answers")},
        "badges": _awards(found.badges),
        "top_tags": [{"tag": tag, "points": points} for tag, points in found.top_tags],
        "recent_answers": [
            {
                "id": post.pk,
                "topic_id": post.topic_id,
                "topic_title": post.topic.title,
                "path": post.topic.path,
                "score": post.score,
                "created_at": post.created_at,
            }
            for post in found.recent_answers
        ],
    }


@router.get("/leaderboard", response={200: BoardOut, **ERRORS}, auth=OPEN)
def leaderboard(request: HttpRequest, query: Query[BoardQuery]) -> Any:
    """Top members by points in a period (week, month, year, all), overall or on one tag."""
    entries = leaderboards.top(
        query.period, tag=query.tag.strip(), viewer=viewer(request), limit=query.limit
    )
    return {"period": query.period, "tag": query.tag.strip(), "entries": entries}


@router.get("/badges", response={200: list[BadgeOut], **ERRORS}, auth=OPEN)
def badge_list(request: HttpRequest) -> Any:
    """Every badge with how many times it has been awarded."""
    badges.ensure_badges()
    rows = Badge.objects.annotate(awarded=Count("awards")).order_by("pk")
    return [
        {
            "slug": b.slug,
            "name": b.name,
            "description": b.description,
            "level": b.level,
            "awarded": b.awarded,
        }
        for b in rows
    ]


@router.get("/profiles/{int:user_id}/reputation", response={200: LedgerOut, **ERRORS})
def ledger(request: HttpRequest, user_id: int, page: Query[Page]) -> Any:
    """A member's ledger, newest first: for the member themselves and staff only."""
    if request.user.pk != user_id and not access.is_staff(request.user):
        raise CommunityError("only the member and staff see a ledger", "user_id", "forbidden")
    rows = ReputationEvent.objects.filter(member_id=user_id).order_by("-created_at", "-id")
    count = rows.count()
    end = page.offset + page.limit
    return {
        "count": count,
        "items": list(rows[page.offset : end]),
        "next_offset": end if end < count else None,
    }

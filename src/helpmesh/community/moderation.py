"""Community moderation: screening new posts, flags, the queue and moderator actions.

``screen`` runs before the forum writes a post (``services.ask`` / ``services.reply``): it refuses
silenced or suspended members and members over a rate limit, and holds a new member's first posts
and likely spam for approval. Everything else here is a moderator's action on a post, a flag or
a member; each writes a ``ModerationAction`` row and an audit event in one unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from helpmesh.accounts.models import STAFF_ROLES, User
from helpmesh.community import spam
from helpmesh.community.errors import CommunityError
from helpmesh.community.models import Member, MemberStatus, Post, Topic, Visibility
from helpmesh.core import audit, clock

FIRST_POST_REASON = "first post of a new member"
RECENT_POSTS = 20  # how many of the author's latest posts the spam classifier sees

# (posts, window, name) per trust level; the lowest level at or below the member's applies.
# Overridable with settings.HELPMESH_COMMUNITY_RATE_LIMITS (same shape).
RATE_LIMITS: dict[int, list[tuple[int, timedelta, str]]] = {
    0: [(5, timedelta(minutes=1), "per minute"), (30, timedelta(days=1), "per day")],
    1: [(10, timedelta(minutes=1), "per minute"), (200, timedelta(days=1), "per day")],
}
# Many new accounts posting from one address is how spam rings look; staff are never counted.
IP_ACCOUNTS_PER_DAY = 5


class RateLimited(CommunityError):
    """Too many posts: ``retry_after`` seconds until the oldest post leaves the window."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, "body", "rate_limited")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Screening:
    """What the forum does with a new post: write it ``visible`` or ``pending`` (``reason``)."""

    visibility: str
    reason: str = ""


VISIBLE = Screening(Visibility.VISIBLE)


def member_for(user: User) -> Member:
    """The user's community standing, created on first contact (the forum's, once it exists)."""
    # Imported here: the forum's services import this module to screen posts.
    try:
        from helpmesh.community import services
    except ImportError:
        services = None  # type: ignore[assignment]
    if services is not None and hasattr(services, "member_for"):
        found: Member = services.member_for(user)
        return found
    member, _ = Member.objects.get_or_create(user=user, defaults={"joined_at": clock.now()})
    return member


def screen(
    author: User, *, title: str, body: str, ip: str | None, topic: Topic | None
) -> Screening:
    """Decide whether ``author`` may post this now and whether it shows at once.

    Refuses (``CommunityError``) a silenced or suspended member (code ``silenced`` /
    ``suspended``) and a member over a rate limit (``rate_limited``, a ``RateLimited`` with
    ``retry_after``). Holds (``pending``) a new member's first posts and what the spam
    classifier calls spam. Staff are never held or limited. ``topic`` is None for a question.
    """
    if author.is_agent:
        return VISIBLE
    member = member_for(author)
    check_standing(member)
    _check_rate(member, ip)
    if member.approved_posts < _approve_first():
        return Screening(Visibility.PENDING, FIRST_POST_REASON)
    verdict = spam.classify(author, title, body, _recent_posts(author))
    if verdict.spam:
        return Screening(Visibility.PENDING, _spam_reason(verdict))
    return VISIBLE


def check_standing(member: Member) -> None:
    """Refuse a silenced or suspended member; a sanction whose time is up lifts itself."""
    if member.status == MemberStatus.ACTIVE:
        return
    if member.sanction_until is not None and member.sanction_until <= clock.now():
        _lift(member)
        return
    until = f" until {member.sanction_until:%Y-%m-%d %H:%M} UTC" if member.sanction_until else ""
    raise CommunityError(f"you are {member.status}{until}", "", str(member.status))


def _lift(member: Member) -> None:
    # No moderator acted, so no ModerationAction row; the audit log still says it happened.
    with audit.unit():
        previous = member.status
        member.status, member.sanction_until = MemberStatus.ACTIVE, None
        member.save(update_fields=["status", "sanction_until"])
        audit.record(
            "community.sanction_expired",
            "community_member",
            member.user_id,
            data={"status": previous},
        )


def _approve_first() -> int:
    return int(getattr(settings, "HELPMESH_COMMUNITY_APPROVE_FIRST", 1))


def _limits(trust_level: int) -> list[tuple[int, timedelta, str]]:
    table: dict[int, Any] = getattr(settings, "HELPMESH_COMMUNITY_RATE_LIMITS", None) or RATE_LIMITS
    level = max((lvl for lvl in table if lvl <= trust_level), default=min(table))
    return list(table[level])


def _check_rate(member: Member, ip: str | None) -> None:
    now = clock.now()
    mine = Post.objects.filter(author_id=member.user_id)
    for most, window, name in _limits(member.trust_level):
        times = list(
            mine.filter(created_at__gt=now - window)
            .order_by("-created_at")
            .values_list("created_at", flat=True)[:most]
        )
        if len(times) >= most:
            raise RateLimited(
                f"at most {most} posts {name}; try again later", _retry_after(times[-1], window)
            )
    if ip:
        _check_address(member, ip, now)


def _check_address(member: Member, ip: str, now: datetime) -> None:
    authors = set(
        Post.objects.filter(ip_address=ip, created_at__gt=now - timedelta(days=1))
        .exclude(author__role__in=STAFF_ROLES)
        .values_list("author_id", flat=True)
        .distinct()
    )
    authors.discard(member.user_id)
    if len(authors) >= IP_ACCOUNTS_PER_DAY:
        raise RateLimited(
            f"at most {IP_ACCOUNTS_PER_DAY} accounts may post from one address per day",
            int(timedelta(days=1).total_seconds()),
        )


def _retry_after(oldest: datetime, window: timedelta) -> int:
    return max(1, int((oldest + window - clock.now()).total_seconds()) + 1)


def _recent_posts(author: User) -> list[Post]:
    return list(Post.objects.filter(author=author).order_by("-created_at", "-id")[:RECENT_POSTS])


def _spam_reason(verdict: spam.Verdict) -> str:
    reason = "likely spam: " + "; ".join(verdict.reasons) if verdict.reasons else "likely spam"
    return reason[:200]  # Post.held_reason's length

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
from helpmesh.community import access, events, services, spam, trust
from helpmesh.community.errors import CommunityError, required
from helpmesh.community.models import (
    Flag,
    FlagReason,
    FlagStatus,
    Member,
    MemberStatus,
    ModerationAction,
    Post,
    Topic,
    Visibility,
)
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
    """The user's community standing (the forum's, created on first contact)."""
    return services.member_for(user)


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


# -- who moderates ----------------------------------------------------------------------------


def is_moderator(user: Any) -> bool:
    """Staff, or a member whose trust level unlocks ``moderate``."""
    return bool(trust.allows(user, "moderate"))


def _check_moderator(user: Any) -> None:
    if not is_moderator(user):
        raise CommunityError("only moderators may do that", "", "forbidden")


def _check_reach(by: User, post: Post) -> None:
    # A member moderator of a public forum has no business in a private group's category.
    if not access.can_read(by, post.topic.category):
        raise CommunityError("no such post", "post", "not_found")


def _log(
    action: str,
    by: Any,
    *,
    post: Post | None = None,
    member: Any = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> ModerationAction:
    """One ModerationAction row and its audit event (inside the caller's unit)."""
    row = ModerationAction.objects.create(
        action=action,
        moderator=by,
        post=post,
        member=member,
        reason=reason[:250],
        created_at=clock.now(),
    )
    subject = ("community_post", post.pk) if post is not None else ("user", member.pk)
    audit.record(
        f"community.moderation.{action}",
        *subject,
        actor=by,
        data={"action_id": row.pk, "reason": row.reason, **(data or {})},
    )
    return row


# -- flags ------------------------------------------------------------------------------------

FLAGGED_REASON = "flagged by the community"
HIDING_REASONS = (FlagReason.SPAM, FlagReason.OFFENSIVE)


def flag(post: Post, reporter: User, reason: str, note: str = "") -> Flag:
    """``reporter`` tells moderators about ``post``; enough spam or offensive flags from
    trusted members hide it until a moderator decides (``HELPMESH_COMMUNITY_HIDE_AFTER_FLAGS``).

    One flag per reporter, post and reason (``conflict`` otherwise); nobody flags their own post.
    """
    if reason not in FlagReason.values:
        raise CommunityError(f"reason must be one of {', '.join(FlagReason.values)}", "reason")
    if post.visibility != Visibility.VISIBLE or not _can_read(reporter, post):
        raise CommunityError("no such post", "post", "not_found")
    if post.author_id == reporter.pk:
        raise CommunityError("you cannot flag your own post", "post", "forbidden")
    check_standing(member_for(reporter))
    if Flag.objects.filter(post=post, reporter=reporter, reason=reason).exists():
        raise CommunityError("you already flagged this post for that reason", "reason", "conflict")
    with audit.unit():
        row = Flag.objects.create(
            post=post, reporter=reporter, reason=reason, note=note.strip(), created_at=clock.now()
        )
        audit.record(
            "community.post.flagged",
            "community_post",
            post.pk,
            actor=reporter,
            data={"flag": row.pk, "reason": reason},
        )
        if reason in HIDING_REASONS and _trusted_flaggers(post) >= _hide_after():
            _hide(post)
    return row


def _can_read(user: User, post: Post) -> bool:
    return access.visible_topics(user).filter(pk=post.topic_id).exists()


def _hide_after() -> int:
    return int(getattr(settings, "HELPMESH_COMMUNITY_HIDE_AFTER_FLAGS", 3))


def _trusted_flaggers(post: Post) -> int:
    # Trust level 1 or staff: a fresh account's flag counts in the queue, not towards hiding,
    # so a handful of sock puppets cannot take a post down.
    reporters = (
        post.flags.filter(status=FlagStatus.OPEN, reason__in=HIDING_REASONS)
        .values_list("reporter_id", flat=True)
        .distinct()
    )
    levels = dict(
        Member.objects.filter(user_id__in=reporters).values_list("user_id", "trust_level")
    )
    staff = set(
        User.objects.filter(pk__in=reporters, role__in=STAFF_ROLES).values_list("pk", flat=True)
    )
    return sum(1 for pk in reporters if pk in staff or levels.get(pk, 0) >= 1)


def _hide(post: Post) -> None:
    post.visibility, post.held_reason = Visibility.PENDING, FLAGGED_REASON
    post.save(update_fields=["visibility", "held_reason"])
    _set_topic(post, Visibility.PENDING)
    _log("hide", None, post=post, reason=FLAGGED_REASON)
    events.emit("post_removed", post=post, by=None)


def resolve_flag(flag_row: Flag, by: User, outcome: str) -> Flag:
    """A moderator upholds or dismisses one open flag (``flag_resolved`` tells reputation)."""
    _check_moderator(by)
    _check_reach(by, flag_row.post)
    if outcome not in (FlagStatus.UPHELD, FlagStatus.DISMISSED):
        raise CommunityError("outcome must be upheld or dismissed", "outcome")
    if flag_row.status != FlagStatus.OPEN:
        raise CommunityError("the flag is already resolved", "flag", "conflict")
    with audit.unit():
        _resolve(flag_row, by, outcome)
        _log(f"flag_{outcome}", by, post=flag_row.post, data={"flag": flag_row.pk})
    return flag_row


def _resolve(flag_row: Flag, by: User, outcome: str) -> None:
    flag_row.status, flag_row.resolved_by, flag_row.resolved_at = outcome, by, clock.now()
    flag_row.save(update_fields=["status", "resolved_by", "resolved_at"])
    events.emit("flag_resolved", flag=flag_row)


def _resolve_open(post: Post, by: User, outcome: str) -> None:
    # Removing a post upholds the flags against it; approving or restoring it dismisses them.
    # A "helpful" flag is praise, not a complaint: it stays for a moderator to judge.
    for row in post.flags.filter(status=FlagStatus.OPEN).exclude(reason=FlagReason.HELPFUL):
        _resolve(row, by, outcome)


# -- posts ------------------------------------------------------------------------------------


def approve(post: Post, by: User, reason: str = "") -> Post:
    """Show a held post: a first post or likely spam is published (``post_published``), a post
    the community hid is restored (``post_restored``); open flags against it are dismissed."""
    _check_moderator(by)
    _check_reach(by, post)
    if post.visibility != Visibility.PENDING:
        raise CommunityError("only a post awaiting approval can be approved", "post", "conflict")
    if post.held_reason == FLAGGED_REASON:
        return _bring_back(post, by, "approve", reason)
    return _publish_held(post, by, "approve", reason)


def _publish_held(post: Post, by: User, action: str, reason: str) -> Post:
    with audit.unit():
        _log(action, by, post=post, reason=reason, data={"held": post.held_reason})
        _resolve_open(post, by, FlagStatus.DISMISSED)
        services.publish(post, by)  # counts the author's approved posts too
    return post


def reject(post: Post, by: User, reason: str = "") -> Post:
    """Turn a held post away: it is removed (a rejected question takes its topic with it)."""
    _check_moderator(by)
    _check_reach(by, post)
    if post.visibility != Visibility.PENDING:
        raise CommunityError("only a post awaiting approval can be rejected", "post", "conflict")
    return _take_down(post, by, "reject", reason)


def remove(post: Post, by: User, reason: str = "") -> Post:
    """Take a post down (a question takes its topic with it); ``post_removed`` tells reputation
    to reverse its points and search to forget it. Open flags against it are upheld."""
    _check_moderator(by)
    _check_reach(by, post)
    if post.visibility == Visibility.REMOVED:
        raise CommunityError("the post is already removed", "post", "conflict")
    return _take_down(post, by, "remove", reason)


def restore(post: Post, by: User, reason: str = "") -> Post:
    """Bring a removed post back; ``post_restored`` rebooks its points and re-indexes it. A
    post that was never shown (a rejected first post) is published instead."""
    _check_moderator(by)
    _check_reach(by, post)
    if post.visibility != Visibility.REMOVED:
        raise CommunityError("only a removed post can be restored", "post", "conflict")
    if _never_shown(post):
        return _publish_held(post, by, "restore", reason)
    return _bring_back(post, by, "restore", reason)


def _never_shown(post: Post) -> bool:
    # Screening's reasons stay on a post until it is shown: only a post held at screening and
    # never approved still carries one.
    return bool(post.held_reason) and post.held_reason != FLAGGED_REASON


def _take_down(post: Post, by: User, action: str, reason: str) -> Post:
    was_counted = post.visibility == Visibility.VISIBLE
    with audit.unit():
        post.visibility = Visibility.REMOVED
        post.save(update_fields=["visibility"])
        _set_topic(post, Visibility.REMOVED)
        _log(action, by, post=post, reason=reason, data={"question": post.is_question})
        _resolve_open(post, by, FlagStatus.UPHELD)
        # A post the community hid was reported gone already; one never shown never counted.
        if was_counted:
            events.emit("post_removed", post=post, by=by)
    return post


def _bring_back(post: Post, by: User, action: str, reason: str) -> Post:
    with audit.unit():
        post.visibility, post.held_reason = Visibility.VISIBLE, ""
        post.save(update_fields=["visibility", "held_reason"])
        _set_topic(post, Visibility.VISIBLE)
        _log(action, by, post=post, reason=reason, data={"question": post.is_question})
        _resolve_open(post, by, FlagStatus.DISMISSED)
        events.emit("post_restored", post=post, by=by)
    return post


def _set_topic(post: Post, visibility: str) -> None:
    # The question is the topic: hiding, removing or restoring it does the same to the topic.
    if post.is_question:
        Topic.objects.filter(pk=post.topic_id).update(visibility=visibility)
        post.topic.visibility = visibility


# -- members ----------------------------------------------------------------------------------


def silence(user: User, by: User, *, until: datetime | None, reason: str) -> Member:
    """The member may read but not post until ``until`` (None: until reinstated)."""
    return _sanction(user, by, MemberStatus.SILENCED, until, reason)


def suspend(user: User, by: User, *, until: datetime | None, reason: str) -> Member:
    """The member may neither post, vote nor flag until ``until`` (None: until reinstated)."""
    return _sanction(user, by, MemberStatus.SUSPENDED, until, reason)


def reinstate(user: User, by: User, reason: str = "") -> Member:
    """Lift a silence or suspension now."""
    _check_moderator(by)
    member = member_for(user)
    if member.status == MemberStatus.ACTIVE:
        raise CommunityError("the member is not sanctioned", "user", "conflict")
    with audit.unit():
        previous = member.status
        member.status, member.sanction_until = MemberStatus.ACTIVE, None
        member.save(update_fields=["status", "sanction_until"])
        _log("reinstate", by, member=user, reason=reason, data={"was": previous})
    return member


_ACTION: dict[str, str] = {MemberStatus.SILENCED: "silence", MemberStatus.SUSPENDED: "suspend"}


def _sanction(user: User, by: User, status: str, until: datetime | None, reason: str) -> Member:
    _check_moderator(by)
    if user.is_agent:
        raise CommunityError("staff cannot be sanctioned", "user", "forbidden")
    if user.pk == by.pk:
        raise CommunityError("you cannot sanction yourself", "user", "forbidden")
    reason = required(reason, "reason")
    if until is not None and until <= clock.now():
        raise CommunityError("until must be in the future", "until")
    member = member_for(user)
    with audit.unit():
        member.status, member.sanction_until = status, until
        member.save(update_fields=["status", "sanction_until"])
        _log(_ACTION[status], by, member=user, reason=reason, data={"until": until})
    return member


# -- the queue and the log --------------------------------------------------------------------


@dataclass(frozen=True)
class Queue:
    """What waits for a moderator, oldest first."""

    posts: list[Post]
    flags: list[Flag]


def queue(by: User, *, limit: int = 100) -> Queue:
    """Posts awaiting approval and open flags, oldest first (moderators only)."""
    _check_moderator(by)
    reach = access.readable_categories(by)
    posts = (
        Post.objects.filter(visibility=Visibility.PENDING, topic__category__in=reach)
        .select_related("author", "topic")
        .order_by("created_at", "id")[:limit]
    )
    flags = (
        Flag.objects.filter(status=FlagStatus.OPEN, post__topic__category__in=reach)
        .select_related("post__topic", "post__author", "reporter")
        .order_by("created_at", "id")[:limit]
    )
    return Queue(list(posts), list(flags))


def actions(by: User, *, limit: int = 100, before: int | None = None) -> list[ModerationAction]:
    """The moderation log, newest first (moderators only); ``before`` pages by id."""
    _check_moderator(by)
    rows = ModerationAction.objects.select_related("moderator", "member", "post__topic")
    if before is not None:
        rows = rows.filter(pk__lt=before)
    return list(rows.order_by("-created_at", "-id")[:limit])

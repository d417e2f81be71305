"""Trust levels: what a community member has earned the right to do.

A member's level (0-4) is the highest whose every threshold they meet (Discourse's shape: one
table of thresholds, one table of what each level unlocks, no ``if`` scattered through views):

| level | name    | reputation | visible approved posts | days since joining | no sanction for |
| ----- | ------- | ---------- | ---------------------- | ------------------ | --------------- |
| 0     | new     | -          | -                      | -                  | -               |
| 1     | basic   | 15         | 1                      | 1                  | 30 days         |
| 2     | member  | 100        | 10                     | 14                 | 60 days         |
| 3     | regular | 500        | 50                     | 60                 | 120 days        |
| 4     | leader  | 2000       | 200                    | 180                | 180 days        |

Privileges by level: 1 ``post_links``, ``post_images``; 2 ``edit_others``; 3
``close_duplicates``, ``accept_others``; 4 ``moderate``. Staff (``user.is_agent``) hold every
privilege, anonymous visitors none, and a level locked by staff (``Member.trust_level_locked``)
wins over the computed one. A current silence or suspension counts as a recent sanction.

``settings.HELPMESH_COMMUNITY_TRUST`` may replace rows of the threshold table:
``{2: {"reputation": 50, "posts": 5, "days": 7, "clean_days": 30}}``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from django.conf import settings

from helpmesh.community.models import Member, MemberStatus, ModerationAction
from helpmesh.core import clock

MAX_LEVEL = 4
NAMES = {0: "new", 1: "basic", 2: "member", 3: "regular", 4: "leader"}
# The moderator actions that count as a sanction against a member.
SANCTIONS = ("silence", "suspend")


@dataclass(frozen=True)
class Threshold:
    reputation: int
    posts: int
    days: int
    clean_days: int


THRESHOLDS: dict[int, Threshold] = {
    1: Threshold(reputation=15, posts=1, days=1, clean_days=30),
    2: Threshold(reputation=100, posts=10, days=14, clean_days=60),
    3: Threshold(reputation=500, posts=50, days=60, clean_days=120),
    4: Threshold(reputation=2000, posts=200, days=180, clean_days=180),
}

# The lowest level that unlocks each privilege.
PRIVILEGES: dict[str, int] = {
    "post_links": 1,
    "post_images": 1,
    "edit_others": 2,
    "close_duplicates": 3,
    "accept_others": 3,
    "moderate": 4,
}


def thresholds() -> dict[int, Threshold]:
    """The threshold table, with any rows ``settings.HELPMESH_COMMUNITY_TRUST`` overrides."""
    table = dict(THRESHOLDS)
    overrides: dict[int, dict[str, Any]] = getattr(settings, "HELPMESH_COMMUNITY_TRUST", None) or {}
    for level, fields in overrides.items():
        table[int(level)] = replace(table[int(level)], **fields)
    return table


def level_for(member: Member) -> int:
    """The level ``member`` has earned now (ignores a staff lock; see ``effective_level``)."""
    now = clock.now()
    days = (now - member.joined_at).days
    sanctioned_at = _last_sanction(member)
    level = 0
    for candidate, need in sorted(thresholds().items()):
        clean = sanctioned_at is None or sanctioned_at < now - timedelta(days=need.clean_days)
        met = (
            member.reputation >= need.reputation
            and member.approved_posts >= need.posts
            and days >= need.days
            and clean
        )
        if not met:
            break
        level = candidate
    return level


def effective_level(member: Member) -> int:
    """The level that decides privileges: the staff lock when set, else the computed one."""
    if member.trust_level_locked is not None:
        return member.trust_level_locked
    return level_for(member)


def allows(user: Any, privilege: str) -> bool:
    """Whether ``user`` holds ``privilege`` (a key of ``PRIVILEGES``; anything else: ValueError)."""
    if privilege not in PRIVILEGES:
        raise ValueError(f"unknown community privilege: {privilege!r}")
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_agent:
        return True
    member = Member.objects.filter(user=user).first()
    if member is None:
        return False  # never posted nor voted: level 0 unlocks nothing
    return effective_level(member) >= PRIVILEGES[privilege]


def _last_sanction(member: Member) -> Any:
    """When the member was last silenced or suspended (now, while a sanction still runs)."""
    if member.status != MemberStatus.ACTIVE:
        return clock.now()
    return (
        ModerationAction.objects.filter(member_id=member.user_id, action__in=SANCTIONS)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )

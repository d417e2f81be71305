"""Badges: rules over a member's history, awarded as it happens and re-run over all of it.

Each rule in ``RULES`` reads one member's ``Facts`` (counts from the reputation ledger, their
visible answers, their trust level) and names the tags it awards for (``None``: an untagged
badge). ``award_for(user)`` brings one member's awards in step after their points or posts
change; ``rebadge()`` does the same for everyone, a chunk of members at a time, with grouped
queries per chunk (never a query per member), so a million ledger rows take seconds, not hours.

Awards follow the rules both ways: a reversal that undoes an accepted answer takes back the
badge it earned. Counts come from ledger rows that still count, so self-votes, vote rings and
removed content earn no badge either.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncDate

from helpmesh.community.models import (
    Badge,
    BadgeAward,
    Member,
    Post,
    ReputationEvent,
    Visibility,
)
from helpmesh.core import audit, clock

STREAK_DAYS = 7
TAG_EXPERT_ACCEPTED = 5
HELPFUL_FLAGS = 5
UPVOTES = 100
CHUNK = 2000  # members per grouped query in rebadge


@dataclass
class Facts:
    """What the rules know about one member."""

    answers: int = 0
    accepted: int = 0
    upvotes: int = 0
    upheld_flags: int = 0
    longest_streak: int = 0
    trust_level: int = 0
    accepted_by_tag: dict[int, int] = field(default_factory=dict)


Tags = list[int | None]


def _untagged(holds: Callable[[Facts], bool]) -> Callable[[Facts], Tags]:
    return lambda facts: [None] if holds(facts) else []


@dataclass(frozen=True)
class Rule:
    slug: str
    name: str
    description: str
    level: str  # bronze, silver, gold
    tags: Callable[[Facts], Tags]  # the tags the member holds the badge for ([None]: untagged)


RULES: list[Rule] = [
    Rule(
        "first-answer",
        "First answer",
        "Answered a question.",
        "bronze",
        _untagged(lambda f: f.answers >= 1),
    ),
    Rule(
        "first-accepted-answer",
        "Solver",
        "Had an answer accepted.",
        "bronze",
        _untagged(lambda f: f.accepted >= 1),
    ),
    Rule(
        "ten-accepted-answers",
        "Problem solver",
        "Had 10 answers accepted.",
        "silver",
        _untagged(lambda f: f.accepted >= 10),
    ),
    Rule(
        "hundred-upvotes",
        "Well liked",
        f"Received {UPVOTES} upvotes.",
        "silver",
        _untagged(lambda f: f.upvotes >= UPVOTES),
    ),
    Rule(
        "answer-streak",
        "On a roll",
        f"Answered questions on {STREAK_DAYS} days in a row.",
        "silver",
        _untagged(lambda f: f.longest_streak >= STREAK_DAYS),
    ),
    Rule(
        "tag-expert",
        "Tag expert",
        f"Had {TAG_EXPERT_ACCEPTED} answers accepted on questions with one tag.",
        "gold",
        lambda f: [t for t, n in sorted(f.accepted_by_tag.items()) if n >= TAG_EXPERT_ACCEPTED],
    ),
    Rule(
        "helpful-flagger",
        "Helpful flagger",
        f"Raised {HELPFUL_FLAGS} flags that moderators upheld.",
        "bronze",
        _untagged(lambda f: f.upheld_flags >= HELPFUL_FLAGS),
    ),
    Rule(
        "trusted-member",
        "Trusted member",
        "Reached trust level 3 (regular).",
        "gold",
        _untagged(lambda f: f.trust_level >= 3),
    ),
]
BY_SLUG = {rule.slug: rule for rule in RULES}


def ensure_badges() -> dict[str, Badge]:
    """The Badge row of every rule, created (or its wording refreshed) on demand."""
    rows = {badge.slug: badge for badge in Badge.objects.filter(slug__in=BY_SLUG)}
    for rule in RULES:
        wanted = {"name": rule.name, "description": rule.description, "level": rule.level}
        badge = rows.get(rule.slug)
        if badge is None:
            rows[rule.slug] = Badge.objects.create(slug=rule.slug, rule=rule.slug, **wanted)
        elif any(getattr(badge, k) != v for k, v in wanted.items()):
            Badge.objects.filter(pk=badge.pk).update(**wanted)
    return rows


# -- facts, gathered with grouped queries over a range of members ------------------------------

_LEDGER_KINDS = {
    "answer_accepted": "accepted",
    "answer_upvoted": "upvotes",
    "question_upvoted": "upvotes",
    "flag_upheld": "upheld_flags",
}


def gather(lo: int, hi: int) -> dict[int, Facts]:
    """Facts for every member whose user id is in [lo, hi]."""
    facts: dict[int, Facts] = defaultdict(Facts)
    for user_id, level in Member.objects.filter(user_id__gte=lo, user_id__lte=hi).values_list(
        "user_id", "trust_level"
    ):
        facts[user_id].trust_level = level
    counting = ReputationEvent.objects.filter(
        member_id__gte=lo, member_id__lte=hi, reverses__isnull=True, reversed_by__isnull=True
    )
    for user_id, kind, n in (
        counting.filter(kind__in=_LEDGER_KINDS)
        .values("member_id", "kind")
        .annotate(n=Count("id"))
        .values_list("member_id", "kind", "n")
    ):
        name = _LEDGER_KINDS[kind]
        setattr(facts[user_id], name, getattr(facts[user_id], name) + n)
    for user_id, tag_id, n in (
        counting.filter(kind="answer_accepted", post__topic__tags__isnull=False)
        .values("member_id", "post__topic__tags")
        .annotate(n=Count("id"))
        .values_list("member_id", "post__topic__tags", "n")
    ):
        facts[user_id].accepted_by_tag[tag_id] = n
    answers = Post.objects.filter(
        author_id__gte=lo, author_id__lte=hi, is_question=False, visibility=Visibility.VISIBLE
    )
    for user_id, n in (
        answers.values("author_id").annotate(n=Count("id")).values_list("author_id", "n")
    ):
        facts[user_id].answers = n
    days = answers.annotate(day=TruncDate("created_at")).values_list("author_id", "day")
    for user_id, streak in _longest_streaks(days.distinct().order_by("author_id", "day")):
        facts[user_id].longest_streak = streak
    return facts


def _longest_streaks(rows: Iterable[tuple[int, date]]) -> Iterator[tuple[int, int]]:
    """(member, longest run of consecutive days) from (member, day) rows sorted by both."""
    current, best, run, last = None, 0, 0, None
    for user_id, day in rows:
        if user_id != current:
            if current is not None:
                yield current, best
            current, best, run, last = user_id, 0, 0, None
        run = run + 1 if last is not None and day - last == timedelta(days=1) else 1
        best, last = max(best, run), day
    if current is not None:
        yield current, best


# -- making awards match the rules -------------------------------------------------------------

Key = tuple[int, int, int | None]  # (badge, member, tag)


def _wanted(facts: dict[int, Facts], badges: dict[str, Badge]) -> set[Key]:
    return {
        (badges[rule.slug].pk, user_id, tag)
        for user_id, member_facts in facts.items()
        for rule in RULES
        for tag in rule.tags(member_facts)
    }


def _sync(lo: int, hi: int, badges: dict[str, Badge]) -> tuple[int, int]:
    """Award what the rules grant members in [lo, hi] and take back the rest: (added, removed)."""
    wanted = _wanted(gather(lo, hi), badges)
    ours = [b.pk for b in badges.values()]
    held = {
        (badge, member, tag): pk
        for pk, badge, member, tag in BadgeAward.objects.filter(
            member_id__gte=lo, member_id__lte=hi, badge_id__in=ours
        ).values_list("pk", "badge_id", "member_id", "tag_id")
    }
    now = clock.now()
    missing = [
        BadgeAward(badge_id=b, member_id=m, tag_id=t, awarded_at=now)
        for b, m, t in wanted - held.keys()
    ]
    BadgeAward.objects.bulk_create(missing, batch_size=1000)
    stale = [pk for key, pk in held.items() if key not in wanted]
    for start in range(0, len(stale), 500):
        BadgeAward.objects.filter(pk__in=stale[start : start + 500]).delete()
    return len(missing), len(stale)


def award_for(user: Any) -> tuple[int, int]:
    """Bring ``user``'s badges in step with the rules: (awarded, taken back)."""
    with audit.unit():
        added, removed = _sync(user.pk, user.pk, ensure_badges())
        if added or removed:
            audit.record(
                "community.badges.changed",
                "user",
                user.pk,
                data={"awarded": added, "taken_back": removed},
            )
    return added, removed


def rebadge(progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Re-run every rule over the whole history and make awards match; ``progress(done,
    total)`` is called after each chunk of members. Returns counts of members, added, removed."""
    badges = ensure_badges()
    ids = list(Member.objects.order_by("user_id").values_list("user_id", flat=True))
    added = removed = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        with audit.unit():
            a, r = _sync(chunk[0], chunk[-1], badges)
        added, removed = added + a, removed + r
        if progress:
            progress(start + len(chunk), len(ids))
    audit.record(
        "community.badges.rebadged",
        "community",
        0,
        data={"members": len(ids), "awarded": added, "taken_back": removed},
    )
    return {"members": len(ids), "awarded": added, "taken_back": removed}

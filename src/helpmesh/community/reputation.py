"""Reputation: the points ledger, booked by listening to the forum's and moderation's events.

Every change is a new ``ReputationEvent`` row; nothing is edited or deleted. Taking points back
writes a reversal (``reverses`` points at the original, ``kind`` says why), so the ledger tells
what happened and ``Member.reputation`` can always be rebuilt from it (``recompute``).

| what                                     | who                 | points |
| ---------------------------------------- | ------------------- | ------ |
| upvote on an answer (``answer_upvoted``) | the answer's author | +10    |
| upvote on a question                     | the asker           | +5     |
| downvote on any post (``downvoted``)     | the post's author   | -2     |
| answer accepted (``answer_accepted``)    | the answerer        | +15    |
| accepting an answer (``accepted_answer``)| the asker           | +2     |
| "helpful" flag upheld (``helpful_flag``) | the post's author   | +5     |
| any flag upheld (``flag_upheld``)        | the flagger         | +1     |

Reversal kinds: ``vote_changed``, ``vote_withdrawn``, ``unaccepted``, ``post_removed``,
``vote_ring``, ``flag_dismissed``. Floor: ``Member.reputation`` is ``max(0, ledger sum)``, a pure
function of the ledger, so a member's debt is remembered but never shown.

Anti-gaming: a vote earns nothing (``Vote.discounted`` says why) when it is a self vote, when voter
and author share an IP address or a device hash, or when the pair forms a vote ring: both upvoted
the other's posts more than ``RING_VOTES`` times within ``RING_WINDOW``, or at least
``FAN_MIN_VOTES`` of the voter's upvotes in the window went mostly (``FAN_SHARE``) to one author.
Finding a ring reverses the pair's earlier vote points too. Accepting your own answer earns
nothing, and only the asker earns points for accepting (a trusted member who accepts for others
must not farm +2 per topic).

After points change, each member touched gets their reputation, trust level and badges brought
in step, inside the emitter's transaction. The ledger is the record of points; the audit chain
records the decisions around it (a ring found, a trust level changed, badges, recomputes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from helpmesh.accounts.models import User
from helpmesh.community import badges, events, trust
from helpmesh.community.models import (
    Flag,
    FlagReason,
    FlagStatus,
    Member,
    Post,
    ReputationEvent,
    Topic,
    Visibility,
    Vote,
)
from helpmesh.core import audit, clock

POINTS = {
    "answer_upvoted": 10,
    "question_upvoted": 5,
    "downvoted": -2,
    "answer_accepted": 15,
    "accepted_answer": 2,
    "helpful_flag": 5,
    "flag_upheld": 1,
}
VOTE_KINDS = ("answer_upvoted", "question_upvoted", "downvoted")
ACCEPT_KINDS = ("answer_accepted", "accepted_answer")
FLAG_KINDS = ("helpful_flag", "flag_upheld")
FLOOR = 0

SELF_VOTE, SAME_NETWORK, SAME_DEVICE, VOTE_RING = (
    "self vote",
    "same network",
    "same device",
    "vote ring",
)
RING_WINDOW = timedelta(days=30)
RING_VOTES = 3  # reciprocal upvotes each way above this, within the window, make a ring
FAN_MIN_VOTES = 10  # a voter needs this many upvotes in the window before the share counts
FAN_SHARE = 0.6  # ...and a ring when more than this share went to one author


# -- the ledger -------------------------------------------------------------------------------


def open_events(**filters: Any) -> QuerySet[ReputationEvent]:
    """Ledger rows that still count: not a reversal, and not reversed."""
    return ReputationEvent.objects.filter(
        reverses__isnull=True, reversed_by__isnull=True, **filters
    )


def _book(
    member_id: int, kind: str, *, post: Post | None, vote: Vote | None = None, actor_id: Any = None
) -> ReputationEvent:
    return ReputationEvent.objects.create(
        member_id=member_id,
        kind=kind,
        points=POINTS[kind],
        post=post,
        vote=vote,
        actor_id=actor_id,
        created_at=clock.now(),
    )


def _reverse(rows: Iterable[ReputationEvent], cause: str) -> set[int]:
    """Write a reversal for each row; returns the members whose points changed."""
    touched = set()
    for row in rows:
        ReputationEvent.objects.create(
            member_id=row.member_id,
            kind=cause,
            points=-row.points,
            post_id=row.post_id,
            vote_id=row.vote_id,
            actor_id=row.actor_id,
            reverses=row,
            created_at=clock.now(),
        )
        touched.add(row.member_id)
    return touched


def ledger_sum(user_id: int) -> int:
    """The raw sum of a member's ledger (may be below the floor)."""
    total = ReputationEvent.objects.filter(member_id=user_id).aggregate(total=Sum("points"))
    return int(total["total"] or 0)


def _member(user_id: int) -> Member:
    member = Member.objects.filter(user_id=user_id).first()
    if member is not None:
        return member
    from helpmesh.community import services  # the forum's one way to create a member

    return services.member_for(User.objects.get(pk=user_id))


def settle(user_ids: Iterable[int]) -> None:
    """Bring each member's reputation, trust level and badges in step with the ledger."""
    for user_id in sorted(set(user_ids)):
        member = _member(user_id)
        member.reputation = max(FLOOR, ledger_sum(user_id))
        update_trust(member)
        member.save(update_fields=["reputation", "trust_level"])
        badges.award_for(member.user)


def update_trust(member: Member) -> None:
    """Set ``member.trust_level`` (not saved) to the level in force; audit a change."""
    level = trust.effective_level(member)
    if level != member.trust_level:
        audit.record(
            "community.trust.changed",
            "user",
            member.user_id,
            data={"from": member.trust_level, "to": level},
        )
        member.trust_level = level


def recompute(member: Member) -> int:
    """Rebuild ``member.reputation`` from the ledger (and their trust level); returns it."""
    with audit.unit():
        before = member.reputation
        member.reputation = max(FLOOR, ledger_sum(member.user_id))
        update_trust(member)
        member.save(update_fields=["reputation", "trust_level"])
        if member.reputation != before:
            audit.record(
                "community.reputation.recomputed",
                "user",
                member.user_id,
                data={"from": before, "to": member.reputation},
            )
    return member.reputation


def recompute_all(progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild every member's reputation from the ledger in one grouped query; returns how
    many changed. Trust levels follow on the next points change (they also read the clock)."""
    sums = dict(
        ReputationEvent.objects.values("member_id")
        .annotate(total=Sum("points"))
        .values_list("member_id", "total")
    )
    members = list(Member.objects.only("pk", "user_id", "reputation"))
    changed = []
    for done, member in enumerate(members, 1):
        value = max(FLOOR, int(sums.get(member.user_id) or 0))
        if value != member.reputation:
            member.reputation = value
            changed.append(member)
        if progress and (done % 1000 == 0 or done == len(members)):
            progress(done, len(members))
    with audit.unit():
        Member.objects.bulk_update(changed, ["reputation"], batch_size=1000)
        audit.record(
            "community.reputation.recomputed_all", "community", 0, data={"changed": len(changed)}
        )
    return len(changed)


# -- votes ------------------------------------------------------------------------------------


def _vote_kind(vote: Vote, post: Post) -> str:
    if vote.value < 0:
        return "downvoted"
    return "question_upvoted" if post.is_question else "answer_upvoted"


def discount_reason(vote: Vote, post: Post) -> str:
    """Why ``vote`` must earn nothing ("" when it counts)."""
    author_id = post.author_id
    if vote.voter_id == author_id:
        return SELF_VOTE
    if vote.ip_address and _author_used_address(author_id, vote.ip_address):
        return SAME_NETWORK
    if vote.device and Vote.objects.filter(voter_id=author_id, device=vote.device).exists():
        return SAME_DEVICE
    if vote.value > 0 and is_ring(vote.voter_id, author_id):
        return VOTE_RING
    return ""


def _author_used_address(author_id: int, ip: str) -> bool:
    posted = Post.objects.filter(author_id=author_id, ip_address=ip).exists()
    return posted or Vote.objects.filter(voter_id=author_id, ip_address=ip).exists()


def is_ring(voter_id: int, author_id: int) -> bool:
    """Reciprocal upvoting between the two, or a voter whose upvotes go mostly to the author."""
    recent = Vote.objects.filter(value__gt=0, created_at__gte=clock.now() - RING_WINDOW)
    given = recent.filter(voter_id=voter_id, post__author_id=author_id).count()
    returned = recent.filter(voter_id=author_id, post__author_id=voter_id).count()
    if given > RING_VOTES and returned > RING_VOTES:
        return True
    total = recent.filter(voter_id=voter_id).count()
    return total >= FAN_MIN_VOTES and given / total > FAN_SHARE


def _break_ring(voter_id: int, author_id: int) -> set[int]:
    """Discount and reverse the pair's earlier votes, both ways; audit the finding."""
    pair = Q(voter_id=voter_id, post__author_id=author_id) | Q(
        voter_id=author_id, post__author_id=voter_id
    )
    votes = Vote.objects.filter(pair)
    touched = _reverse(open_events(vote__in=votes, kind__in=VOTE_KINDS), "vote_ring")
    discounted = votes.filter(discounted="").update(discounted=VOTE_RING)
    audit.record(
        "community.vote_ring.found",
        "user",
        author_id,
        data={"voter": voter_id, "author": author_id, "votes_discounted": discounted},
    )
    return touched


@events.on("vote_cast")
def _vote_cast(vote: Vote, previous: int | None) -> None:
    post = Post.objects.get(pk=vote.post_id)
    with audit.unit():
        touched = {post.author_id}
        if previous is not None:
            _reverse(open_events(vote=vote), "vote_changed")
        reason = discount_reason(vote, post)
        if reason != vote.discounted:
            vote.discounted = reason
            Vote.objects.filter(pk=vote.pk).update(discounted=reason)
        if reason == VOTE_RING:
            touched |= _break_ring(vote.voter_id, post.author_id)
        if not reason and post.visibility == Visibility.VISIBLE:
            _book(
                post.author_id, _vote_kind(vote, post), post=post, vote=vote, actor_id=vote.voter_id
            )
        settle(touched)


@events.on("vote_withdrawn")
def _vote_withdrawn(vote: Vote) -> None:
    with audit.unit():
        touched = _reverse(open_events(vote=vote), "vote_withdrawn")
        settle(touched)


# -- accepted answers -------------------------------------------------------------------------


def _book_acceptance(topic: Topic, post: Post, by_id: int | None) -> set[int]:
    if by_id is None or by_id == post.author_id:
        return set()  # accepting your own answer earns nothing
    _book(post.author_id, "answer_accepted", post=post, actor_id=by_id)
    touched = {post.author_id}
    if by_id == topic.author_id:
        _book(by_id, "accepted_answer", post=post, actor_id=by_id)
        touched.add(by_id)
    return touched


@events.on("answer_accepted")
def _answer_accepted(topic: Topic, post: Post, by: User) -> None:
    with audit.unit():
        settle(_book_acceptance(topic, post, by.pk))


@events.on("answer_unaccepted")
def _answer_unaccepted(topic: Topic, post: Post, by: Any) -> None:
    with audit.unit():
        touched = _reverse(open_events(post=post, kind__in=ACCEPT_KINDS), "unaccepted")
        settle(touched)


# -- moderation -------------------------------------------------------------------------------


@events.on("post_removed")
def _post_removed(post: Post, by: Any) -> None:
    # Everything the post earned goes; the flagger's point for a rightful flag stays.
    with audit.unit():
        rows = open_events(post=post).exclude(kind="flag_upheld")
        settle(_reverse(rows, "post_removed") | {post.author_id})


@events.on("post_restored")
def _post_restored(post: Post, by: Any) -> None:
    # Re-derive from what stands now: counting votes, the acceptance, upheld helpful flags.
    post = Post.objects.select_related("topic").get(pk=post.pk)
    with audit.unit():
        touched = {post.author_id}
        booked_votes = set(
            open_events(post=post, kind__in=VOTE_KINDS).values_list("vote_id", flat=True)
        )
        for vote in post.votes.filter(discounted="").exclude(pk__in=booked_votes):
            _book(
                post.author_id, _vote_kind(vote, post), post=post, vote=vote, actor_id=vote.voter_id
            )
        topic = post.topic
        if (
            topic.accepted_post_id == post.pk
            and not open_events(post=post, kind__in=ACCEPT_KINDS).exists()
        ):
            touched |= _book_acceptance(topic, post, topic.accepted_by_id)
        for flag in post.flags.filter(status=FlagStatus.UPHELD, reason=FlagReason.HELPFUL):
            _book_flag(flag, helpful_only=True)
        settle(touched)


def _book_flag(flag: Flag, *, helpful_only: bool = False) -> set[int]:
    post = Post.objects.get(pk=flag.post_id)
    touched: set[int] = set()
    reporter = flag.reporter_id
    if reporter is None or reporter == post.author_id:
        return touched
    mine = open_events(post=post, actor_id=reporter)
    if not helpful_only and not mine.filter(kind="flag_upheld", member_id=reporter).exists():
        _book(reporter, "flag_upheld", post=post, actor_id=reporter)
        touched.add(reporter)
    helpful = flag.reason == FlagReason.HELPFUL and post.visibility == Visibility.VISIBLE
    if helpful and not mine.filter(kind="helpful_flag").exists():
        _book(post.author_id, "helpful_flag", post=post, actor_id=reporter)
        touched.add(post.author_id)
    return touched


@events.on("flag_resolved")
def _flag_resolved(flag: Flag) -> None:
    with audit.unit():
        if flag.status == FlagStatus.UPHELD:
            settle(_book_flag(flag))
        elif flag.status == FlagStatus.DISMISSED and flag.reporter_id is not None:
            rows = open_events(post_id=flag.post_id, actor_id=flag.reporter_id, kind__in=FLAG_KINDS)
            settle(_reverse(rows, "flag_dismissed"))


@events.on("post_published")
def _post_published(post: Post) -> None:
    # A new visible post may lift the trust level (approved posts) or earn a badge.
    with audit.unit():
        settle([post.author_id])


def points_earned(user_id: int) -> dict[str, int]:
    """How many counting ledger rows of each kind a member has (for the profile)."""
    rows = open_events(member_id=user_id).values("kind").annotate(n=Count("id"))
    return {row["kind"]: row["n"] for row in rows}

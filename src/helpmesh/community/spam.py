"""Is a new post spam? A pluggable classifier, with plain heuristics as the default.

``settings.HELPMESH_COMMUNITY_SPAM_CLASSIFIER`` names a callable by dotted path::

    def classify(author, title, body, recent_posts) -> Verdict

``recent_posts`` are the author's latest posts, newest first (any visibility). Moderation holds
a post the classifier calls spam for approval with the verdict's reasons; it never deletes it,
so a wrong verdict costs a moderator one click. docs/community.md shows how to plug in a model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.utils.module_loading import import_string

from helpmesh.accounts.models import User
from helpmesh.community.models import Member, Post
from helpmesh.core import clock

DEFAULT_CLASSIFIER = "helpmesh.community.spam.heuristics"
SPAM_SCORE = 1.0  # the heuristics' score at which a post is held

LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
PHONE = re.compile(r"(?:\+|\b00)?\d[\d\s().-]{8,}\d")
WORD = re.compile(r"\w+")
# Words that sell rather than ask; a hit alone is not spam, two kinds together are.
SPAM_WORDS = re.compile(
    r"\b(casino|betting|poker|jackpot|crypto|bitcoin|btc|forex|viagra|cialis|payday|"
    r"loans?|make money|earn \$?\d+|work from home|free money|investment opportunity|"
    r"whatsapp|telegram)\b",
    re.IGNORECASE,
)
SHINGLE = 4  # words per shingle for near-duplicate detection


@dataclass(frozen=True)
class Verdict:
    """A classifier's answer: ``spam`` decides; ``score`` and ``reasons`` explain it."""

    spam: bool
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)


Classifier = Callable[[User, str, str, Sequence[Post]], Verdict]


def classifier() -> Classifier:
    """The configured classifier (read per call, so tests and operators can swap it)."""
    path = getattr(settings, "HELPMESH_COMMUNITY_SPAM_CLASSIFIER", "") or DEFAULT_CLASSIFIER
    found: Classifier = import_string(path)
    return found


def classify(author: User, title: str, body: str, recent_posts: Sequence[Post]) -> Verdict:
    """Ask the configured classifier about one post."""
    return classifier()(author, title, body, recent_posts)


# -- the default heuristics -------------------------------------------------------------------


def heuristics(author: User, title: str, body: str, recent_posts: Sequence[Post]) -> Verdict:
    """Links, repetition, velocity and known patterns, each adding to one score."""
    member = Member.objects.filter(user=author).first()
    newcomer = member is None or member.trust_level == 0
    first_post = member is None or member.approved_posts == 0
    text = f"{title}\n{body}"
    signals = [
        _links(text, newcomer),
        _repetition(body, recent_posts),
        _velocity(recent_posts, newcomer),
        _shouting(text),
        _selling(text),
        _phone(text, first_post),
    ]
    score = sum(points for points, _ in signals)
    reasons = [reason for points, reason in signals if points > 0]
    return Verdict(spam=score >= SPAM_SCORE, score=round(score, 2), reasons=reasons)


Signal = tuple[float, str]
NOTHING: Signal = (0.0, "")


def _links(text: str, newcomer: bool) -> Signal:
    # A new member has no reason to post a link list; established members may share docs.
    count = len(LINK.findall(text))
    allowed = 2 if newcomer else 8
    if count <= allowed:
        return NOTHING
    return (1.0 if count > allowed * 2 else 0.6), f"{count} links"


def shingles(text: str) -> set[tuple[str, ...]]:
    """The set of ``SHINGLE``-word windows of ``text``, lower-cased (empty if too short)."""
    words = [w.lower() for w in WORD.findall(text)]
    return {tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def similarity(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    """Jaccard similarity of two shingle sets."""
    return len(a & b) / len(a | b) if a and b else 0.0


def _repetition(body: str, recent_posts: Sequence[Post]) -> Signal:
    # The same text pasted into thread after thread; short thanks ("that worked, thanks")
    # have no shingles worth comparing, so they never count.
    mine = shingles(body)
    if len(mine) < 3:
        return NOTHING
    copies = sum(1 for post in recent_posts if similarity(mine, shingles(post.body)) >= 0.8)
    if not copies:
        return NOTHING
    return (1.0 if copies >= 2 else 0.7), f"the same text as {copies} recent post(s)"


def _velocity(recent_posts: Sequence[Post], newcomer: bool) -> Signal:
    since = clock.now() - timedelta(minutes=10)
    count = sum(1 for post in recent_posts if post.created_at >= since)
    allowed = 4 if newcomer else 10
    if count < allowed:
        return NOTHING
    return 0.6, f"{count + 1} posts within 10 minutes"


def _shouting(text: str) -> Signal:
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 20 or sum(c.isupper() for c in letters) / len(letters) < 0.7:
        return NOTHING
    return 0.5, "written in capitals"


def _selling(text: str) -> Signal:
    found = {m.lower() for m in SPAM_WORDS.findall(text)}
    if not found:
        return NOTHING
    return (1.0 if len(found) >= 2 else 0.5), "spam words: " + ", ".join(sorted(found))


def _phone(text: str, first_post: bool) -> Signal:
    if not first_post or not PHONE.search(text):
        return NOTHING
    return 0.6, "a phone number in a first post"

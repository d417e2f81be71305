"""Similar questions at ask time: the topics and articles a draft question most resembles.

The same search the help center and the bot use (``search.engine.search``, kinds ``topic`` and
``article``), scoped in the engine to what the asker may read. Not logged as a search: a draft
being typed is not a question anyone asked yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from helpmesh.community.models import Topic, TopicStatus
from helpmesh.search import engine

LIMIT = 5
MIN_CHARS = 8  # fewer characters than this match too much to help


@dataclass(frozen=True)
class Suggestion:
    """One likely duplicate (``kind`` "topic", with ``solved``) or a matching article."""

    kind: str
    id: int
    title: str
    url: str
    snippet: str
    solved: bool = False


def draft_text(title: str, body: str = "") -> str:
    """What is searched for: the title, then the start of the body."""
    return f"{(title or '').strip()} {(body or '').strip()[:300]}".strip()


def suggestions(
    title: str, body: str = "", *, viewer: Any = None, limit: int = LIMIT
) -> list[Suggestion]:
    """The topics and articles most like a draft question, best first."""
    text = draft_text(title, body)
    if len(text) < MIN_CHARS:
        return []
    user = viewer if getattr(viewer, "is_authenticated", False) else None
    hits = engine.search(text, viewer=user, kinds=["topic", "article"], limit=limit, log=False).hits
    topic_ids = [h.id for h in hits if h.kind == "topic"]
    solved = set(
        Topic.objects.filter(pk__in=topic_ids, status=TopicStatus.SOLVED).values_list(
            "pk", flat=True
        )
    )
    return [
        Suggestion(h.kind, h.id, h.title, h.url, h.snippet, h.kind == "topic" and h.id in solved)
        for h in hits
    ]

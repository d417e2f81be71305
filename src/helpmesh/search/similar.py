"""Ranking an ad-hoc corpus with the product's search (``helpmesh similar rank``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from helpmesh.search import engine, services
from helpmesh.search.documents import Document

KIND = "article"


class UnknownCandidate(ValueError):
    pass


class Ranker:
    """The corpus indexed once (ids mapped to positions), then ranked per query."""

    def __init__(self, corpus: list[dict], *, progress: Callable[[int], None] | None = None):
        self.ids: list[Any] = [row["id"] for row in corpus]
        self.position = {str(key): i for i, key in enumerate(self.ids)}
        documents = (
            Document(KIND, i, _title(row), str(row.get("body") or ""), f"#{i}")
            for i, row in enumerate(corpus)
        )
        services.reindex(documents, progress=progress, clear=True)

    def rank(self, query: dict, *, top: int = 100) -> list[Any]:
        """The corpus ids best answering ``query``, best first (its candidates only, if named)."""
        text = "\n".join(str(query.get(key) or "") for key in ("title", "body", "query")).strip()
        candidates = query.get("candidates")
        only = None
        if candidates is not None:
            try:
                only = [self.position[str(c)] for c in candidates]
            except KeyError as exc:
                raise UnknownCandidate(f"candidate {exc.args[0]!r} is not in the corpus") from None
        limit = len(only) if only is not None else top
        hits = engine.search(text, kinds=[KIND], limit=max(limit, 1), log=False, only=only).hits
        ranked = [self.ids[h.id] for h in hits]
        if only is not None:  # candidates sharing nothing with the query still get a place
            ranked += [self.ids[i] for i in only if self.ids[i] not in ranked]
        return ranked


def _title(row: dict) -> str:
    title = str(row.get("title") or "").strip()
    return title or str(row.get("body") or "").strip()[:120] or str(row["id"])

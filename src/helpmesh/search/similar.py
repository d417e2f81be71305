"""Ranking an ad-hoc corpus with the product's search (``helpmesh similar rank``).

``Ranker`` indexes a corpus file into a throwaway index; ``IndexRanker`` ranks what the live
index already holds of one kind (``--source topics``: the community's questions), as a viewer
would find them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from helpmesh.search import engine, services
from helpmesh.search.documents import Document
from helpmesh.search.models import SearchDocument

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
        text = _text(query)
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


class IndexRanker:
    """The documents of ``kind`` in the live index (ids are their objects' ids, e.g. topic
    ids), ranked as ``viewer`` (None: anonymous) would find them. Nothing is reindexed."""

    def __init__(self, kind: str, viewer: Any = None) -> None:
        self.kind, self.viewer = kind, viewer

    def rank(self, query: dict, *, top: int = 100) -> list[int]:
        """The object ids best answering ``query``, best first (its candidates only, if named)."""
        only = self._candidates(query.get("candidates"))
        limit = len(only) if only is not None else top
        hits = engine.search(
            _text(query),
            viewer=self.viewer,
            kinds=[self.kind],
            limit=max(limit, 1),
            log=False,
            only=only,
        ).hits
        ranked = [h.id for h in hits]
        if only is not None:
            ranked += [i for i in only if i not in ranked]
        return ranked

    def _candidates(self, candidates: Any) -> list[int] | None:
        if candidates is None:
            return None
        try:
            only = [int(c) for c in candidates]
        except (TypeError, ValueError):
            raise UnknownCandidate(f"candidates must be {self.kind} ids") from None
        indexed = SearchDocument.objects.filter(kind=self.kind, object_id__in=only)
        missing = set(only) - set(indexed.values_list("object_id", flat=True))
        if missing:
            raise UnknownCandidate(f"candidate {min(missing)!r} is not an indexed {self.kind}")
        return only


def _text(query: dict) -> str:
    return "\n".join(str(query.get(key) or "") for key in ("title", "body", "query")).strip()

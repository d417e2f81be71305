"""Nearest documents by meaning: a vector index per audience, kept in step with the table.

Each document is one vector, ``(title + 0.5 x (title + body)) / 1.5`` of its two MiniLM
embeddings, so an inner product with the query is the semantic score the ranking uses
(docs/search.md). Indexes are per (audience, group), so a viewer's search only ever reads the
indexes of what they may see; the final rows are still filtered by the same scope in SQL.

The table is the truth; every process holds its indexes in memory and catches up before each
search with one query (rows whose ``version`` is newer than the newest it has). ``usearch``
(HNSW) is the index (docs/adr/0026-search-vector-index.md); ``ExactIndex`` (numpy, brute force)
is the reference it is tested against and the fallback for tiny corpora.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Protocol

import numpy as np
from django.conf import settings
from django.db import connection

from helpmesh.search.embeddings import DIMENSIONS, from_bytes
from helpmesh.search.fulltext import TABLE, Scope

TITLE_WEIGHT, FULL_WEIGHT = 1.0, 0.5


def combine(vectors: np.ndarray) -> np.ndarray:
    """One search vector from a document's (title, title + body) pair."""
    return (TITLE_WEIGHT * vectors[0] + FULL_WEIGHT * vectors[1]) / (TITLE_WEIGHT + FULL_WEIGHT)


class VectorIndex(Protocol):
    def upsert(self, keys: np.ndarray, vectors: np.ndarray) -> None: ...
    def search(self, query: np.ndarray, count: int) -> list[tuple[int, float]]: ...
    def __len__(self) -> int: ...


class ExactIndex:
    """Brute-force inner products: exact, the reference for the approximate index."""

    def __init__(self) -> None:
        self.keys = np.zeros(0, dtype=np.int64)
        self.vectors = np.zeros((0, DIMENSIONS), dtype=np.float32)

    def upsert(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        keep = ~np.isin(self.keys, keys)
        self.keys = np.concatenate([self.keys[keep], keys])
        self.vectors = np.vstack([self.vectors[keep], vectors.astype(np.float32)])

    def search(self, query: np.ndarray, count: int) -> list[tuple[int, float]]:
        if not len(self.keys):
            return []
        scores = self.vectors @ query
        if count < len(scores):  # partition first: a full sort of 100k scores costs ~8 ms
            part = np.argpartition(-scores, count)[:count]
            top = part[np.argsort(-scores[part], kind="stable")]
        else:
            top = np.argsort(-scores, kind="stable")
        return [(int(self.keys[i]), float(scores[i])) for i in top]

    def __len__(self) -> int:
        return len(self.keys)


class HnswIndex:
    """usearch's HNSW graph over inner products (vectors are near unit length)."""

    def __init__(self) -> None:
        from usearch.index import Index

        self.index = Index(
            ndim=DIMENSIONS,
            metric="ip",
            dtype="f32",
            connectivity=32,
            expansion_add=128,
            expansion_search=128,
        )

    def upsert(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        present = [k for k in keys.tolist() if self.index.contains(k)]
        if present:
            self.index.remove(present)
        # All cores: building is the slow part (a first search in a process loads every vector).
        self.index.add(keys, vectors.astype(np.float32), threads=0)

    def search(self, query: np.ndarray, count: int) -> list[tuple[int, float]]:
        if not len(self.index):
            return []
        matches = self.index.search(query.astype(np.float32), count, threads=1)
        return [
            (int(k), 1.0 - float(d)) for k, d in zip(matches.keys, matches.distances, strict=True)
        ]

    def __len__(self) -> int:
        return len(self.index)


# Below this many documents in one index, exact search is fast enough and needs no build; HNSW
# answers in ~3 ms at any size but takes minutes to build 100k vectors (docs/adr/0026).
HNSW_FROM = 20_000


def new_index(expected: int = 0) -> VectorIndex:
    """The index for ``expected`` vectors: ``HELPMESH_SEARCH_VECTOR_INDEX`` is ``auto`` (exact
    below HNSW_FROM, usearch above), ``usearch`` or ``exact``."""
    kind = getattr(settings, "HELPMESH_SEARCH_VECTOR_INDEX", "auto")
    if kind == "exact" or (kind == "auto" and expected < HNSW_FROM):
        return ExactIndex()
    return HnswIndex()


class Catalog:
    """This process's indexes, one per (audience, group), and the newest version they hold."""

    def __init__(self) -> None:
        self.indexes: dict[tuple[str, str], VectorIndex] = {}
        self.version = 0
        self.count = 0
        self.lock = threading.Lock()

    def nearest(self, query: np.ndarray, scope: Scope, count: int) -> list[tuple[int, float]]:
        """Document ids in the scope's indexes nearest to ``query``, best first."""
        self.catch_up()
        found: list[tuple[int, float]] = []
        for key, index in list(self.indexes.items()):
            if _in_scope(key, scope):
                found += index.search(query, count)
        found.sort(key=lambda pair: -pair[1])
        return found[:count]

    def catch_up(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT max(version), count(*) FROM {TABLE}")  # noqa: S608
            newest, count = cursor.fetchone()
        newest = newest or 0
        with self.lock:
            if newest < self.version or (newest == self.version and count != self.count):
                self.indexes, self.version, self.count = {}, 0, 0  # rows were removed: rebuild
            if newest > self.version:
                self._load(since=self.version)
                self.version, self.count = newest, count

    def _load(self, *, since: int) -> None:
        sql = (
            f'SELECT id, audience, "group", embedding FROM {TABLE} '  # noqa: S608
            "WHERE version > %s AND embedding != %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [since, b""])
            rows = cursor.fetchall()
        by_index: dict[tuple[str, str], list[tuple[int, np.ndarray]]] = {}
        for pk, audience, group, blob in rows:
            vectors = from_bytes(blob)
            if vectors is not None:
                by_index.setdefault((audience, group), []).append((pk, combine(vectors)))
        for key, entries in by_index.items():
            index = self.indexes.get(key) or self.indexes.setdefault(key, new_index(len(entries)))
            keys = np.array([pk for pk, _ in entries], dtype=np.int64)
            index.upsert(keys, np.vstack([v for _, v in entries]))


def _in_scope(key: tuple[str, str], scope: Scope) -> bool:
    audience, group = key
    if audience not in scope.audiences:
        return False
    return not group or scope.groups is None or group in scope.groups


CATALOG = Catalog()


def forget() -> None:
    """Drop this process's indexes (tests, after a reindex)."""
    global CATALOG
    CATALOG = Catalog()


def exact_scores(query: np.ndarray, blobs: Iterable[bytes]) -> list[float | None]:
    """The semantic score of each stored embedding (None where a document has none)."""
    out: list[float | None] = []
    for blob in blobs:
        vectors = from_bytes(blob)
        out.append(None if vectors is None else float(combine(vectors) @ query))
    return out

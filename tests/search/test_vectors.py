"""The approximate vector index against the exact numpy reference, and catching up with writes."""

from __future__ import annotations

import numpy as np
import pytest
from search_docs import ARTICLES

from helpmesh.search import services, vectors
from helpmesh.search.documents import Audience
from helpmesh.search.fulltext import Scope


def unit_rows(count: int, seed: int) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(count, 384)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_usearch_finds_what_exact_search_finds() -> None:
    data, queries = unit_rows(3000, 1), unit_rows(50, 2)
    keys = np.arange(3000, dtype=np.int64)
    exact, approximate = vectors.ExactIndex(), vectors.HnswIndex()
    exact.upsert(keys, data)
    approximate.upsert(keys, data)
    recall = np.mean(
        [
            len({k for k, _ in exact.search(q, 10)} & {k for k, _ in approximate.search(q, 10)})
            / 10
            for q in queries
        ]
    )
    assert recall >= 0.95


def test_an_upsert_replaces_a_key_in_both_indexes() -> None:
    data = unit_rows(3, 3)
    for index in (vectors.ExactIndex(), vectors.HnswIndex()):
        index.upsert(np.array([1, 2]), data[:2])
        index.upsert(np.array([1]), data[2:])
        assert len(index) == 2
        assert index.search(data[2], 1)[0][0] == 1


@pytest.mark.django_db
def test_the_catalog_catches_up_with_new_and_removed_documents() -> None:
    if vectors.from_bytes is None or services.embed_documents(["x"], ["y"]) is None:
        pytest.skip("needs the ml extra")
    public = Scope((Audience.PUBLIC,))
    services.index_document(ARTICLES[0])
    query = vectors.combine(vectors.from_bytes(services.SearchDocument.objects.get().embedding))
    assert [k for k, _ in vectors.CATALOG.nearest(query, public, 5)]
    services.remove_document("article", ARTICLES[0].object_id)
    assert vectors.CATALOG.nearest(query, public, 5) == []

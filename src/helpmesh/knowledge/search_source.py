"""The knowledge base as a search source (listed in ``settings.HELPMESH_SEARCH_SOURCES``)."""

from __future__ import annotations

from collections.abc import Iterator

from helpmesh.knowledge.indexing import published_documents
from helpmesh.search.documents import Document


def documents() -> Iterator[Document]:
    """Every published article, for ``helpmesh search reindex``."""
    return published_documents()

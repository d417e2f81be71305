"""The community as a search source (listed in ``settings.HELPMESH_SEARCH_SOURCES``)."""

from __future__ import annotations

from collections.abc import Iterator

from helpmesh.community.indexing import topic_documents
from helpmesh.search.documents import Document


def documents() -> Iterator[Document]:
    """Every visible question topic, for ``helpmesh search reindex``."""
    return topic_documents()

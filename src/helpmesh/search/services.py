"""The only writer of the search index and the search log.

Sources (knowledge articles, community answers) call ``index_document`` / ``remove_document``
when what customers may find changes; ``reindex`` rebuilds everything from the functions named in
``settings.HELPMESH_SEARCH_SOURCES``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from helpmesh.accounts.models import User
from helpmesh.core import clock
from helpmesh.search import fulltext
from helpmesh.search.documents import Audience, Document, Hit
from helpmesh.search.embeddings import embed_documents, to_bytes
from helpmesh.search.models import SearchClick, SearchDocument, SearchQuery

MAX_BODY = 50_000  # characters of a document kept for full text and snippets
BATCH = 64


class SearchError(ValueError):
    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def index_document(document: Document) -> SearchDocument:
    """Add or refresh one document in the index (embedding included when the extra is there)."""
    return index_documents([document])[0]


def index_documents(documents: list[Document]) -> list[SearchDocument]:
    """Add or refresh many documents, embedded in one batch."""
    for document in documents:
        _check(document)
    vectors = embed_documents([d.title for d in documents], [d.body[:MAX_BODY] for d in documents])
    rows = []
    with transaction.atomic():
        for i, document in enumerate(documents):
            embedding = to_bytes(vectors[i]) if vectors is not None else b""
            rows.append(_store(document, embedding))
    return rows


def _check(document: Document) -> None:
    if document.audience not in Audience.ALL:
        raise SearchError(f"unknown audience {document.audience!r}", "audience")
    if not document.title.strip():
        raise SearchError("a document needs a title", "title")


def _store(document: Document, embedding: bytes) -> SearchDocument:
    values = {
        "title": document.title[:300],
        "body": document.body[:MAX_BODY],
        "url": document.url[:500],
        "audience": document.audience,
        "group": document.group,
        "language": document.language,
        "boost": document.boost,
        "search_text": document.body[:MAX_BODY],
        "embedding": embedding,
        "version": time.time_ns(),
        "indexed_at": clock.now(),
    }
    row, _ = SearchDocument.objects.update_or_create(
        kind=document.kind, object_id=document.object_id, defaults=values
    )
    return row


def remove_document(kind: str, object_id: int) -> bool:
    """Take a document out of the index (unpublished, deleted); True if it was there."""
    deleted, _ = SearchDocument.objects.filter(kind=kind, object_id=object_id).delete()
    return bool(deleted)


def sources() -> list[Callable[[], Iterable[Document]]]:
    """The document sources named in settings (each a function yielding ``Document``s)."""
    return [import_string(path) for path in getattr(settings, "HELPMESH_SEARCH_SOURCES", [])]


def reindex(
    documents: Iterable[Document] | None = None,
    *,
    progress: Callable[[int], None] | None = None,
    clear: bool = True,
) -> int:
    """Rebuild the index from every source (or from ``documents``); returns the count.

    ``clear`` first removes what the sources no longer yield.
    """
    if documents is None:
        documents = (doc for source in sources() for doc in source())
    seen: set[tuple[str, int]] = set()
    count = 0
    for batch in _batches(iter(documents), BATCH):
        index_documents(batch)
        seen.update((d.kind, d.object_id) for d in batch)
        count += len(batch)
        if progress is not None:
            progress(len(batch))
    if clear:
        stale = [
            pk
            for pk, kind, object_id in SearchDocument.objects.values_list("pk", "kind", "object_id")
            if (kind, object_id) not in seen
        ]
        SearchDocument.objects.filter(pk__in=stale).delete()
    return count


def _batches(items: Iterator[Document], size: int) -> Iterator[list[Document]]:
    while batch := list(islice(items, size)):
        yield batch


def log_query(text: str, hits: list[Hit], *, viewer: User | None, source: str) -> int:
    """Keep one search for the analytics; returns its id (clicks and outcomes refer to it)."""
    user = viewer if viewer is not None and viewer.is_authenticated else None
    row = SearchQuery.objects.create(
        at=clock.now(),
        text=text[:500],
        normalized=" ".join(fulltext.terms(text))[:500] or text.lower()[:500],
        source=source[:20],
        user=user,
        result_count=len(hits),
        results=[f"{h.kind}:{h.id}" for h in hits],
        top_score=hits[0].score if hits else None,
    )
    return row.pk


def record_click(query_id: int, kind: str, object_id: int, *, viewer: User | None) -> bool:
    """Note that a result of query ``query_id`` was opened; False for an unknown query or a
    result the query did not return (clicks cannot be forged into the report)."""
    query = _own_query(query_id, viewer)
    key = f"{kind}:{object_id}"
    if query is None or key not in query.results:
        return False
    SearchClick.objects.create(
        query=query,
        kind=kind,
        object_id=object_id,
        position=query.results.index(key) + 1,
        at=clock.now(),
    )
    return True


def record_outcome(query_id: int, outcome: str, *, viewer: User | None, ticket=None) -> bool:
    """What the customer did after the suggestions: ``deflected`` or ``ticket`` (with it)."""
    if outcome not in (SearchQuery.Outcome.DEFLECTED, SearchQuery.Outcome.TICKET):
        raise SearchError(f"unknown outcome {outcome!r}", "outcome")
    query = _own_query(query_id, viewer)
    if query is None:
        return False
    query.outcome = outcome
    query.ticket = ticket
    query.save(update_fields=["outcome", "ticket"])
    return True


def _own_query(query_id: int, viewer: User | None) -> SearchQuery | None:
    """A query the viewer ran (anonymous queries belong to anonymous viewers)."""
    query = SearchQuery.objects.filter(pk=query_id).first()
    if query is None:
        return None
    user_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    return query if query.user_id == user_id else None

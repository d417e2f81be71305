"""The seam to the search index: a published article is a Document, anything else is removed.

The search app never imports knowledge; knowledge hands it plain ``Document`` values. Calls
run inside the service's unit, so the index changes with the article or not at all.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from helpmesh.knowledge import markup
from helpmesh.knowledge.models import Article, Status
from helpmesh.search import services as search
from helpmesh.search.documents import Document

_local = threading.local()


def document_for(article: Article) -> Document:
    """What the index holds for a published ``article``."""
    return Document(
        kind="article",
        object_id=article.pk,
        title=article.title,
        body=markup.plain_text(article.body),
        url=article.path,
        audience=article.visibility,
        language=article.language,
    )


def sync(article: Article) -> None:
    """Bring the index in line with ``article``: indexed while published, absent otherwise.

    Inside ``batched()`` the change waits for the end of the block."""
    pending: set[int] | None = getattr(_local, "pending", None)
    if pending is not None:
        pending.add(article.pk)
    elif article.status == Status.PUBLISHED:
        search.index_document(document_for(article))
    else:
        search.remove_document("article", article.pk)


@contextmanager
def batched() -> Iterator[None]:
    """Index the articles changed inside the block once, together, when it ends: one embedding
    pass for a whole import instead of one per article. Nested blocks join the outer one."""
    if getattr(_local, "pending", None) is not None:
        yield
        return
    _local.pending = set()
    try:
        yield
        pending = _local.pending
    finally:
        _local.pending = None
    _flush(pending)


def _flush(ids: set[int]) -> None:
    # Read the rows again: what counts is their state now (a rolled-back one is simply gone).
    current = {a.pk: a for a in Article.objects.filter(pk__in=ids)}
    published = [a for a in current.values() if a.status == Status.PUBLISHED]
    if published:
        search.index_documents([document_for(a) for a in published])
    for pk in sorted(ids - {a.pk for a in published}):
        search.remove_document("article", pk)


def published_documents() -> Iterator[Document]:
    """Every published article as a Document, for a full reindex."""
    rows = Article.objects.filter(status=Status.PUBLISHED).order_by("pk")
    for article in rows.iterator(chunk_size=500):
        yield document_for(article)

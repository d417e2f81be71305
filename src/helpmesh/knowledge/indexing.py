"""The seam to the search index: a published article is a Document, anything else is removed.

The search app never imports knowledge; knowledge hands it plain ``Document`` values. Calls
run inside the service's unit, so the index changes with the article or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator

from helpmesh.knowledge import markup
from helpmesh.knowledge.models import Article, Status
from helpmesh.search import services as search
from helpmesh.search.deferred import Deferred
from helpmesh.search.documents import Document


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
    if _deferred.defer(article.pk):
        return
    if article.status == Status.PUBLISHED:
        search.index_document(document_for(article))
    else:
        search.remove_document("article", article.pk)


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


_deferred = Deferred(_flush)
# Index the objects changed inside the block once, together, when it ends.
batched = _deferred.batched

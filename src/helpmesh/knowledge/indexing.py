"""The seam to the search index: a published article is a Document, anything else is removed.

The search app never imports knowledge; knowledge hands it plain ``Document`` values. Calls
run inside the service's unit, so the index changes with the article or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator

from helpmesh.knowledge import markup
from helpmesh.knowledge.models import Article, Status
from helpmesh.search import services as search
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
    """Bring the index in line with ``article``: indexed while published, absent otherwise."""
    if article.status == Status.PUBLISHED:
        search.index_document(document_for(article))
    else:
        search.remove_document("article", article.pk)


def published_documents() -> Iterator[Document]:
    """Every published article as a Document, for a full reindex."""
    rows = Article.objects.filter(status=Status.PUBLISHED).order_by("pk")
    for article in rows.iterator(chunk_size=500):
        yield document_for(article)

"""The seam to the search index: a visible question topic is a Document, anything else is
removed. Listens to the forum's events, so the index changes inside the forum's transaction.

A topic's document holds the question, its accepted answer and its best replies; solved topics
carry a boost so they rank above open ones. A group category's topics carry the group's slug,
so search shows them to its members (and staff) only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from helpmesh.community import content, events
from helpmesh.community.models import Access, Post, Topic, TopicKind, TopicStatus, Visibility
from helpmesh.search import services as search
from helpmesh.search.deferred import Deferred
from helpmesh.search.documents import Audience, Document

KIND = "topic"
# ranking.fuse adds 0.05 x ln(boost): +0.10 for a solved topic, enough to lead near-ties
# with an open one, not enough to outrank a clearly better match.
SOLVED_BOOST = 8.0
TOP_REPLIES = 3
AUDIENCE: dict[str, str] = {Access.PUBLIC: Audience.PUBLIC, Access.CUSTOMERS: Audience.CUSTOMERS}


def indexable(topic: Topic) -> bool:
    """A visible question that is not a duplicate (its original is the one to find)."""
    return (
        topic.kind == TopicKind.QUESTION
        and topic.visibility == Visibility.VISIBLE
        and topic.status != TopicStatus.DUPLICATE
    )


def document_for(topic: Topic) -> Document:
    """What the index holds for ``topic``."""
    category = topic.category
    return Document(
        kind=KIND,
        object_id=topic.pk,
        title=topic.title,
        body=_body(topic),
        url=topic.path,
        # A group's category is for signed-in members; the group narrows it further.
        audience=AUDIENCE.get(category.access, Audience.CUSTOMERS),
        group=category.group.slug if category.access == Access.GROUP and category.group else "",
        boost=SOLVED_BOOST if topic.status == TopicStatus.SOLVED else 1.0,
    )


def _body(topic: Topic) -> str:
    visible = Post.objects.filter(topic=topic, visibility=Visibility.VISIBLE)
    question = visible.filter(is_question=True).first()
    parts = [question.body if question else ""]
    if topic.accepted_post_id:
        accepted = visible.filter(pk=topic.accepted_post_id).first()
        parts.append(accepted.body if accepted else "")
    others = visible.filter(is_question=False).exclude(pk=topic.accepted_post_id or 0)
    parts += [p.body for p in others.order_by("-score", "created_at")[:TOP_REPLIES]]
    return "\n\n".join(content.plain_text(p) for p in parts if p)


def sync(topic: Topic) -> None:
    """Bring the index in line with ``topic``: indexed while indexable, absent otherwise.

    Inside ``batched()`` the change waits for the end of the block."""
    if not _deferred.defer(topic.pk):
        _flush({topic.pk})


def _flush(ids: set[int]) -> None:
    # Read the rows again: what counts is their state now.
    rows = Topic.objects.filter(pk__in=ids).select_related("category__group")
    current = [t for t in rows if indexable(t)]
    if len(current) == 1:
        search.index_document(document_for(current[0]))
    elif current:
        search.index_documents([document_for(t) for t in current])
    for pk in sorted(ids - {t.pk for t in current}):
        search.remove_document(KIND, pk)


def topic_documents() -> Iterator[Document]:
    """Every indexable topic as a Document, for a full reindex."""
    rows = Topic.objects.filter(kind=TopicKind.QUESTION, visibility=Visibility.VISIBLE)
    rows = rows.exclude(status=TopicStatus.DUPLICATE).select_related("category__group")
    for topic in rows.order_by("pk").iterator(chunk_size=500):
        yield document_for(topic)


@events.on("post_published")
@events.on("post_removed")
@events.on("post_restored")
def _post_changed(post: Post, **_: Any) -> None:
    sync(post.topic)


@events.on("post_edited")
def _post_edited(post: Post, editor: Any) -> None:
    sync(post.topic)


@events.on("answer_accepted")
@events.on("answer_unaccepted")
def _answer_changed(topic: Topic, post: Post, by: Any) -> None:
    sync(topic)


@events.on("topic_closed")
def _topic_closed(topic: Topic, by: Any) -> None:
    sync(topic)


_deferred = Deferred(_flush)
# Index the objects changed inside the block once, together, when it ends.
batched = _deferred.batched

"""Community API: forum (topics, replies, votes, tags, watching), under /api/v1/community/.

Thin handlers over ``community.services``: reading is open (anonymous callers see public
categories), writing needs a signed-in caller (401 otherwise). A topic in a category the caller
may not read answers 404 exactly like a missing one. Refusals (``CommunityError``) become the
API's error shape with the status their code maps to (``community.errors.STATUS``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from helpmesh.accounts.models import User
from helpmesh.api import pagination
from helpmesh.api.access import ERRORS
from helpmesh.api.auth import AUTH, OPEN, viewer
from helpmesh.api.errors import ApiError
from helpmesh.api.params import IdFilter, Limit
from helpmesh.community import access, content, pages, services, similar
from helpmesh.community.errors import CommunityError
from helpmesh.community.models import Category, Post, Tag, Topic, TopicStatus

router = Router(tags=["community"])


class TopicIn(Schema):
    title: str = Field("", max_length=1000)
    body: str = ""
    category: str | int | None = None
    tags: list[str] = []
    kind: str | None = None


class TopicPatch(Schema):
    title: str | None = None
    body: str | None = None
    tags: list[str] | None = None
    reason: str = ""


class ReplyIn(Schema):
    body: str = ""


class PostPatch(Schema):
    body: str = ""
    reason: str = ""


class AcceptIn(Schema):
    reply_id: IdFilter


class VoteIn(Schema):
    value: int


class DuplicateIn(Schema):
    original_id: IdFilter


class TopicFilters(Schema):
    category: str | None = None
    tag: str | None = None
    status: str | None = None  # open, solved, closed, duplicate, or "unsolved" (open)
    q: str | None = Field(None, max_length=200)
    cursor: str | None = None
    limit: Limit = 50


def _user(request: HttpRequest) -> User:
    user = viewer(request)
    assert user is not None  # AUTH-only operations
    return user


def _topic(request: HttpRequest, topic_id: int) -> Topic:
    return access.topic_for(viewer(request), topic_id)


def _post(request: HttpRequest, post_id: int) -> Post:
    found = Post.objects.select_related("topic").filter(pk=post_id).first()
    user = viewer(request)
    if found is None or not access.visible_posts(user, found.topic).filter(pk=post_id).exists():
        raise CommunityError("no such post", "post", "not_found")
    access.topic_for(user, found.topic_id)
    return found


def _category(user: Any, value: str | int | None) -> Category | None:
    if value in (None, ""):
        return None
    rows = access.readable_categories(user)
    text = str(value)
    found = rows.filter(Q(slug=text) | Q(pk=int(text)) if text.isdigit() else Q(slug=text)).first()
    if found is None:
        raise CommunityError(f"no category {text!r}", "category")
    return found


def post_dict(post: Post, topic: Topic) -> dict[str, Any]:
    """One post as the API shows it."""
    return {
        "id": post.pk,
        "topic_id": post.topic_id,
        "author_id": post.author_id,
        "author_name": post.author.name if post.author else "",
        "body": post.body,
        "html": content.render(post.body),
        "is_question": post.is_question,
        "is_official": post.is_official,
        "is_accepted": post.pk == topic.accepted_post_id,
        "visibility": post.visibility,
        "score": post.score,
        "revision": post.revision,
        "created_at": post.created_at,
        "updated_at": post.updated_at,
    }


def topic_dict(topic: Topic, tags: list[str] | None = None) -> dict[str, Any]:
    """A topic's summary (a list row, or the head of the full topic)."""
    return {
        "id": topic.pk,
        "title": topic.title,
        "slug": topic.slug,
        "url": topic.path,
        "kind": topic.kind,
        "status": topic.status,
        "visibility": topic.visibility,
        "category": topic.category.slug,
        "tags": tags if tags is not None else [t.name for t in topic.tags.all()],
        "author_id": topic.author_id,
        "accepted_reply_id": topic.accepted_post_id,
        "duplicate_of": topic.duplicate_of_id,
        "reply_count": topic.reply_count,
        "score": topic.score,
        "view_count": topic.view_count,
        "created_at": topic.created_at,
        "last_activity_at": topic.last_activity_at,
        "first_answer_at": topic.first_answer_at,
        "solved_at": topic.solved_at,
    }


def full_topic(topic: Topic, user: Any) -> dict[str, Any]:
    """A topic with its question and the replies the caller may see (oldest first)."""
    posts = list(
        access.visible_posts(user, topic).select_related("author").order_by("created_at", "id")
    )
    question = next((p for p in posts if p.is_question), None)
    answer = topic_dict(topic)
    answer["question"] = post_dict(question, topic) if question else None
    answer["replies"] = [post_dict(p, topic) for p in posts if not p.is_question]
    return answer


@router.post("/topics", response={201: dict, **ERRORS}, auth=AUTH)
def create_topic(request: HttpRequest, data: TopicIn) -> Any:
    """Ask a question (without ``category``: the default public Q&A category)."""
    user = _user(request)
    topic = services.ask(
        user,
        title=data.title,
        body=data.body,
        category=_category(user, data.category),
        tags=data.tags,
        kind=data.kind,
        ip=request.META.get("REMOTE_ADDR"),
    )
    return Status(201, full_topic(topic, user))


@router.get("/topics", response={200: dict, **ERRORS}, auth=OPEN)
def list_topics(request: HttpRequest, filters: Query[TopicFilters]) -> Any:
    """Topics the caller may read, most recently active first, a page at a time."""
    user = viewer(request)
    rows = access.visible_topics(user).select_related("category").prefetch_related("tags")
    if filters.category:
        rows = rows.filter(category=_category(user, filters.category))
    if filters.tag:
        rows = rows.filter(tags__name=content.tag_name(filters.tag))
    if filters.status:
        status = TopicStatus.OPEN if filters.status == "unsolved" else filters.status
        if status not in TopicStatus.values:
            raise ApiError(400, "invalid", "status is open, solved, closed or duplicate", "status")
        rows = rows.filter(status=status)
    if filters.q:
        words = filters.q.split()[:8]
        for word in words:
            rows = rows.filter(Q(title__icontains=word) | Q(posts__body__icontains=word))
        rows = rows.distinct()
    rows = rows.annotate(updated_at=F("last_activity_at"))  # the cursor's ordering column
    items, next_cursor = pagination.page(rows, filters.cursor, filters.limit)
    return {"items": [topic_dict(t) for t in items], "next_cursor": next_cursor}


@router.get("/topics/{int:topic_id}", response={200: dict, **ERRORS}, auth=OPEN)
def get_topic(request: HttpRequest, topic_id: int) -> Any:
    """One topic with its replies and ``accepted_reply_id``."""
    return full_topic(_topic(request, topic_id), viewer(request))


@router.patch("/topics/{int:topic_id}", response={200: dict, **ERRORS}, auth=AUTH)
def edit_topic(request: HttpRequest, topic_id: int, data: TopicPatch) -> Any:
    """Edit the question's title and/or body (a new revision), or its tags."""
    user, topic = _user(request), _topic(request, topic_id)
    question = topic.posts.get(is_question=True)
    if data.title is not None or data.body is not None:
        body = data.body if data.body is not None else question.body
        services.edit_post(question, user, body=body, title=data.title, reason=data.reason)
    if data.tags is not None:
        services.set_tags(topic, data.tags, by=user)
    topic.refresh_from_db()
    return full_topic(topic, user)


@router.post("/topics/{int:topic_id}/replies", response={201: dict, **ERRORS}, auth=AUTH)
def create_reply(request: HttpRequest, topic_id: int, data: ReplyIn) -> Any:
    """Answer a topic."""
    user, topic = _user(request), _topic(request, topic_id)
    post = services.reply(topic, user, data.body, ip=request.META.get("REMOTE_ADDR"))
    return Status(201, post_dict(post, topic))


@router.post("/topics/{int:topic_id}/accept", response={200: dict, **ERRORS}, auth=AUTH)
def accept_reply(request: HttpRequest, topic_id: int, data: AcceptIn) -> Any:
    """Mark a reply as the accepted answer (the asker, staff or trusted members)."""
    user, topic = _user(request), _topic(request, topic_id)
    if not services.may_accept(user, topic):
        raise CommunityError("only the asker or staff accept an answer", "topic", "forbidden")
    post = Post.objects.filter(pk=data.reply_id, topic=topic).first()
    if post is None:
        raise CommunityError("no such reply on this topic", "reply_id", "not_found")
    return full_topic(services.accept(topic, post, user), user)


@router.delete("/topics/{int:topic_id}/accept", response={200: dict, **ERRORS}, auth=AUTH)
def unaccept_reply(request: HttpRequest, topic_id: int) -> Any:
    """Take the accepted mark off."""
    user, topic = _user(request), _topic(request, topic_id)
    return full_topic(services.unaccept(topic, user), user)


@router.post("/topics/{int:topic_id}/close-duplicate", response={200: dict, **ERRORS}, auth=AUTH)
def close_duplicate(request: HttpRequest, topic_id: int, data: DuplicateIn) -> Any:
    """Close a topic as a duplicate of ``original_id``."""
    user, topic = _user(request), _topic(request, topic_id)
    try:
        original = access.topic_for(user, data.original_id)
    except CommunityError:
        raise CommunityError("no such topic", "original_id", "not_found") from None
    return topic_dict(services.close_as_duplicate(topic, original, user))


@router.post("/topics/{int:topic_id}/watch", response={200: dict, **ERRORS}, auth=AUTH)
def watch_topic(request: HttpRequest, topic_id: int) -> Any:
    """Hear of new replies to a topic."""
    services.watch(_user(request), topic=_topic(request, topic_id))
    return {"watching": True}


@router.delete("/topics/{int:topic_id}/watch", response={200: dict, **ERRORS}, auth=AUTH)
def unwatch_topic(request: HttpRequest, topic_id: int) -> Any:
    """Stop hearing of a topic."""
    services.unwatch(_user(request), topic=_topic(request, topic_id))
    return {"watching": False}


@router.post("/categories/{slug}/watch", response={200: dict, **ERRORS}, auth=AUTH)
def watch_category(request: HttpRequest, slug: str) -> Any:
    """Hear of every new post in a category."""
    user = _user(request)
    found = _category(user, slug)
    services.watch(user, category=found)
    return {"watching": True}


@router.delete("/categories/{slug}/watch", response={200: dict, **ERRORS}, auth=AUTH)
def unwatch_category(request: HttpRequest, slug: str) -> Any:
    user = _user(request)
    services.unwatch(user, category=_category(user, slug))
    return {"watching": False}


@router.post("/tags/{name}/watch", response={200: dict, **ERRORS}, auth=AUTH)
def watch_tag(request: HttpRequest, name: str) -> Any:
    """Hear of new posts on topics carrying a tag."""
    found = Tag.objects.filter(name=content.tag_name(name)).first()
    if found is None:
        raise CommunityError("no such tag", "tag", "not_found")
    services.watch(_user(request), tag=found)
    return {"watching": True}


@router.delete("/tags/{name}/watch", response={200: dict, **ERRORS}, auth=AUTH)
def unwatch_tag(request: HttpRequest, name: str) -> Any:
    found = Tag.objects.filter(name=content.tag_name(name)).first()
    if found is not None:
        services.unwatch(_user(request), tag=found)
    return {"watching": False}


@router.patch("/posts/{int:post_id}", response={200: dict, **ERRORS}, auth=AUTH)
def edit_reply(request: HttpRequest, post_id: int, data: PostPatch) -> Any:
    """Edit a post's body (a new revision)."""
    user, post = _user(request), _post(request, post_id)
    services.edit_post(post, user, body=data.body, reason=data.reason)
    return post_dict(post, post.topic)


@router.post("/posts/{int:post_id}/vote", response={200: dict, **ERRORS}, auth=AUTH)
def vote(request: HttpRequest, post_id: int, data: VoteIn) -> Any:
    """Vote a post up (1) or down (-1)."""
    user, post = _user(request), _post(request, post_id)
    ip = request.META.get("REMOTE_ADDR")
    services.vote(post, user, data.value, ip=ip, device=pages.device(request))
    post.refresh_from_db()
    return {"post_id": post.pk, "score": post.score, "my_vote": data.value}


@router.delete("/posts/{int:post_id}/vote", response={200: dict, **ERRORS}, auth=AUTH)
def withdraw_vote(request: HttpRequest, post_id: int) -> Any:
    """Take back one's vote."""
    user, post = _user(request), _post(request, post_id)
    services.withdraw_vote(post, user)
    post.refresh_from_db()
    return {"post_id": post.pk, "score": post.score, "my_vote": 0}


@router.get("/posts/{int:post_id}/revisions", response={200: list[dict], **ERRORS}, auth=OPEN)
def revisions(request: HttpRequest, post_id: int) -> Any:
    """A post's revisions, oldest first, each with its diff from the one before."""
    post = _post(request, post_id)
    rows = list(post.revisions.order_by("number"))
    return [
        {
            "number": r.number,
            "title": r.title,
            "body": r.body,
            "editor_id": r.editor_id,
            "reason": r.reason,
            "created_at": r.created_at,
            "diff": services.revision_diff(post, r.number) if r.number > 1 else "",
        }
        for r in rows
    ]


@router.get("/categories", response={200: list[dict], **ERRORS}, auth=OPEN)
def categories(request: HttpRequest) -> Any:
    """The categories the caller may read."""
    return [
        {
            "id": c.pk,
            "name": c.name,
            "slug": c.slug,
            "description": c.description,
            "access": c.access,
            "default_kind": c.default_kind,
            "is_default": c.is_default,
        }
        for c in access.readable_categories(viewer(request))
    ]


@router.get("/similar", response={200: list[dict], **ERRORS}, auth=OPEN)
def similar_questions(request: HttpRequest, q: str = "", body: str = "") -> Any:
    """Topics and articles like a draft question (``q``: its title so far)."""
    found = similar.suggestions(q[:500], body[:2000], viewer=viewer(request))
    return [
        {
            "kind": s.kind,
            "id": s.id,
            "title": s.title,
            "url": s.url,
            "snippet": s.snippet,
            "solved": s.solved,
        }
        for s in found
    ]

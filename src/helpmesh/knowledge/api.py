"""The knowledge API (mounted under /api/v1/): thin handlers over ``knowledge.services``.

Reading is open to everyone, signed in or not, within what they may see (``visibility``);
writing is for agents and admins. ``category`` names a category by slug or name; an unknown one
is a 400 naming ``category`` (categories are created on purpose, never by a typo).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from helpmesh.accounts.models import User
from helpmesh.api.access import ERRORS
from helpmesh.api.auth import AUTH
from helpmesh.api.errors import ApiError, not_found
from helpmesh.conversations.errors import TicketError
from helpmesh.conversations.permissions import visible_tickets
from helpmesh.core import audit
from helpmesh.knowledge import markup, services
from helpmesh.knowledge.errors import KnowledgeError
from helpmesh.knowledge.models import (
    Article,
    ArticleAttachment,
    ArticleVersion,
    Category,
    Section,
)
from helpmesh.knowledge.services import UNSET, Placement
from helpmesh.knowledge.visibility import can_edit, visible_articles
from helpmesh.web.uploads import read_upload

router = Router(tags=["knowledge"])


def _anonymous(request: HttpRequest) -> bool:
    # Readers need no account; a request that sends a token must send a valid one (401).
    return "HTTP_AUTHORIZATION" not in request.META


OPEN = [*AUTH, _anonymous]


class ArticleIn(Schema):
    title: str = ""
    body: str = ""
    visibility: str = "public"
    status: str = "draft"
    category: str | None = None
    section: str | None = None
    language: str = "en"
    slug: str = ""


class ArticlePatch(Schema):
    title: str | None = None
    body: str | None = None
    visibility: str | None = None
    status: str | None = None
    category: str | None = None
    section: str | None = None
    language: str | None = None
    slug: str | None = None
    related: list[int] | None = None


class ArticleOut(Schema):
    id: int
    slug: str
    url: str
    title: str
    body: str
    html: str
    status: str
    visibility: str
    language: str
    category: str | None
    section: str | None
    translation_of: int | None
    author_id: int | None
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    version: int
    view_count: int
    helpful_yes: int
    helpful_no: int


class ArticleFilters(Schema):
    q: str | None = None
    status: str | None = None
    category: str | None = None
    language: str | None = None
    offset: int = Field(0, ge=0)
    limit: int = Field(50, ge=1, le=200)


class VersionOut(Schema):
    number: int
    title: str
    body: str
    author_id: int | None
    created_at: datetime


class DiffOut(Schema):
    from_version: int
    to_version: int
    diff: str


class FeedbackIn(Schema):
    helpful: bool
    comment: str = Field("", max_length=4000)


class FeedbackOut(Schema):
    helpful_yes: int
    helpful_no: int


class CategoryIn(Schema):
    name: str = ""
    slug: str = ""
    description: str = ""
    position: int = 0


class CategoryOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    position: int
    sections: list[str]


class FromTicketIn(Schema):
    ticket_id: int


@contextmanager
def _refusals() -> Iterator[None]:
    """A service's refusal as the API's error shape."""
    try:
        yield
    except KnowledgeError as exc:
        status = 403 if exc.code == "forbidden" else 409 if exc.code == "duplicate" else 400
        raise ApiError(status, exc.code, exc.message, exc.field) from None


def _editor(request: HttpRequest) -> User:
    user = getattr(request, "user", None)
    if not can_edit(user):
        raise ApiError(403, "forbidden", "only agents and admins edit the knowledge base")
    assert isinstance(user, User)
    return user


def _article(request: HttpRequest, article_id: int) -> Article:
    rows = visible_articles(getattr(request, "user", None)).select_related("category", "section")
    article = rows.filter(pk=article_id).first()
    if article is None:
        raise not_found("article")  # a hidden article answers exactly like a missing one
    return article


def _placement(category: str | None, section: str | None) -> Placement:
    found = services.find_category(category) if category else None
    if category and found is None:
        raise ApiError(400, "invalid", f"no category {category!r}", "category")
    if not section:
        return Placement(found)
    rows = Section.objects.select_related("category").filter(
        Q(slug__iexact=section) | Q(name__iexact=section)
    )
    match = rows.filter(category=found).first() if found else rows.first()
    if match is None:
        raise ApiError(400, "invalid", f"no section {section!r}", "section")
    return Placement(found, match)


def _dict(article: Article) -> dict[str, Any]:
    return {
        "id": article.pk,
        "slug": article.slug,
        "url": article.path,
        "title": article.title,
        "body": article.body,
        "html": markup.render(article.body),
        "status": article.status,
        "visibility": article.visibility,
        "language": article.language,
        "category": article.category.slug if article.category else None,
        "section": article.section.slug if article.section else None,
        "translation_of": article.translation_of_id,
        "author_id": article.author_id,
        "created_at": article.created_at,
        "updated_at": article.updated_at,
        "published_at": article.published_at,
        "version": article.version,
        "view_count": article.view_count,
        "helpful_yes": article.helpful_yes,
        "helpful_no": article.helpful_no,
    }


@router.get("/kb/articles", response={200: list[ArticleOut], **ERRORS}, auth=OPEN)
def list_articles(request: HttpRequest, filters: Query[ArticleFilters]) -> Any:
    rows = visible_articles(getattr(request, "user", None)).select_related("category", "section")
    if filters.q:
        rows = rows.filter(Q(title__icontains=filters.q) | Q(body__icontains=filters.q))
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.category:
        rows = rows.filter(Q(category__slug=filters.category) | Q(category__name=filters.category))
    if filters.language:
        rows = rows.filter(language=filters.language)
    rows = rows.order_by("-updated_at", "-pk")[filters.offset : filters.offset + filters.limit]
    return [_dict(a) for a in rows]


@router.post("/kb/articles", response={201: ArticleOut, **ERRORS})
def create_article(request: HttpRequest, payload: ArticleIn) -> Any:
    editor = _editor(request)
    with _refusals():
        article = services.create_article(
            title=payload.title,
            body=payload.body,
            author=editor,
            visibility=payload.visibility,
            status=payload.status,
            placement=_placement(payload.category, payload.section),
            language=payload.language,
            slug=payload.slug,
        )
    return Status(201, _dict(_article(request, article.pk)))


@router.get("/kb/articles/{int:article_id}", response={200: ArticleOut, **ERRORS}, auth=OPEN)
def get_article(request: HttpRequest, article_id: int) -> Any:
    return _dict(_article(request, article_id))


@router.patch("/kb/articles/{int:article_id}", response={200: ArticleOut, **ERRORS})
def update_article(request: HttpRequest, article_id: int, payload: ArticlePatch) -> Any:
    editor = _editor(request)
    article = _article(request, article_id)
    sent = payload.model_fields_set
    fields = ("title", "body", "visibility", "language", "slug")
    edits = {
        k: getattr(payload, k) for k in fields if k in sent and getattr(payload, k) is not None
    }
    if "title" in sent and payload.title is None:
        raise ApiError(400, "invalid", "title must not be empty", "title")
    placement = UNSET
    if sent & {"category", "section"}:
        category = payload.category if "category" in sent else _slug(article.category)
        placement = _placement(category, payload.section if "section" in sent else None)
    with audit.unit(), _refusals():  # one change: all of it or none of it
        services.update_article(article, actor=editor, placement=placement, **edits)
        if payload.status is not None:
            services.set_status(article, payload.status, actor=editor)
        if payload.related is not None:
            related = list(Article.objects.filter(pk__in=payload.related))
            services.set_related(article, related, actor=editor)
    return _dict(_article(request, article.pk))


def _slug(category: Category | None) -> str | None:
    return category.slug if category else None


@router.get("/kb/articles/{int:article_id}/versions", response={200: list[VersionOut], **ERRORS})
def list_versions(request: HttpRequest, article_id: int) -> Any:
    _editor(request)
    return list(_article(request, article_id).versions.order_by("number"))


@router.get("/kb/articles/{int:article_id}/diff", response={200: DiffOut, **ERRORS})
def diff_versions(request: HttpRequest, article_id: int, a: int, b: int) -> Any:
    """The unified diff from version ``a`` to version ``b``."""
    _editor(request)
    versions = {v.number: v for v in ArticleVersion.objects.filter(article_id=article_id)}
    _article(request, article_id)
    for name, number in (("a", a), ("b", b)):
        if number not in versions:
            raise ApiError(404, "not_found", f"no version {number}", name)
    return {"from_version": a, "to_version": b, "diff": services.diff(versions[a], versions[b])}


@router.post(
    "/kb/articles/{int:article_id}/feedback", response={201: FeedbackOut, **ERRORS}, auth=OPEN
)
def add_feedback(request: HttpRequest, article_id: int, payload: FeedbackIn) -> Any:
    article = _article(request, article_id)
    services.record_feedback(
        article, helpful=payload.helpful, comment=payload.comment, user=request.user
    )
    article.refresh_from_db(fields=["helpful_yes", "helpful_no"])
    return Status(201, {"helpful_yes": article.helpful_yes, "helpful_no": article.helpful_no})


@router.post("/kb/articles/from-ticket", response={201: ArticleOut, **ERRORS})
def draft_from_ticket(request: HttpRequest, payload: FromTicketIn) -> Any:
    """A draft article from a solved ticket the agent can see, personal data removed."""
    editor = _editor(request)
    ticket = visible_tickets(editor).filter(pk=payload.ticket_id).first()
    if ticket is None:
        raise not_found()
    with _refusals():
        article = services.draft_from_ticket(ticket, editor)
    return Status(201, _dict(_article(request, article.pk)))


@router.get("/kb/categories", response={200: list[CategoryOut], **ERRORS}, auth=OPEN)
def list_categories(request: HttpRequest) -> Any:
    rows = Category.objects.prefetch_related("sections")
    return [_category(c) for c in rows]


@router.post("/kb/categories", response={201: CategoryOut, **ERRORS})
def create_category(request: HttpRequest, payload: CategoryIn) -> Any:
    editor = _editor(request)
    with _refusals():
        category = services.create_category(
            payload.name,
            slug=payload.slug,
            description=payload.description,
            position=payload.position,
            actor=editor,
        )
    return Status(201, _category(category))


def _category(category: Category) -> dict[str, Any]:
    return {
        "id": category.pk,
        "name": category.name,
        "slug": category.slug,
        "description": category.description,
        "position": category.position,
        "sections": [s.slug for s in category.sections.all()],
    }


class FileOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    url: str
    created_at: datetime


def _file_dict(row: ArticleAttachment) -> dict[str, Any]:
    return {
        "id": row.pk,
        "filename": row.filename,
        "content_type": row.content_type,
        "size": row.size,
        "url": f"/help/articles/{row.article_id}/files/{row.pk}/",
        "created_at": row.created_at,
    }


@router.get(
    "/kb/articles/{int:article_id}/files", response={200: list[FileOut], **ERRORS}, auth=OPEN
)
def list_files(request: HttpRequest, article_id: int) -> Any:
    """An article's files (images, PDFs); embed one in Markdown by its ``url``."""
    return [_file_dict(row) for row in _article(request, article_id).attachments.order_by("pk")]


@router.post("/kb/articles/{int:article_id}/files", response={201: FileOut, **ERRORS})
def upload_file(request: HttpRequest, article_id: int, file: File[UploadedFile]) -> Any:
    """Attach a file to an article (multipart field ``file``; agents and admins), within the
    same size limit as ticket attachments (413-free: a too large file is a 400 naming ``file``)."""
    editor = _editor(request)
    article = _article(request, article_id)
    with _refusals():
        try:
            upload = read_upload(file)
        except TicketError as exc:
            raise KnowledgeError(exc.message, "file", "too_large") from exc
        row = services.add_attachment(article, upload, actor=editor)
    return Status(201, _file_dict(row))

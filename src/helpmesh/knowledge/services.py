"""Every change to the knowledge base: the only writer of knowledge's models.

Each function runs in one audit unit, records what changed and keeps the search index in step
(``indexing.sync``): a published article is indexed, any other state is removed from the index.
"""

from __future__ import annotations

import difflib
import mimetypes
import re
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db.models import F, Q
from django.utils.text import slugify

from helpmesh.accounts.models import User
from helpmesh.conversations.attachments import NewAttachment, check_sizes, safe_filename
from helpmesh.conversations.errors import TicketError
from helpmesh.conversations.models import Status as TicketStatus
from helpmesh.conversations.models import Ticket
from helpmesh.core import audit, clock
from helpmesh.knowledge import indexing
from helpmesh.knowledge.errors import KnowledgeError, required
from helpmesh.knowledge.models import (
    Article,
    ArticleAttachment,
    ArticleFeedback,
    ArticleVersion,
    Category,
    Section,
    Status,
    Visibility,
)
from helpmesh.knowledge.redact import redact
from helpmesh.knowledge.taxonomy import (  # noqa: F401 - part of this module's interface
    create_category,
    create_section,
    delete_category,
    delete_section,
    find_category,
    update_category,
    update_section,
)
from helpmesh.knowledge.visibility import can_edit

LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")
TITLE_MAX = 250
UNSET: Any = object()  # "leave as it is", distinct from None ("clear it")


# -- articles ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """Where an article sits: a category and optionally one of its sections."""

    category: Category | None = None
    section: Section | None = None

    def checked(self) -> Placement:
        if self.section is None:
            return self
        if self.category is None:
            return Placement(self.section.category, self.section)
        if self.section.category_id != self.category.pk:
            raise KnowledgeError("the section belongs to another category", "section")
        return self


def create_article(
    *,
    title: str,
    body: str = "",
    author: User | None,
    visibility: str = Visibility.PUBLIC,
    status: str = Status.DRAFT,
    placement: Placement | None = None,
    language: str = "en",
    slug: str = "",
    translation_of: Article | None = None,
) -> Article:
    """Create an article (version 1); ``status`` may go straight to review or publication."""
    _check_author(author)
    title = _title(title)
    _choice(visibility, Visibility, "visibility")
    _choice(status, Status, "status")
    placement = (placement or Placement()).checked()
    now = clock.now()
    with audit.unit():
        article = Article.objects.create(
            title=title,
            slug=_unique_slug(slug or title),
            body=body,
            category=placement.category,
            section=placement.section,
            visibility=visibility,
            language=_language(language),
            translation_of=translation_of,
            author=author,
            created_at=now,
            updated_at=now,
        )
        _new_version(article, author)
        audit.record(
            "kb.article.created",
            "article",
            article.pk,
            actor=author,
            data={"title": title, "slug": article.slug},
        )
        set_status(article, status, actor=author)
    return article


def update_article(
    article: Article,
    *,
    actor: User | None,
    title: str = UNSET,
    body: str = UNSET,
    visibility: str = UNSET,
    placement: Placement = UNSET,
    language: str = UNSET,
    slug: str = UNSET,
) -> Article:
    """Edit an article; a changed title or body saves a new version. Unchanged values are
    ignored, so saving the same text twice makes no version and no event."""
    _check_author(actor)
    changes: dict[str, Any] = {}
    if title is not UNSET and _title(title) != article.title:
        changes["title"] = _title(title)
    if body is not UNSET and body != article.body:
        changes["body"] = body
    if visibility is not UNSET and visibility != article.visibility:
        changes["visibility"] = _choice(visibility, Visibility, "visibility")
    if language is not UNSET and language != article.language:
        changes["language"] = _language(language)
    if slug is not UNSET and slugify(slug) != article.slug:
        changes["slug"] = _unique_slug(slug, exclude=article.pk)
    if placement is not UNSET:
        place = placement.checked()
        if (place.category, place.section) != (article.category, article.section):
            changes["category"], changes["section"] = place.category, place.section
    if not changes:
        return article
    with audit.unit():
        for key, value in changes.items():
            setattr(article, key, value)
        article.updated_at = clock.now()
        if "title" in changes or "body" in changes:
            _new_version(article, actor)
        article.save()
        audit.record(
            "kb.article.updated",
            "article",
            article.pk,
            actor=actor,
            data={"changed": sorted(changes), "version": article.version},
        )
        indexing.sync(article)
    return article


def set_status(article: Article, status: str, *, actor: User | None) -> Article:
    """Move ``article`` to ``status`` through the matching verb below."""
    verbs = {
        Status.DRAFT: return_to_draft,
        Status.IN_REVIEW: submit_for_review,
        Status.PUBLISHED: publish,
        Status.ARCHIVED: archive,
    }
    return verbs[Status(_choice(status, Status, "status"))](article, actor=actor)


def submit_for_review(article: Article, *, actor: User | None) -> Article:
    """Ask for a review; a published article leaves the help center until it is published."""
    return _move(article, Status.IN_REVIEW, actor)


def publish(article: Article, *, actor: User | None) -> Article:
    """Publish: readers of its visibility find it in the help center and in search."""
    return _move(article, Status.PUBLISHED, actor)


def archive(article: Article, *, actor: User | None) -> Article:
    """Retire an article: it stays for staff (with its history) but readers no longer see it."""
    return _move(article, Status.ARCHIVED, actor)


def return_to_draft(article: Article, *, actor: User | None) -> Article:
    """Take an article back to draft (unpublishing it if it was published)."""
    return _move(article, Status.DRAFT, actor)


def _move(article: Article, status: Status, actor: User | None) -> Article:
    _check_author(actor)
    if article.status == status:
        with audit.unit():
            indexing.sync(article)  # cheap and keeps a drifted index honest
        return article
    previous = article.status
    with audit.unit():
        article.status = status
        article.updated_at = clock.now()
        if status == Status.PUBLISHED:
            article.published_at = article.updated_at
        article.save(update_fields=["status", "updated_at", "published_at"])
        audit.record(
            f"kb.article.{status.value}",
            "article",
            article.pk,
            actor=actor,
            data={"from": previous, "to": status.value},
        )
        indexing.sync(article)
    return article


def record_view(article: Article) -> None:
    """Count one reading. Not an audit event: reading changes no state anyone reviews."""
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)


def record_feedback(
    article: Article, *, helpful: bool, comment: str = "", user: Any = None
) -> ArticleFeedback:
    """Store a "was this helpful?" answer and count it on the article."""
    counter = "helpful_yes" if helpful else "helpful_no"
    signed_in = user if isinstance(user, User) else None
    with audit.unit():
        feedback = ArticleFeedback.objects.create(
            article=article,
            helpful=helpful,
            comment=comment.strip()[:4000],
            user=signed_in,
            created_at=clock.now(),
        )
        Article.objects.filter(pk=article.pk).update(**{counter: F(counter) + 1})
        audit.record(
            "kb.article.feedback",
            "article",
            article.pk,
            actor=signed_in,
            data={"helpful": helpful, "commented": bool(feedback.comment)},
        )
    return feedback


def add_translation(
    original: Article,
    *,
    title: str,
    body: str,
    language: str,
    author: User | None,
    slug: str = "",
    status: str = Status.DRAFT,
) -> Article:
    """A translation of ``original`` (linked to the original, never to another translation),
    in the same place and with the same visibility; one per language."""
    root = original.translation_of or original
    language = _language(language)
    family = Article.objects.filter(Q(pk=root.pk) | Q(translation_of=root))
    if family.filter(language=language).exists():
        raise KnowledgeError(f"there is already a {language} version", "language", "duplicate")
    return create_article(
        title=title,
        body=body,
        author=author,
        visibility=root.visibility,
        status=status,
        placement=Placement(root.category, root.section),
        language=language,
        slug=slug or f"{root.slug}-{language}",
        translation_of=root,
    )


def translations_of(article: Article) -> list[Article]:
    """The other language versions of ``article`` (the original included), by language."""
    root_id = article.translation_of_id or article.pk
    rows = Article.objects.filter(Q(pk=root_id) | Q(translation_of_id=root_id))
    return list(rows.exclude(pk=article.pk).order_by("language"))


def set_related(article: Article, related: list[Article], *, actor: User | None) -> None:
    """Replace the articles shown as "related" (the link goes both ways)."""
    _check_author(actor)
    others = [a for a in related if a.pk != article.pk]
    with audit.unit():
        article.related.set(others)
        audit.record(
            "kb.article.related",
            "article",
            article.pk,
            actor=actor,
            data={"related": [a.pk for a in others]},
        )


def add_attachment(
    article: Article, upload: NewAttachment, *, actor: User | None
) -> ArticleAttachment:
    """Store a file with an article, through the same storage and limits as ticket files."""
    _check_author(actor)
    try:
        check_sizes([upload])
    except TicketError as exc:
        raise KnowledgeError(exc.message, "file", "too_large") from exc
    name = safe_filename(upload.filename)
    kind = upload.content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    with audit.unit():
        row = ArticleAttachment(
            article=article,
            filename=name,
            content_type=kind,
            size=len(upload.content),
            created_at=clock.now(),
        )
        row.file.save(name, ContentFile(upload.content), save=False)
        row.save()
        audit.record(
            "kb.article.attachment",
            "article",
            article.pk,
            actor=actor,
            data={"filename": name, "size": row.size},
        )
    return row


def diff(a: ArticleVersion, b: ArticleVersion) -> str:
    """A unified diff from version ``a`` to version ``b`` (title line first, then the body)."""
    before = [f"# {a.title}", "", *a.body.splitlines()]
    after = [f"# {b.title}", "", *b.body.splitlines()]
    lines = difflib.unified_diff(
        before, after, fromfile=f"v{a.number}", tofile=f"v{b.number}", lineterm=""
    )
    return "\n".join(lines)


def draft_from_ticket(ticket: Ticket, agent: User) -> Article:
    """A draft article from a solved ticket: the subject as title, the customer's question and
    the agents' public replies as the body, with addresses, phone numbers and the requester's
    name replaced. Staff review the draft before anyone else can read it."""
    if ticket.status not in (TicketStatus.SOLVED, TicketStatus.CLOSED):
        raise KnowledgeError("only a solved ticket can become an article", "ticket", "not_solved")
    public = list(ticket.messages.filter(internal=False).select_related("author_customer"))
    question = next((m for m in public if m.from_customer), None)
    replies = [m for m in public if not m.from_customer and m.author_user_id]
    if question is None or not replies:
        raise KnowledgeError("the ticket needs a question and a public reply", "ticket", "empty")
    names = _names(ticket)
    body = "\n\n".join(
        ["## Question", redact(question.body_text.strip(), names), "## Answer"]
        + [redact(m.body_text.strip(), names) for m in replies]
    )
    with audit.unit():
        article = create_article(title=redact(ticket.subject, names), body=body, author=agent)
        audit.record(
            "kb.article.drafted_from_ticket",
            "article",
            article.pk,
            actor=agent,
            data={"ticket": ticket.pk},
        )
    return article


# -- helpers ----------------------------------------------------------------------------------


def _names(ticket: Ticket) -> list[str]:
    requester = ticket.requester
    full = (getattr(requester, "name", "") or "").strip()
    return [full, *full.split()] if full else []


def _new_version(article: Article, author: User | None) -> None:
    latest = article.versions.order_by("-number").values_list("number", flat=True).first()
    article.version = (latest or 0) + 1
    ArticleVersion.objects.create(
        article=article,
        number=article.version,
        title=article.title,
        body=article.body,
        author=author,
        created_at=article.updated_at,
    )


def _unique_slug(text: str, exclude: int | None = None) -> str:
    base = slugify(text)[:200] or "article"
    rows = Article.objects.filter(slug__startswith=base)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    taken = set(rows.values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_author(user: Any) -> None:
    # None is the system (imports, the demo); a person must be an agent or an admin.
    if user is not None and not can_edit(user):
        raise KnowledgeError("only agents and admins edit the knowledge base", "", "forbidden")


def _title(title: str) -> str:
    title = required(title, "title")
    if len(title) > TITLE_MAX:
        raise KnowledgeError(f"a title has at most {TITLE_MAX} characters", "title")
    return title


def _choice(value: str, choices: Any, field: str) -> str:
    if value not in choices.values:
        raise KnowledgeError(f"{field} must be one of {', '.join(choices.values)}", field)
    return value


def _language(code: str) -> str:
    code = (code or "").strip()
    if not LANGUAGE.match(code):
        raise KnowledgeError("language must be an ISO code such as en or pt-BR", "language")
    return code

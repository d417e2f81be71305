"""The help center under /help/: categories, sections, articles, feedback and search.

Open to everyone. What a reader sees comes from ``visibility.visible_articles`` (a query), so a
hidden article is a 404 exactly like a missing one. Every form is a plain GET or POST; htmx only
adds search suggestions as you type.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from helpmesh.accounts.models import User
from helpmesh.knowledge import markup, services
from helpmesh.knowledge.models import Article, Category, Section, Status
from helpmesh.knowledge.visibility import can_edit, is_staff, visible_articles
from helpmesh.search import engine
from helpmesh.search import services as search_services

POPULAR = 6
SUGGESTIONS = 5


def _viewer(request: HttpRequest) -> User | None:
    user = getattr(request, "user", None)
    return user if isinstance(user, User) and user.is_authenticated else None


def _articles(request: HttpRequest) -> QuerySet[Article]:
    return visible_articles(_viewer(request))


def _listed(request: HttpRequest) -> QuerySet[Article]:
    # Lists show what readers can read; staff also see drafts (badged) but not the archive.
    return _articles(request).exclude(status=Status.ARCHIVED)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Categories with how many articles each holds, and the most read articles."""
    listed = _listed(request)
    counts = dict(
        listed.filter(category__isnull=False)
        .values_list("category")
        .annotate(n=Count("pk"))
        .values_list("category", "n")
    )
    categories = [c for c in Category.objects.all() if counts.get(c.pk)]
    for category in categories:
        category.article_count = counts[category.pk]  # type: ignore[attr-defined]
    popular = listed.order_by("-view_count", "title")[:POPULAR]
    context = {"categories": categories, "popular": list(popular)}
    return render(request, "knowledge/home.html", context)


@require_GET
def category(request: HttpRequest, slug: str) -> HttpResponse:
    """One category: its sections with their articles, then articles in no section."""
    found = get_object_or_404(Category, slug=slug)
    rows = list(_listed(request).filter(category=found).order_by("title"))
    sections = [(s, [a for a in rows if a.section_id == s.pk]) for s in found.sections.all()]
    context = {
        "category": found,
        "sections": [(s, items) for s, items in sections if items],
        "loose": [a for a in rows if a.section_id is None],
    }
    if not rows and not is_staff(_viewer(request)):
        raise Http404("No such category")
    return render(request, "knowledge/category.html", context)


@require_GET
def section(request: HttpRequest, category_slug: str, slug: str) -> HttpResponse:
    """One section's articles."""
    found = get_object_or_404(
        Section.objects.select_related("category"), category__slug=category_slug, slug=slug
    )
    rows = list(_listed(request).filter(section=found).order_by("title"))
    if not rows and not is_staff(_viewer(request)):
        raise Http404("No such section")
    return render(request, "knowledge/section.html", {"section": found, "articles": rows})


@require_GET
def article(request: HttpRequest, article_id: int, slug: str = "") -> HttpResponse:
    """One article; an old or missing slug redirects to the current address."""
    found = _article(request, article_id)
    if slug != found.slug:
        return redirect(found.path, permanent=True)
    viewer = _viewer(request)
    if not is_staff(viewer):  # staff previews and edits do not inflate the count
        services.record_view(found)
    related = found.related.filter(pk__in=_listed(request).values("pk"))
    languages = [a for a in services.translations_of(found) if _may_read(request, a)]
    context = {
        "article": found,
        "html": markup.render(found.body),
        "related": list(related.order_by("title")[:8]),
        "translations": languages,
        "attachments": list(found.attachments.all()),
        "can_edit": can_edit(viewer),
    }
    return render(request, "knowledge/article.html", context)


def _article(request: HttpRequest, article_id: int) -> Article:
    rows = _articles(request).select_related("category", "section")
    found = rows.filter(pk=article_id).first()
    if found is None:
        raise Http404("No such article")
    return found


def _may_read(request: HttpRequest, article: Article) -> bool:
    return _articles(request).filter(pk=article.pk).exists()


@require_POST
def feedback(request: HttpRequest, article_id: int) -> HttpResponse:
    """ "Was this helpful?" from the article's plain form; back to the article with thanks."""
    found = _article(request, article_id)
    answer = request.POST.get("helpful", "")
    if answer not in ("yes", "no"):
        messages.error(request, "Please choose yes or no.")
        return redirect(found.path)
    comment = request.POST.get("comment", "")[:4000]
    services.record_feedback(found, helpful=answer == "yes", comment=comment, user=_viewer(request))
    messages.success(request, "Thanks for your feedback!")
    return redirect(found.path + "#feedback")


@require_GET
def attachment(request: HttpRequest, article_id: int, file_id: int) -> FileResponse:
    """A file of an article the reader may see."""
    found = _article(request, article_id)
    row = get_object_or_404(found.attachments, pk=file_id)
    return FileResponse(
        row.file.open("rb"),
        as_attachment=True,
        filename=row.filename,
        content_type=row.content_type,
    )


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Search results from the search engine, limited in the engine to what the reader may see."""
    query = request.GET.get("q", "").strip()[:200]
    results = engine.search(
        query, viewer=_viewer(request), kinds=["article", "topic"], limit=20, source="help"
    )
    context = {"q": query, "hits": results.hits, "query_id": results.query_id}
    return render(request, "knowledge/search.html", context)


@require_GET
def open_result(request: HttpRequest, query_id: int, kind: str, object_id: int) -> HttpResponse:
    """A search result opened from the results page: count the click (the content-gap and
    ranking reports read it), then go to the document. Works without JavaScript. The target
    is the indexed document's own address, never one taken from the request."""
    from helpmesh.search.models import SearchDocument

    document = get_object_or_404(SearchDocument, kind=kind, object_id=object_id)
    search_services.record_click(query_id, kind, object_id, viewer=_viewer(request))
    return redirect(document.url)


@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """Up to five titles for the words typed so far (an htmx partial). Not logged as a search:
    each keystroke is not a question anyone asked."""
    query = request.GET.get("q", "").strip()[:200]
    hits: list[dict[str, Any]] = []
    if len(query) >= 2:
        found = engine.search(
            query, viewer=_viewer(request), kinds=["article"], limit=SUGGESTIONS, log=False
        )
        hits = [{"title": h.title, "url": h.url} for h in found.hits]
        if not hits:  # a word still being typed matches no whole word: try titles
            hits = [{"title": a.title, "url": a.path} for a in _titles(request, query)]
    return render(request, "knowledge/_suggestions.html", {"q": query, "hits": hits})


def _titles(request: HttpRequest, query: str) -> QuerySet[Article]:
    rows = _articles(request).filter(status=Status.PUBLISHED)
    for word in query.split()[:8]:
        rows = rows.filter(title__icontains=word)
    return rows.order_by("-view_count", "title")[:SUGGESTIONS]

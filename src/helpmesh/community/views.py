"""Community pages: the forum: categories, topics, asking with similar questions.

Readable without JavaScript: every action is a plain form POST that redirects back; htmx only
swaps in the vote count, the similar questions as you type and a new reply in place. What a
reader sees comes from ``community.access`` (queries), so a private topic is a 404 exactly
like a missing one.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpmesh.accounts.models import User
from helpmesh.community import access, pages, services, similar
from helpmesh.community.errors import CommunityError
from helpmesh.community.models import Category, Post, Tag, Topic, TopicStatus, Visibility

PAGE_SIZE = 30
HOME_TOPICS = 10


def _viewer(request: HttpRequest) -> User | None:
    user = getattr(request, "user", None)
    return user if isinstance(user, User) and user.is_authenticated else None


def _topic(request: HttpRequest, topic_id: int) -> Topic:
    try:
        return access.topic_for(_viewer(request), topic_id)
    except CommunityError as exc:
        raise Http404("No such topic") from exc


def _listing(request: HttpRequest, rows: Any) -> Any:
    rows = rows.select_related("category", "author", "accepted_post").prefetch_related("tags")
    status = request.GET.get("status", "")
    if status == "unsolved":
        rows = rows.filter(status=TopicStatus.OPEN)
    elif status in TopicStatus.values:
        rows = rows.filter(status=status)
    return Paginator(rows.order_by("-last_activity_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Categories the reader may open, the latest topics and the questions still unanswered."""
    viewer = _viewer(request)
    topics = access.visible_topics(viewer).select_related("category", "author")
    context = {
        "categories": list(access.readable_categories(viewer)),
        "recent": list(topics.prefetch_related("tags")[:HOME_TOPICS]),
        "unsolved": list(
            topics.filter(status=TopicStatus.OPEN, kind="question").order_by("-created_at")[
                :HOME_TOPICS
            ]
        ),
    }
    return render(request, "community/home.html", context)


@require_GET
def category(request: HttpRequest, slug: str) -> HttpResponse:
    """One category's topics, most recently active first (``?status=unsolved``, ``?page=``)."""
    found = get_object_or_404(Category, slug=slug)
    viewer = _viewer(request)
    if not access.can_read(viewer, found):
        raise Http404("No such category")
    page = _listing(request, access.visible_topics(viewer).filter(category=found))
    context = {"category": found, "page": page, "status": request.GET.get("status", "")}
    return render(request, "community/category.html", context)


@require_GET
def tag(request: HttpRequest, name: str) -> HttpResponse:
    """The topics carrying one tag, in the categories the reader may open."""
    found = get_object_or_404(Tag, name=name)
    page = _listing(request, access.visible_topics(_viewer(request)).filter(tags=found))
    return render(request, "community/tag.html", {"tag": found, "page": page})


@require_GET
def topic(request: HttpRequest, topic_id: int, slug: str = "") -> HttpResponse:
    """One topic: the question, the accepted answer first, then replies by votes and time.
    An old or missing slug redirects to the current address."""
    found = _topic(request, topic_id)
    if slug != found.slug:
        return redirect(found.path, permanent=True)
    viewer = _viewer(request)
    if not access.is_staff(viewer):
        services.record_view(found)
    return render(request, "community/topic.html", pages.topic_context(found, viewer))


@require_http_methods(["GET", "POST"])
@login_required
def ask(request: HttpRequest) -> HttpResponse:
    """Ask a question; "Check for similar questions" (no JavaScript) shows likely duplicates
    before posting, and htmx shows them as the title is typed."""
    viewer = _viewer(request)
    data = request.POST if request.method == "POST" else request.GET
    form = {k: data.get(k, "").strip() for k in ("title", "body", "category", "tags")}
    context: dict[str, Any] = {"form": form, "errors": {}}
    context["categories"] = list(access.readable_categories(viewer))
    if request.method == "POST" and "check" not in request.POST:
        try:
            created = services.ask(
                viewer,  # type: ignore[arg-type]
                title=form["title"],
                body=form["body"],
                category=_category(viewer, form["category"]),
                tags=form["tags"],
                ip=request.META.get("REMOTE_ADDR"),
            )
        except CommunityError as exc:
            context["errors"] = {exc.field or "form": exc.message}
            return render(request, "community/ask.html", context, status=exc.status)
        _held_notice(request, created.visibility)
        return redirect(created.path)
    if form["title"]:
        context["similar"] = similar.suggestions(form["title"], form["body"], viewer=viewer)
    return render(request, "community/ask.html", context)


@require_GET
def similar_questions(request: HttpRequest) -> HttpResponse:
    """The similar-questions list for the ask form (an htmx partial)."""
    found = similar.suggestions(
        request.GET.get("title", "")[:250], request.GET.get("body", ""), viewer=_viewer(request)
    )
    return render(request, "community/_similar.html", {"similar": found, "checked": True})


def _category(viewer: Any, value: str) -> Category | None:
    if not value:
        return None
    found = access.readable_categories(viewer).filter(slug=value).first()
    if found is None:
        raise CommunityError("no such category", "category")
    return found


def _held_notice(request: HttpRequest, visibility: str) -> None:
    if visibility == Visibility.PENDING:
        messages.info(request, "Thanks! A moderator will look at your post before others see it.")


@require_POST
@login_required
def reply(request: HttpRequest, topic_id: int) -> HttpResponse:
    """Post a reply; htmx gets the new reply to append, a plain form a redirect to it."""
    found = _topic(request, topic_id)
    try:
        post = services.reply(
            found,
            request.user,  # type: ignore[arg-type]
            request.POST.get("body", ""),
            ip=request.META.get("REMOTE_ADDR"),
        )
    except CommunityError as exc:
        return _refused(request, found, exc)
    if request.htmx:  # type: ignore[attr-defined]
        context = pages.topic_context(found, _viewer(request))
        context["post"] = pages.one_post(post, context)
        return render(request, "community/_post.html", context, status=201)
    _held_notice(request, post.visibility)
    return redirect(f"{found.path}#post-{post.pk}")


@require_POST
@login_required
def vote(request: HttpRequest, post_id: int) -> HttpResponse:
    """Vote a post up or down (``value`` 1 or -1; ``value`` 0 takes the vote back)."""
    post = _post(request, post_id)
    value = request.POST.get("value", "")
    try:
        if value == "0":
            services.withdraw_vote(post, request.user)  # type: ignore[arg-type]
        else:
            services.vote(
                post,
                request.user,  # type: ignore[arg-type]
                int(value) if value.lstrip("-").isdigit() else 0,
                ip=request.META.get("REMOTE_ADDR"),
                device=pages.device(request),
            )
    except CommunityError as exc:
        return _refused(request, post.topic, exc)
    if request.htmx:  # type: ignore[attr-defined]
        post.refresh_from_db()
        return render(request, "community/_vote.html", pages.vote_context(post, request.user))
    return redirect(f"{post.topic.path}#post-{post.pk}")


@require_POST
@login_required
def accept(request: HttpRequest, topic_id: int) -> HttpResponse:
    """Accept a reply as the answer (``post``), or take the mark off (``undo``)."""
    found = _topic(request, topic_id)
    viewer: Any = request.user
    try:
        if request.POST.get("undo"):
            services.unaccept(found, viewer)
        else:
            post = found.posts.filter(pk=_int(request.POST.get("post"))).first()
            if post is None:
                raise CommunityError("choose a reply", "post", "not_found")
            services.accept(found, post, viewer)
    except CommunityError as exc:
        return _refused(request, found, exc)
    return _back(request, found.path)


@require_POST
@login_required
def watch(request: HttpRequest, topic_id: int) -> HttpResponse:
    """Watch the topic (notices of new replies), or stop watching it (``stop``)."""
    found = _topic(request, topic_id)
    viewer: Any = request.user
    if request.POST.get("stop"):
        services.unwatch(viewer, topic=found)
        messages.success(request, "You no longer watch this topic.")
    else:
        services.watch(viewer, topic=found)
        messages.success(request, "You will hear of new replies.")
    return _back(request, found.path)


@require_POST
@login_required
def close_duplicate(request: HttpRequest, topic_id: int) -> HttpResponse:
    """Close the topic as a duplicate of another (``original``: a topic id or its address)."""
    found = _topic(request, topic_id)
    original_id = _int(request.POST.get("original", "").rsplit("/t/", 1)[-1].split("-")[0])
    try:
        original = access.topic_for(request.user, original_id)
        services.close_as_duplicate(found, original, request.user)  # type: ignore[arg-type]
    except CommunityError as exc:
        return _refused(request, found, exc)
    return _back(request, found.path)


@require_http_methods(["GET", "POST"])
@login_required
def edit(request: HttpRequest, post_id: int) -> HttpResponse:
    """Edit a post (the question's title too); each save is a new revision."""
    post = _post(request, post_id)
    context: dict[str, Any] = {"post": post, "topic": post.topic, "errors": {}}
    if request.method == "POST":
        try:
            services.edit_post(
                post,
                request.user,  # type: ignore[arg-type]
                body=request.POST.get("body", ""),
                title=request.POST.get("title") if post.is_question else None,
                reason=request.POST.get("reason", ""),
            )
            return redirect(f"{post.topic.path}#post-{post.pk}")
        except CommunityError as exc:
            context["errors"] = {exc.field or "form": exc.message}
            context["body"] = request.POST.get("body", "")
            return render(request, "community/edit.html", context, status=exc.status)
    return render(request, "community/edit.html", context)


@require_GET
def revisions(request: HttpRequest, post_id: int) -> HttpResponse:
    """A post's edit history, newest first, each revision with its diff from the one before."""
    post = _post(request, post_id)
    rows = list(post.revisions.select_related("editor").order_by("-number"))
    diffs = {r.number: services.revision_diff(post, r.number) for r in rows if r.number > 1}
    history = [(r, diffs.get(r.number, "")) for r in rows]
    return render(
        request, "community/revisions.html", {"post": post, "topic": post.topic, "history": history}
    )


def _post(request: HttpRequest, post_id: int) -> Post:
    viewer = _viewer(request)
    post = Post.objects.select_related("topic__category").filter(pk=post_id).first()
    if post is None or not access.visible_posts(viewer, post.topic).filter(pk=post.pk).exists():
        raise Http404("No such post")
    _topic(request, post.topic_id)
    return post


def _refused(request: HttpRequest, found: Topic, exc: CommunityError) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        return HttpResponse(exc.message, status=exc.status)
    messages.error(request, exc.message)
    return redirect(found.path)


def _back(request: HttpRequest, to: str) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        response = HttpResponse(status=204)
        response["HX-Redirect"] = to
        return response
    return redirect(to)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


urlpatterns = [
    path("", home, name="home"),
    path("ask/", ask, name="ask"),
    path("ask/similar/", similar_questions, name="similar"),
    path("c/<slug:slug>/", category, name="category"),
    path("tags/<slug:name>/", tag, name="tag"),
    path("t/<int:topic_id>/", topic, name="topic_by_id"),
    path("t/<int:topic_id>-<slug:slug>/", topic, name="topic"),
    path("t/<int:topic_id>/reply/", reply, name="reply"),
    path("t/<int:topic_id>/accept/", accept, name="accept"),
    path("t/<int:topic_id>/watch/", watch, name="watch"),
    path("t/<int:topic_id>/duplicate/", close_duplicate, name="close_duplicate"),
    path("posts/<int:post_id>/vote/", vote, name="vote"),
    path("posts/<int:post_id>/edit/", edit, name="edit"),
    path("posts/<int:post_id>/revisions/", revisions, name="revisions"),
]

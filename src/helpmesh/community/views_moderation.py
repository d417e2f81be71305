"""Community pages: the moderation queue, the moderation log and flagging a post.

Plain forms that redirect back (no JavaScript needed); with htmx a queue decision replaces its
row in place. Moderators are staff or members whose trust level unlocks ``moderate``; anyone
else gets 403. Every decision goes through ``community.moderation``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_POST

from helpmesh.community import access, moderation
from helpmesh.community.errors import CommunityError
from helpmesh.community.models import Flag, FlagStatus, Post

POST_ACTIONS = ("approve", "reject", "remove", "restore")
DONE = {
    "approve": "Approved.",
    "reject": "Rejected.",
    "remove": "Removed.",
    "restore": "Restored.",
    FlagStatus.UPHELD: "Flag upheld.",
    FlagStatus.DISMISSED: "Flag dismissed.",
}


def _moderator(request: HttpRequest) -> Any:
    if not moderation.is_moderator(request.user):
        raise PermissionDenied("only moderators see the moderation queue")
    return request.user


@require_GET
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Posts awaiting approval (with why they wait) and open flags, oldest first."""
    found = moderation.queue(_moderator(request))
    return render(request, "community/moderation.html", {"queue": found})


@require_GET
@login_required
def log(request: HttpRequest) -> HttpResponse:
    """What moderators (and the community's flags) did, newest first, 50 to a page."""
    before = request.GET.get("before", "")
    rows = moderation.actions(
        _moderator(request), limit=50, before=int(before) if before.isdigit() else None
    )
    more = rows[-1].pk if len(rows) == 50 else None
    return render(request, "community/moderation_log.html", {"actions": rows, "more": more})


@require_POST
@login_required
def decide_post(request: HttpRequest, post_id: int, action: str) -> HttpResponse:
    """Approve, reject, remove or restore one post."""
    if action not in POST_ACTIONS:
        raise Http404("No such action")
    by = _moderator(request)
    post = get_object_or_404(Post.objects.select_related("topic__category"), pk=post_id)
    reason = request.POST.get("reason", "").strip()[:250]
    return _decided(request, lambda: getattr(moderation, action)(post, by, reason), action)


@require_POST
@login_required
def resolve_flag(request: HttpRequest, flag_id: int) -> HttpResponse:
    """Uphold or dismiss one flag."""
    by = _moderator(request)
    row = get_object_or_404(Flag.objects.select_related("post__topic__category"), pk=flag_id)
    outcome = request.POST.get("outcome", "")
    return _decided(request, lambda: moderation.resolve_flag(row, by, outcome), outcome)


def _decided(request: HttpRequest, decide: Any, action: str) -> HttpResponse:
    try:
        decide()
    except CommunityError as exc:
        if exc.code == "not_found":
            raise Http404(exc.message) from exc
        if request.headers.get("HX-Request"):
            return _fragment(request, exc.message, status=exc.status)
        messages.error(request, exc.message)
        return redirect("community:moderation")
    if request.headers.get("HX-Request"):
        return _fragment(request, DONE.get(action, "Done."))
    messages.success(request, DONE.get(action, "Done."))
    return redirect("community:moderation")


def _fragment(request: HttpRequest, text: str, status: int = 200) -> HttpResponse:
    return render(request, "community/moderation_done.html", {"text": text}, status=status)


@require_POST
@login_required
def flag(request: HttpRequest, post_id: int) -> HttpResponse:
    """Flag a post for moderators (the form under each post), then back to the topic."""
    post = get_object_or_404(Post.objects.select_related("topic"), pk=post_id)
    if not access.visible_topics(request.user).filter(pk=post.topic_id).exists():
        raise Http404("No such post")
    try:
        moderation.flag(
            post,
            request.user,  # type: ignore[arg-type]
            request.POST.get("reason", ""),
            request.POST.get("note", "")[:2000],
        )
    except CommunityError as exc:
        if exc.code == "not_found":
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, "Thanks, a moderator will take a look.")
    return redirect(f"{post.topic.path}#post-{post.pk}")


urlpatterns: list[URLPattern] = [
    path("moderation/", queue, name="moderation"),
    path("moderation/log/", log, name="moderation_log"),
    path("moderation/posts/<int:post_id>/<slug:action>/", decide_post, name="moderate_post"),
    path("moderation/flags/<int:flag_id>/resolve/", resolve_flag, name="resolve_flag"),
    path("posts/<int:post_id>/flag/", flag, name="flag"),
]

"""Community pages: profiles, leaderboards, badges.

Plain server-rendered pages, readable without JavaScript; the points chart is an inline SVG drawn
here from ``leaderboards.weekly_points``. A missing member is a 404; a bad filter answers 400
with the page and the field named.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from helpmesh.api.auth import viewer as signed_in_viewer
from helpmesh.community import badges, leaderboards
from helpmesh.community.errors import CommunityError
from helpmesh.community.models import Badge, BadgeAward, Tag

CHART_WIDTH, CHART_HEIGHT = 480, 100
RECENT_AWARDS = 5


def chart(series: list[tuple[datetime, int]]) -> dict[str, Any]:
    """Bars for an SVG of points per week (negative weeks drawn below a zero line)."""
    values = [points for _, points in series] or [0]
    top, bottom = max(max(values), 0), min(min(values), 0)
    span = (top - bottom) or 1
    width = CHART_WIDTH / max(len(series), 1)
    zero = CHART_HEIGHT * top / span
    bars = []
    for n, (week, points) in enumerate(series):
        height = CHART_HEIGHT * abs(points) / span
        bars.append(
            {
                "x": round(n * width + 1, 1),
                "y": round(zero - height if points >= 0 else zero, 1),
                "w": round(max(width - 2, 1), 1),
                "h": round(height, 1),
                "week": week,
                "points": points,
            }
        )
    return {"bars": bars, "width": CHART_WIDTH, "height": CHART_HEIGHT, "zero": round(zero, 1)}


@require_GET
def profile(request: HttpRequest, user_id: int) -> HttpResponse:
    """A member's public profile: standing, badges, top tags, recent answers, points per week."""
    try:
        found = leaderboards.profile(user_id, signed_in_viewer(request))
    except CommunityError as exc:
        raise Http404("No such member") from exc
    context = {"profile": found, "chart": chart(found.weekly_points)}
    return render(request, "community/profile.html", context)


@require_GET
def leaderboard(request: HttpRequest) -> HttpResponse:
    """The leaderboard with a period and a tag filter, and the community's points per week."""
    period = request.GET.get("period", "month")
    tag = request.GET.get("tag", "").strip()
    context: dict[str, Any] = {
        "period": period,
        "tag": tag,
        "periods": list(leaderboards.PERIODS),
        "tags": Tag.objects.filter(topics__isnull=False).distinct().order_by("name")[:50],
        "chart": chart(leaderboards.weekly_points()),
    }
    try:
        context["entries"] = leaderboards.top(period, tag=tag, viewer=signed_in_viewer(request))
    except CommunityError as exc:
        context.update(entries=[], error=exc)
        return render(request, "community/leaderboard.html", context, status=exc.status)
    return render(request, "community/leaderboard.html", context)


@require_GET
def badge_list(request: HttpRequest) -> HttpResponse:
    """Every badge, what earns it, how often it was awarded and who earned it lately."""
    badges.ensure_badges()
    rows = list(Badge.objects.annotate(awarded=Count("awards")).order_by("pk"))
    for badge in rows:
        badge.recent = list(  # type: ignore[attr-defined]
            BadgeAward.objects.filter(badge=badge)
            .select_related("member", "tag")
            .order_by("-awarded_at", "-id")[:RECENT_AWARDS]
        )
    return render(request, "community/badges.html", {"badges": rows})


urlpatterns: list[URLPattern] = [
    path("u/<int:user_id>/", profile, name="profile"),
    path("leaderboard/", leaderboard, name="leaderboard"),
    path("badges/", badge_list, name="badges"),
]

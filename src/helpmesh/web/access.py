"""Who may open which page: signed-in agents for the inbox, visible tickets only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from helpmesh.accounts.models import User
from helpmesh.conversations.models import Ticket
from helpmesh.conversations.permissions import visible_tickets


def agent_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in required; customers who wander into the inbox are sent to their portal."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_agent:  # type: ignore[union-attr]
            return redirect("portal:home")
        return view(request, *args, **kwargs)

    return wrapper


def visible_ticket_or_404(user: User, ticket_id: int) -> Ticket:
    """The ticket if ``user`` may see it; otherwise 404, so its existence is not revealed."""
    ticket = (
        visible_tickets(user)
        .select_related("requester", "team", "assignee")
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None:
        raise Http404("No such ticket")
    return ticket


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The ``next`` target if it stays on this site, else ``fallback`` (no open redirects)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else fallback


def current_user(request: HttpRequest) -> User:
    """The signed-in user, typed (views behind login_required only)."""
    return request.user  # type: ignore[return-value]


def is_htmx(request: HttpRequest) -> bool:
    """True for requests htmx made (django-htmx's middleware sets ``request.htmx``)."""
    return bool(getattr(request, "htmx", False))

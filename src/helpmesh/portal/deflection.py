"""Deflection at the point of contact: articles suggested while a customer writes a request.

The suggestions come from the one search (``search.engine``) with the customer's own scope;
the search is logged, and its outcome is recorded: ``deflected`` when the customer says an
article answered it, ``ticket`` (with the ticket) when they submit anyway. Those two counts are
the deflection rate (docs/search.md).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from helpmesh.conversations.models import Ticket
from helpmesh.search import engine, services
from helpmesh.web.access import current_user

SUGGESTIONS = 3


def suggestions_for(request: HttpRequest, subject: str, description: str) -> dict:
    """The template context for the suggestions box (empty for a blank request)."""
    text = f"{subject}\n{description}".strip()
    if len(text) < 3:
        return {"hits": [], "query_id": None}
    results = engine.search(
        text,
        viewer=current_user(request),
        kinds=["article", "topic"],
        limit=SUGGESTIONS,
        source="portal",
    )
    return {"hits": results.hits, "query_id": results.query_id}


@require_GET
@login_required
def suggest(request: HttpRequest) -> HttpResponse:
    """The suggestions partial the request form asks for as the customer types (htmx)."""
    context = suggestions_for(
        request, request.GET.get("subject", "")[:250], request.GET.get("description", "")[:2000]
    )
    return render(request, "portal/_suggestions.html", context)


@require_POST
@login_required
def deflected(request: HttpRequest) -> HttpResponse:
    """The customer found their answer in a suggestion: count it, and do not open a ticket."""
    if query_id := _query_id(request.POST.get("search_query")):
        services.record_outcome(query_id, "deflected", viewer=current_user(request))
    messages.success(request, "Glad that helped! You can always come back if it did not.")
    return redirect("portal:home")


def submitted_anyway(request: HttpRequest, ticket: Ticket) -> None:
    """The customer saw suggestions and opened a ticket all the same (the content-gap signal)."""
    if query_id := _query_id(request.POST.get("search_query")):
        services.record_outcome(query_id, "ticket", viewer=current_user(request), ticket=ticket)


@require_POST
@login_required
def bot_verdict(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The requester's answer to "did the bot's answer solve it?": yes solves the ticket
    (credited to the bot), no hands it to staff with everything said so far."""
    from helpmesh.bot import steps

    user = current_user(request)
    ticket = Ticket.objects.filter(pk=ticket_id, requester__user=user).first()
    if ticket is None:
        raise Http404("No such request")
    if (ticket.custom_fields or {}).get("self_service") == "answered":
        if request.POST.get("solved") == "yes":
            steps.resolve(ticket)
            messages.success(request, "Glad that solved it! We closed your request.")
        else:
            steps.release(ticket, "not_solved")
            messages.success(request, "Thanks for telling us: a person from our team takes it now.")
    return redirect("portal:request", ticket_id=ticket.pk)


def bot_answered(ticket: Ticket) -> bool:
    """Whether the bot answered the request and waits for the customer's verdict."""
    return (ticket.custom_fields or {}).get("self_service") == "answered"


def _query_id(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 19 else None

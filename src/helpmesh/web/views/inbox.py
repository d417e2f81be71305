"""The agent inbox: sidebar views, filters, search, sort, pages and bulk actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from helpmesh.conversations import services
from helpmesh.conversations.errors import TicketError
from helpmesh.conversations.permissions import can_edit_ticket, visible_tickets
from helpmesh.web import queries
from helpmesh.web.access import agent_required, current_user, is_htmx, safe_next
from helpmesh.web.forms import BulkForm, InboxFilters


@require_GET
@agent_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The ticket list of one view, narrowed by filters and search, 50 to a page."""
    user = current_user(request)
    filters = InboxFilters(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    try:
        tickets, counts = queries.inbox(user, chosen)
    except TicketError as exc:  # an operator the search cannot read: say which, list nothing
        filters.add_error("q", exc.message)
        tickets, counts = queries.inbox(user, {**chosen, "q": ""})
        tickets = tickets.none()
    page = queries.page(tickets, chosen.get("page") or 1)
    context = {
        "filters": filters,
        "view": chosen.get("view") or "all",
        "views": InboxFilters.VIEWS,
        "counts": counts,
        "page": page,
        "bulk": BulkForm(ids=[]),
        "can_edit": can_edit_ticket(user),
        "query": _without(request.GET, "page"),
        "view_query": _without(request.GET, "page", "view"),
    }
    template = "web/_ticket_list.html" if is_htmx(request) else "web/inbox.html"
    return render(request, template, context)


def _without(params: QueryDict, *names: str) -> str:
    """The current query string minus ``names``, to build view and page links."""
    kept = params.copy()
    for name in names:
        kept.pop(name, None)
    return kept.urlencode()


@require_POST
@agent_required
def bulk(request: HttpRequest) -> HttpResponse:
    """Apply one change to the selected tickets and report how many took it."""
    user = current_user(request)
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    form = BulkForm(request.POST, ids=ids)
    if not form.is_valid():
        for error in _flat_errors(form.errors):
            messages.error(request, error)
        return redirect(safe_next(request, "/inbox/"))
    tickets = list(visible_tickets(user).filter(pk__in=form.cleaned_data["ids"]))
    failures = services.bulk_update(tickets, form.changes(), actor=user)
    _report(request, len(tickets) - len(failures), failures)
    return redirect(safe_next(request, "/inbox/"))


def _flat_errors(errors: Any) -> list[str]:
    if "ids" in errors:
        return ["Select at least one ticket."]
    return [str(e) for field_errors in errors.values() for e in field_errors]


def _report(request: HttpRequest, done: int, failures: list[TicketError]) -> None:
    if done:
        messages.success(request, f"Updated {done} ticket{'s' if done != 1 else ''}.")
    for failure in failures:
        messages.error(request, failure.message)

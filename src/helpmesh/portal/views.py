"""The customer portal: a help-center front page, my requests, a new request, one request.

Everything a customer sends goes through ``pipeline.receive`` like any other channel, so the
portal gets threading, exactly-once intake and quarantine for free.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from helpmesh.accounts.models import User
from helpmesh.conversations import pipeline
from helpmesh.conversations.errors import TicketError
from helpmesh.conversations.models import Channel, Ticket
from helpmesh.conversations.permissions import visible_messages, visible_tickets
from helpmesh.portal import deflection
from helpmesh.portal.forms import ReplyForm, RequestForm
from helpmesh.web import timeline
from helpmesh.web.access import current_user
from helpmesh.web.errors import add_ticket_error
from helpmesh.web.uploads import attachments_from

PAGE_SIZE = 50


def my_requests(user: User) -> QuerySet[Ticket]:
    """What the portal lists: the customer's own (and shared organization) requests.

    Agents have no requests of their own; the inbox is their list.
    """
    if user.is_agent:
        return Ticket.objects.none()
    return visible_tickets(user).select_related("requester").order_by("-updated_at", "-id")


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Help-center front page with the customer's five most recent requests."""
    user = current_user(request)
    recent = list(my_requests(user)[:5])
    return render(request, "portal/home.html", {"recent": recent, "is_agent": user.is_agent})


@require_GET
@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    """All of my requests, most recently updated first, a page at a time (``?page=2``)."""
    pages = Paginator(my_requests(current_user(request)), PAGE_SIZE)
    page = pages.get_page(request.GET.get("page"))  # a bad or too-high number: the nearest page
    return render(request, "portal/requests.html", {"requests": page.object_list, "page": page})


@require_http_methods(["GET", "POST"])
@login_required
def new_request(request: HttpRequest) -> HttpResponse:
    """Submit a request; on success show it."""
    if request.method == "POST" and "find_answers" in request.POST:
        # Without JavaScript, "search first" shows the suggestions the typing would have.
        subject, description = request.POST.get("subject", ""), request.POST.get("description", "")
        form = RequestForm(initial={"subject": subject, "description": description})
        found = deflection.suggestions_for(request, subject, description)
        return render(request, "portal/new.html", {"form": form, **found})
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        receipt = _receive(request, form, subject=data["subject"], body=data["description"])
        if receipt is not None:
            deflection.submitted_anyway(request, receipt.ticket)
            messages.success(request, "Thanks! We received your request and will reply soon.")
            return redirect("portal:request", ticket_id=receipt.ticket.pk)
    return render(request, "portal/new.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def request_detail(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Read a request's public conversation and reply to it."""
    user = current_user(request)
    ticket = visible_tickets(user).filter(pk=ticket_id).first()
    if ticket is None:
        raise Http404("No such request")
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        receipt = _receive(request, form, body=form.cleaned_data["body"], ticket_id=ticket.pk)
        if receipt is not None:
            messages.success(request, "Your reply was added.")
            return redirect("portal:request", ticket_id=receipt.ticket.pk)
    # The portal is the customer's view: internal notes never show, even to a visiting agent.
    public = visible_messages(user, ticket).filter(internal=False)
    context = {
        "ticket": ticket,
        "thread": list(timeline.messages_for_display(public)),
        "form": form,
        "bot_answered": deflection.bot_answered(ticket),
    }
    return render(request, "portal/request.html", context)


def _receive(
    request: HttpRequest,
    form: forms.Form,
    *,
    body: str,
    subject: str = "",
    ticket_id: int | None = None,
) -> pipeline.Receipt | None:
    """Send the customer's words through the inbound pipeline; refusals become form errors."""
    try:
        return pipeline.receive(
            pipeline.Inbound(
                channel=Channel.WEB,
                sender=pipeline.Sender(user=current_user(request)),
                subject=subject,
                body_text=body,
                attachments=attachments_from(request),
                ticket_id=ticket_id,
            )
        )
    except TicketError as exc:
        add_ticket_error(form, exc)
        return None

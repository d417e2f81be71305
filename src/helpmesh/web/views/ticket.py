"""One ticket for an agent: header, timeline, reply box, side panel (properties, macros, SLA,
routing and escalation), merge, customer sidebar."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from helpmesh.accounts.models import User
from helpmesh.automation import services as automation
from helpmesh.conversations import merging, services
from helpmesh.conversations.errors import TicketError
from helpmesh.conversations.models import Channel, Ticket
from helpmesh.conversations.permissions import (
    can_edit_ticket,
    can_reply_publicly,
    visible_messages,
    visible_tickets,
)
from helpmesh.routing import services as routing
from helpmesh.web import previews, routing_cards, timeline
from helpmesh.web.access import agent_required, current_user, is_htmx, visible_ticket_or_404
from helpmesh.web.errors import add_ticket_error
from helpmesh.web.forms import EscalateForm, MacroForm, MergeForm, ReplyForm, TicketForm
from helpmesh.web.uploads import attachments_from


@require_GET
@agent_required
def detail(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The ticket page."""
    user = current_user(request)
    ticket = visible_ticket_or_404(user, ticket_id)
    return _page(request, user, ticket)


def _page(request: HttpRequest, user: User, ticket: Ticket, **forms_: Any) -> HttpResponse:
    """Render the ticket page, keeping any bound form that carries errors."""
    context = {
        "ticket": ticket,
        "reply": forms_.get("reply") or _blank_reply(user),
        "edit": forms_.get("edit") or TicketForm(initial=_current(ticket)),
        "merge": forms_.get("merge") or MergeForm(),
        "merge_preview": forms_.get("merge_preview"),
        "macro_review": forms_.get("macro_review"),
        "escalate": forms_.get("escalate") or EscalateForm(),
        "macro": forms_.get("macro") or MacroForm(macros=automation.macros_for(user)),
        "routing": routing_cards.routing_card(ticket),
        "sla": routing_cards.sla_card(ticket),
        "can_edit": can_edit_ticket(user),
        "requester_email": ticket.requester.primary_address(),
        "organization": ticket.organization,
        "other_tickets": _others(user, ticket),
        **_conversation(user, ticket),
    }
    return render(request, "web/ticket.html", context)


def _conversation(user: User, ticket: Ticket) -> dict[str, Any]:
    return {"entries": timeline.build(ticket, visible_messages(user, ticket))}


def _blank_reply(user: User) -> ReplyForm:
    # Light agents may only write notes, so their reply box starts on "internal note".
    return ReplyForm(initial={"mode": "public" if can_reply_publicly(user) else "internal"})


def _current(ticket: Ticket) -> dict[str, Any]:
    return {
        "status": ticket.status,
        "priority": ticket.priority,
        "team": ticket.team_id,
        "assignee": ticket.assignee_id,
        "tags": " ".join(sorted(t.name for t in ticket.tags.all())),
    }


def _others(user: User, ticket: Ticket) -> list[Ticket]:
    """The requester's other tickets this agent may see, newest first."""
    return list(
        visible_tickets(user)
        .filter(requester_id=ticket.requester_id)
        .exclude(pk=ticket.pk)
        .order_by("-updated_at", "-id")[:10]
    )


@require_POST
@agent_required
def reply(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Post a public reply or an internal note; htmx gets the refreshed conversation back."""
    user = current_user(request)
    ticket = visible_ticket_or_404(user, ticket_id)
    form = ReplyForm(request.POST)
    if form.is_valid() and _send(request, user, ticket, form):
        if is_htmx(request):
            return _conversation_fragment(request, user, ticket, _blank_reply(user), sent=True)
        messages.success(request, "Note added." if form.internal else "Reply sent.")
        return redirect("web:ticket", ticket_id=ticket.pk)
    if is_htmx(request):
        return _conversation_fragment(request, user, ticket, form)
    return _page(request, user, ticket, reply=form)


def _send(request: HttpRequest, user: User, ticket: Ticket, form: ReplyForm) -> bool:
    """Hand the message to the service; a refusal becomes a form error."""

    def send() -> None:
        message = services.NewMessage(
            form.cleaned_data["body"], attachments=attachments_from(request)
        )
        services.add_message(
            ticket, message, channel=Channel.WEB, author_user=user, internal=form.internal
        )

    return _attempt(form, send)


def _conversation_fragment(
    request: HttpRequest,
    user: User,
    ticket: Ticket,
    form: ReplyForm,
    *,
    sent: bool = False,
    template: str = "web/_reply_response.html",
    **extra: Any,
) -> HttpResponse:
    context = {
        "ticket": ticket,
        "reply": form,
        "sent": sent,
        "edit": TicketForm(initial=_current(ticket)),
        "sla": routing_cards.sla_card(ticket),  # a reply meets or starts response clocks
        "can_edit": can_edit_ticket(user),
        **_conversation(user, ticket),
        **extra,
    }
    return render(request, template, context)


@require_POST
@agent_required
def update(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Apply the side panel's changes (status, priority, team, assignee, tags)."""
    user = current_user(request)
    ticket = visible_ticket_or_404(user, ticket_id)
    form = TicketForm(request.POST)
    if form.is_valid() and _attempt(
        form, lambda: services.update_ticket(ticket, form.changes(), actor=user)
    ):
        messages.success(request, "Ticket updated.")
        return redirect("web:ticket", ticket_id=ticket.pk)
    return _page(request, user, ticket, edit=form)


@require_POST
@agent_required
def merge(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Fold this ticket into another the agent can see, then show the surviving ticket.

    Merging cannot be undone, so the first post only shows what will move; the merge happens
    when the agent confirms that preview."""
    user = current_user(request)
    ticket = visible_ticket_or_404(user, ticket_id)
    form = MergeForm(request.POST)
    if form.is_valid():
        target = visible_tickets(user).filter(pk=form.cleaned_data["target"]).first()
        if target is None:
            form.add_error("target", "No ticket with that number that you can see.")
        elif target.pk == ticket.pk:
            form.add_error("target", "Cannot merge a ticket into itself.")
        elif not form.cleaned_data["confirm"]:
            preview = previews.merge_preview(ticket, target)
            return _page(request, user, ticket, merge=form, merge_preview=preview)
        elif _attempt(form, lambda: merging.merge_tickets(ticket, target, actor=user)):
            messages.success(request, f"Merged #{ticket.pk} into #{target.pk}.")
            return redirect("web:ticket", ticket_id=target.pk)
    return _page(request, user, ticket, merge=form)


@require_POST
@agent_required
def escalate(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Send the ticket one tier up with a handoff note (tiered support models)."""
    user = current_user(request)
    ticket = visible_ticket_or_404(user, ticket_id)
    form = EscalateForm(request.POST)
    if not form.is_valid():
        return _page(request, user, ticket, escalate=form)
    if not can_edit_ticket(user):
        form.add_error(None, "Light agents cannot escalate tickets.")
        return _page(request, user, ticket, escalate=form)
    try:
        decision = routing.escalate(ticket, actor=user, note=form.cleaned_data["note"])
    except TicketError as exc:  # no tiers, already at the top, ...
        add_ticket_error(form, exc)
        return _page(request, user, ticket, escalate=form)
    ticket.refresh_from_db()
    where = f"tier {decision.tier}" + (f" ({ticket.team})" if ticket.team else "")
    who = f", assigned to {ticket.assignee}" if ticket.assignee else ""
    messages.success(request, f"Escalated #{ticket.pk} to {where}{who}.")
    if not visible_tickets(user).filter(pk=ticket.pk).exists():
        return redirect("web:inbox")  # the next tier's team is not one this agent sees
    return redirect("web:ticket", ticket_id=ticket.pk)


@require_POST
@agent_required
def apply_macro(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Fill the reply box and the side panel with a macro for the agent to review and send
    (the default), or, when the agent chose "Apply and send", apply it at once."""
    user = current_user(request)
    ticket = visible_ticket_or_404(user, ticket_id)
    form = MacroForm(request.POST, macros=automation.macros_for(user))
    if request.POST.get("then") != "send":
        return _review_macro(request, user, ticket, form)
    applied = form.is_valid() and _apply_macro(form, ticket, user)
    if applied and not visible_tickets(user).filter(pk=ticket.pk).exists():
        # The macro moved the ticket to a team this agent does not see: back to the inbox.
        messages.success(request, f"Applied “{form.cleaned_data['macro']}” to #{ticket.pk}.")
        if is_htmx(request):
            return HttpResponseClientRedirect(reverse("web:inbox"))
        return redirect("web:inbox")
    if is_htmx(request):
        ticket.refresh_from_db()
        fresh = MacroForm(macros=automation.macros_for(user))
        return _conversation_fragment(
            request,
            user,
            ticket,
            _blank_reply(user),
            template="web/_macro_response.html",
            macro=fresh if applied else form,
            applied=form.cleaned_data["macro"] if applied else None,
        )
    if applied:
        messages.success(request, f"Applied “{form.cleaned_data['macro']}”.")
        return redirect("web:ticket", ticket_id=ticket.pk)
    return _page(request, user, ticket, macro=form)


def _review_macro(
    request: HttpRequest, user: User, ticket: Ticket, form: MacroForm
) -> HttpResponse:
    """The ticket page with the macro's reply in the reply box and its changes in the side
    panel, nothing saved: the agent edits, then sends the reply and saves the fields."""
    if not form.is_valid():
        return _page(request, user, ticket, macro=form)
    try:
        draft = previews.macro_draft(form.cleaned_data["macro"], ticket, _current(ticket))
    except previews.MacroUnusable as exc:
        form.add_error(None, f"This macro cannot be applied: {exc}.")
        return _page(request, user, ticket, macro=form)
    reply = ReplyForm(initial={"mode": "public", "body": draft.reply}) if draft.reply else None
    # Bound to the macro's values, with the ticket's current ones as the hidden initials: saving
    # sends exactly what the macro (or the agent's edits on top) changes.
    edit = TicketForm(draft.fields, initial=_current(ticket)) if draft.changed else None
    return _page(request, user, ticket, reply=reply, edit=edit, macro_review=draft)


def _apply_macro(form: MacroForm, ticket: Ticket, user: User) -> bool:
    """Hand the macro to automation; a refusal becomes a form error."""
    try:
        automation.apply_macro(form.cleaned_data["macro"], ticket, actor=user)
    except automation.AutomationError as exc:
        form.add_error(None, f"This macro cannot be applied: {exc}.")
        return False
    except TicketError as exc:
        add_ticket_error(form, exc)
        return False
    return True


def _attempt(form: forms.Form, action: Any) -> bool:
    """Run a service call; a TicketError lands on ``form`` instead of becoming a 500."""
    try:
        action()
    except TicketError as exc:
        add_ticket_error(form, exc)
        return False
    return True

"""Show a service's refusal (TicketError) on the form that asked for it, never as a 500."""

from __future__ import annotations

from django import forms

from helpmesh.conversations.errors import TicketError

# Services name fields the way the API does ("assignee_id", "attachments.0"); forms do not.
ALIASES = {"assignee_id": "assignee", "team_id": "team", "target_id": "target", "internal": "mode"}


def add_ticket_error(form: forms.Form, error: TicketError) -> None:
    """Attach ``error`` to the matching form field, or to the form as a whole."""
    name = error.field.split(".")[0]
    name = ALIASES.get(name, name)
    field = name if name in form.fields else None
    form.add_error(field, _sentence(error.message))


def _sentence(message: str) -> str:
    """Services speak in lowercase fragments; forms show sentences (but leave "ben@x.com" be)."""
    first = message.split(" ", 1)[0]
    if first.isalpha():
        message = message[:1].upper() + message[1:]
    return message if message.endswith(".") else f"{message}."

"""Small presentation helpers shared by the inbox and portal templates."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django import template

from helpmesh.conversations.models import Message
from helpmesh.web import routing_cards

register = template.Library()

# What a customer should read for each status: what it means for them, not our workflow.
CUSTOMER_STATUS = {
    "new": "Received",
    "open": "In progress",
    "pending": "Awaiting your reply",
    "on_hold": "In progress",
    "solved": "Solved",
    "closed": "Closed",
}


@register.filter
def customer_status(status: str) -> str:
    """The portal's wording of a ticket status."""
    return CUSTOMER_STATUS.get(status, status)


@register.filter
def initials(name: object) -> str:
    """Up to two initials for an avatar circle."""
    words = str(name).replace("@", " ").split()
    return "".join(w[0] for w in words[:2]).upper() or "?"


@register.filter
def by_support(message: Message) -> bool:
    """True when staff wrote the message (the portal marks these as from support)."""
    return bool(message.author_user_id) and message.author_user.is_agent  # type: ignore[union-attr]


@register.filter
def filesize(size: int) -> str:
    """1234567 -> "1.2 MB"."""
    value = float(size)
    for unit in ("bytes", "KB", "MB"):
        if value < 1024 or unit == "MB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


@register.filter
def due_in(due: datetime | None) -> str:
    """An SLA due time relative to now: "in 3h 20m" or "2h 5m overdue"."""
    return routing_cards.relative_due(due) if due else ""


@register.filter
def overdue(due: datetime | None) -> bool:
    """True once ``due`` has passed (the inbox shows it in red)."""
    return routing_cards.is_overdue(due)


@register.filter
def item(mapping: Mapping[Any, Any] | None, key: Any) -> Any:
    """``mapping[key]`` or None: ``{% with s=page.slas|item:t.pk %}``."""
    return mapping.get(key) if mapping else None

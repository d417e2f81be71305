"""Cursor (keyset) pagination: each page costs the same however deep it is."""

from __future__ import annotations

import base64
from datetime import datetime

from django.db.models import Q, QuerySet

from helpmesh.api.errors import ApiError


def encode(updated_at: datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{updated_at.isoformat()}|{pk}".encode()).decode()


def decode(cursor: str) -> tuple[datetime, int]:
    try:
        stamp, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return datetime.fromisoformat(stamp), int(pk)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "invalid", "cursor is not one this API gave out", "cursor") from None


def page(rows: QuerySet, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """One page of ``rows`` ordered newest-updated first, and the cursor of the next page."""
    if cursor:
        updated_at, pk = decode(cursor)
        rows = rows.filter(Q(updated_at__lt=updated_at) | Q(updated_at=updated_at, pk__lt=pk))
    items = list(rows.order_by("-updated_at", "-pk")[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    next_cursor = encode(items[-1].updated_at, items[-1].pk) if more and items else None
    return items, next_cursor

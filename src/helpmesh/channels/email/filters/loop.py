"""Mail loops: automatic mail is never answered, and one sender cannot flood the desk."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count

from helpmesh.channels.email import conf
from helpmesh.channels.email.filters import QUARANTINE, Context
from helpmesh.channels.email.models import Direction, MailRef
from helpmesh.core import clock


def check(context: Context) -> None:
    """Mark automatic mail; quarantine a sender over the hourly limit (retry bypasses it)."""
    if context.mail.auto_submitted:
        context.automatic = True
    if context.retry or context.sender is None:
        return
    limit = conf.get("HELPMESH_EMAIL_RATE_LIMIT")
    address = context.sender.address.lower()
    known = context.recent_by_sender
    recent = known[address] if known is not None and address in known else None
    if recent is None:
        recent = recent_counts([address]).get(address, 0)
    if recent >= limit:
        context.stop(QUARANTINE, f"rate limited: {recent} messages from this sender in an hour")


def recent_counts(addresses: list[str]) -> dict[str, int]:
    """How many messages each sender address (lower case) sent us in the last hour."""
    since = clock.now() - timedelta(hours=1)
    rows = (
        MailRef.objects.filter(direction=Direction.IN, address__in=addresses, created_at__gte=since)
        .values("address")
        .annotate(n=Count("id"))
        .values_list("address", "n")
    )
    return {address: 0 for address in addresses} | dict(rows)

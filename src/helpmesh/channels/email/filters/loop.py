"""Mail loops: automatic mail is never answered, and one sender cannot flood the desk."""

from __future__ import annotations

from datetime import timedelta

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
    since = clock.now() - timedelta(hours=1)
    recent = MailRef.objects.filter(
        direction=Direction.IN, address=context.sender.address.lower(), created_at__gte=since
    ).count()
    if recent >= limit:
        context.stop(QUARANTINE, f"rate limited: {recent} messages from this sender in an hour")

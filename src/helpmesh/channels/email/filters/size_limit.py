"""Reject mail larger than HELPMESH_EMAIL_MAX_BYTES: quarantined with a clear reason."""

from __future__ import annotations

from helpmesh.channels.email import conf
from helpmesh.channels.email.filters import QUARANTINE, Context


def check(context: Context) -> None:
    """Quarantine a message whose raw size is over the limit."""
    limit = conf.get("HELPMESH_EMAIL_MAX_BYTES")
    size = len(context.mail.raw)
    if size > limit:
        context.stop(QUARANTINE, f"too large: the message is {size} bytes; the limit is {limit}")

"""A message must name who sent it; Reply-To is not trusted as the sender (it is for replies)."""

from __future__ import annotations

from helpmesh.channels.email.filters import QUARANTINE, Context


def check(context: Context) -> None:
    """Quarantine mail without a readable From address."""
    if context.sender is None or "@" not in context.sender.address:
        context.stop(QUARANTINE, "no readable sender address (From)")

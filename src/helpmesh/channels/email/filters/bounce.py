"""Delivery status notifications: mark the failed address on the customer profile, never reply."""

from __future__ import annotations

from helpmesh.channels.email.filters import IGNORE, Context
from helpmesh.core import audit
from helpmesh.customers import services as customers
from helpmesh.customers.models import IdentityKind


def check(context: Context) -> None:
    """Record each failed recipient as failing and keep the bounce out of the tickets."""
    mail = context.mail
    if not mail.bounce:
        return
    marked = []
    for address in mail.failed_recipients:
        reason = f"bounced: {mail.subject}"[:500]
        if customers.mark_identity_failing(IdentityKind.EMAIL, address, reason):
            marked.append(address)
    for address in marked:
        audit.record("email.bounced", "email", 0, data={"address": address, "id": mail.source_id})
    context.stop(IGNORE, "bounce for " + (", ".join(mail.failed_recipients) or "unknown"))

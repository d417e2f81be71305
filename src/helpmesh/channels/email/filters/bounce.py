"""Delivery status notifications: mark the failed address on the customer profile, never reply.

A bounce that names one of our Message-IDs (the returned headers or message, or its
References) also fails that outgoing mail and shows on its ticket (``email.bounced``).
"""

from __future__ import annotations

from helpmesh.channels.email import classify
from helpmesh.channels.email.filters import IGNORE, Context
from helpmesh.channels.email.models import OutboundMail, SendStatus
from helpmesh.core import audit
from helpmesh.customers import services as customers
from helpmesh.customers.models import IdentityKind


def check(context: Context) -> None:
    """Record each failed recipient as failing and keep the bounce out of the tickets."""
    mail = context.mail
    if not mail.bounce:
        return
    with audit.unit(savepoint=False):  # nothing here is caught and carried on from
        marked = []
        for address in mail.failed_recipients:
            reason = f"bounced: {mail.subject}"[:500]
            if customers.mark_identity_failing(IdentityKind.EMAIL, address, reason):
                marked.append(address)
        matched = _fail_our_mail(context)
        for address in marked:
            if address.lower() not in matched:
                data = {"address": address, "id": mail.source_id}
                audit.record("email.bounced", "email", 0, data=data)
    context.stop(IGNORE, "bounce for " + (", ".join(mail.failed_recipients) or "unknown"))


def _fail_our_mail(context: Context) -> set[str]:
    """Mark the outgoing mail the bounce reports on as failed; the recipients it covered."""
    mail = context.mail
    if mail.message is None:
        return set()
    ids = classify.original_message_ids(mail.message)
    if not ids:
        return set()
    reasons = classify.dsn_reasons(mail.message)
    failed = [a.lower() for a in mail.failed_recipients]
    covered: set[str] = set()
    for sent in OutboundMail.objects.filter(message_id__in=ids[:20]):
        ours = [a.strip().lower() for a in f"{sent.to},{sent.cc}".split(",") if a.strip()]
        recipients = [a for a in failed if a in ours] or failed[:1] or ours[:1]
        detail = "; ".join(f"{a}: {reasons.get(a, '')}".strip(": ") for a in recipients)
        OutboundMail.objects.filter(pk=sent.pk).update(
            status=SendStatus.FAILED, last_error=f"bounced: {detail}"[:2000], next_attempt_at=None
        )
        for address in recipients:
            audit.record(
                "email.bounced",
                "ticket",
                sent.ticket_id,
                data={
                    "mail": sent.pk,
                    "recipient": address,
                    "reason": reasons.get(address, ""),
                    "bounce": mail.source_id,
                },
            )
            covered.add(address)
    return covered

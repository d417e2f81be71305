"""Tell affected customers about an incident before they ask, and status page subscribers too.

Customers are found by the incident's organizations; each gets at most one "opened" notice per
throttle window (across incidents) and a "resolved" notice only if they were told it opened. A
customer who opted out gets nothing. Every notice lands on the customer's timeline as an audit
event ("customer.incident_notice").
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from helpmesh.core import audit, clock
from helpmesh.customers.models import Customer, IdentityKind
from helpmesh.proactive.models import Incident, Outreach, OutreachOptOut, Subscriber

OPT_OUT_SALT = "helpmesh.proactive.opt-out"


def throttle() -> timedelta:
    """The shortest time between two "opened" notices to one customer."""
    return timedelta(seconds=getattr(settings, "HELPMESH_PROACTIVE_OUTREACH_THROTTLE", 3600))


def opt_out_token(customer: Customer) -> str:
    """A signed token for the customer's one-click opt-out link."""
    return signing.dumps(customer.pk, salt=OPT_OUT_SALT)


def opt_out(token: str) -> Customer | None:
    """Stop incident notices to the customer the token names (None: a forged token)."""
    try:
        customer_id = signing.loads(token, salt=OPT_OUT_SALT)
    except signing.BadSignature:
        return None
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        return None
    with audit.unit():
        _, created = OutreachOptOut.objects.get_or_create(
            customer=customer, defaults={"created_at": clock.now()}
        )
        if created:
            audit.record("customer.incident_opt_out", "customer", customer.pk)
    return customer


def _recipients(incident: Incident) -> list[tuple[Customer, str]]:
    opted_out = set(OutreachOptOut.objects.values_list("customer_id", flat=True))
    customers = Customer.objects.filter(
        organization__in=incident.affected_organizations.all(), merged_into__isnull=True
    ).prefetch_related("identities")
    found = []
    for customer in customers:
        if customer.pk in opted_out:
            continue
        address = next(
            (
                i.value
                for i in customer.identities.all()
                if i.kind == IdentityKind.EMAIL and i.failing_since is None
            ),
            "",
        )
        if address:
            found.append((customer, address))
    return found


def _due(incident: Incident, customer: Customer, kind: str) -> bool:
    sent = Outreach.objects.filter(customer=customer)
    if sent.filter(incident=incident, kind=kind).exists():
        return False
    if kind == "resolved":  # only those told it opened hear that it is over
        return sent.filter(incident=incident, kind="opened").exists()
    return not sent.filter(kind="opened", sent_at__gt=clock.now() - throttle()).exists()


def notify_customers(incident: Incident, kind: str) -> int:
    """Email each affected customer once for ``kind`` ("opened", "resolved"); returns how many."""
    sent = 0
    latest = incident.updates.order_by("-created_at", "-id").first()
    for customer, address in _recipients(incident):
        if not _due(incident, customer, kind):
            continue
        context = {
            "incident": incident,
            "kind": kind,
            "latest": latest,
            "customer": customer,
            "base_url": settings.BASE_URL.rstrip("/"),
            "opt_out": opt_out_token(customer),
        }
        EmailMessage(
            subject=_subject(incident, kind),
            body=render_to_string("proactive/email/customer_notice.txt", context),
            to=[address],
            headers={"Auto-Submitted": "auto-generated", "X-Helpmesh-Incident": str(incident.pk)},
        ).send()
        with audit.unit():
            Outreach.objects.create(
                incident=incident,
                customer=customer,
                kind=kind,
                address=address,
                sent_at=clock.now(),
            )
            audit.record(
                "customer.incident_notice",
                "customer",
                customer.pk,
                data={"incident": incident.pk, "kind": kind, "title": incident.title},
            )
        sent += 1
    return sent


def notify_subscribers(incident: Incident, kind: str) -> int:
    """Email every confirmed status page subscriber; returns how many."""
    latest = incident.updates.order_by("-created_at", "-id").first()
    subscribers = Subscriber.objects.filter(
        confirmed_at__isnull=False, unsubscribed_at__isnull=True
    )
    count = 0
    for subscriber in subscribers:
        context = {
            "incident": incident,
            "kind": kind,
            "latest": latest,
            "base_url": settings.BASE_URL.rstrip("/"),
            "subscriber": subscriber,
        }
        EmailMessage(
            subject=_subject(incident, kind),
            body=render_to_string("proactive/email/subscriber_notice.txt", context),
            to=[subscriber.email],
            headers={"Auto-Submitted": "auto-generated", "X-Helpmesh-Incident": str(incident.pk)},
        ).send()
        count += 1
    return count


def _subject(incident: Incident, kind: str) -> str:
    return f"[{'Resolved' if kind == 'resolved' else 'Incident'}] {incident.title}"

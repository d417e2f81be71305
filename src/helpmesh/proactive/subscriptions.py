"""Status page subscriptions by email, with double opt-in: a subscriber is written to only after
following the link we mailed, and leaves with the link in every notice."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.template.loader import render_to_string

from helpmesh.core import audit, clock
from helpmesh.proactive.models import Subscriber
from helpmesh.proactive.services import ProactiveError


def subscribe(email: str) -> Subscriber:
    """Ask ``email`` to confirm (again, if it never did or left); the address is not yet used."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ProactiveError("enter a valid email address", field="email") from None
    with audit.unit():
        subscriber = Subscriber.objects.filter(email=email).first()
        if subscriber is None:
            subscriber = Subscriber.objects.create(
                email=email, token=secrets.token_urlsafe(32), created_at=clock.now()
            )
            audit.record("subscriber.created", "subscriber", subscriber.pk)
        elif subscriber.unsubscribed_at is not None:  # coming back: confirm again
            Subscriber.objects.filter(pk=subscriber.pk).update(
                unsubscribed_at=None, confirmed_at=None
            )
            subscriber.refresh_from_db()
    if subscriber.confirmed_at is None:
        context = {"subscriber": subscriber, "base_url": settings.BASE_URL.rstrip("/")}
        EmailMessage(
            subject="Confirm your status updates",
            body=render_to_string("proactive/email/confirm.txt", context),
            to=[email],
            headers={"Auto-Submitted": "auto-generated"},
        ).send()
    return subscriber


def confirm(token: str) -> Subscriber | None:
    """Follow the mailed link: the subscription starts (None for an unknown token)."""
    subscriber = Subscriber.objects.filter(token=token, unsubscribed_at__isnull=True).first()
    if subscriber is None or subscriber.confirmed_at is not None:
        return subscriber
    with audit.unit():
        Subscriber.objects.filter(pk=subscriber.pk).update(confirmed_at=clock.now())
        audit.record("subscriber.confirmed", "subscriber", subscriber.pk)
    subscriber.refresh_from_db()
    return subscriber


def unsubscribe(token: str) -> Subscriber | None:
    """Stop all status mail to the subscriber the token names (None for an unknown token)."""
    subscriber = Subscriber.objects.filter(token=token).first()
    if subscriber is None or subscriber.unsubscribed_at is not None:
        return subscriber
    with audit.unit():
        Subscriber.objects.filter(pk=subscriber.pk).update(unsubscribed_at=clock.now())
        audit.record("subscriber.unsubscribed", "subscriber", subscriber.pk)
    subscriber.refresh_from_db()
    return subscriber

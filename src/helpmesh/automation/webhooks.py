"""Outgoing webhooks: HMAC-SHA256 signed JSON, delivered by the task queue with back-off.

Signature header (Stripe-style, so receivers can reject replays):
    X-Helpmesh-Signature: t=<unix seconds>,v1=<hex hmac_sha256(secret, "<t>.<body>")>
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from helpmesh.automation import targets
from helpmesh.automation.models import DeliveryState, WebhookDelivery
from helpmesh.core import clock

HEADER = "X-Helpmesh-Signature"
BACKOFF = [timedelta(minutes=m) for m in (1, 5, 30, 120, 720)]  # then give up
TIMEOUT = 10


def body_of(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, cls=DjangoJSONEncoder, sort_keys=True).encode()


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The signature header value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, body: bytes, header: str, *, now: int, tolerance: int = 300) -> bool:
    """What a receiver does: recompute, compare in constant time, refuse stale timestamps."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, body, timestamp), header)


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST ``body`` and return the HTTP status (tests may replace this).

    The SSRF guard runs here, right before connecting: ``url`` is resolved once, checked
    (targets.check) and the connection goes to the checked address. Redirects are not followed.
    """
    target = targets.check(url)
    connection = targets.connection(target, TIMEOUT)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        return int(connection.getresponse().status)
    finally:
        connection.close()


def attempt(delivery_id: int) -> str:
    """Try one delivery once; claims it atomically so two workers never send it twice."""
    now = clock.now()
    row = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if row is None or row.state != DeliveryState.PENDING:
        return "skipped"
    if row.next_attempt_at and row.next_attempt_at > now:
        return "not due"
    claimed = WebhookDelivery.objects.filter(
        pk=row.pk, attempts=row.attempts, state=DeliveryState.PENDING
    )
    if not claimed.update(attempts=row.attempts + 1, next_attempt_at=now + BACKOFF[0]):
        return "claimed elsewhere"
    body = body_of(row.payload)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "helpmesh-webhooks",
        HEADER: sign(row.webhook.secret, body, int(now.timestamp())),
        "X-Helpmesh-Delivery": str(row.pk),
        "X-Helpmesh-Event": row.event,
    }
    try:
        status = post(row.webhook.url, body, headers)
        error = "" if 200 <= status < 300 else f"HTTP {status}"
    except targets.RefusedTarget as exc:  # retrying would only knock on the same door again
        return _record(row, 0, f"refused: {exc}"[:500], give_up=True)
    except Exception as exc:  # any network failure is retried, never raised into a request
        status, error = 0, f"{type(exc).__name__}: {exc}"[:500]
    return _record(row, status, error)


def _record(row: WebhookDelivery, status: int, error: str, *, give_up: bool = False) -> str:
    now = clock.now()
    attempts = row.attempts + 1
    fields: dict[str, Any] = {"response_status": status or None, "last_error": error}
    if not error:
        fields.update(state=DeliveryState.DELIVERED, delivered_at=now, next_attempt_at=None)
    elif give_up or attempts > len(BACKOFF):
        fields.update(state=DeliveryState.FAILED, next_attempt_at=None)
    else:
        fields.update(next_attempt_at=now + BACKOFF[attempts - 1])
    WebhookDelivery.objects.filter(pk=row.pk).update(**fields)
    return str(fields.get("state", "retry"))

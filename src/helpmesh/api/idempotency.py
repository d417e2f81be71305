"""Idempotency-Key support for create endpoints: a retry gets the first answer back."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from helpmesh.api.errors import ApiError
from helpmesh.core import clock
from helpmesh.core.models import IdempotencyKey

HEADER = "HTTP_IDEMPOTENCY_KEY"
# Short enough to sit inside an inbound contact's source id ("api:<user>:<key>", 255 chars).
MAX_KEY = 200


def once(request: HttpRequest, create: Callable[[], tuple[int, Any]]) -> tuple[int, Any]:
    """Answer a retried create (same key, user and path) with the first answer."""
    key = key_of(request)
    if not key:
        return create()
    scope = f"{request.method} {request.path}"
    ident = {"user_id": request.user.pk, "key": key, "scope": scope}
    stored = IdempotencyKey.objects.filter(**ident).first()
    if stored:
        return stored.status, stored.body
    # Not one transaction around create(): a rejected contact must stay quarantined when the
    # request fails. Two truly simultaneous retries are folded by the pipeline's source id.
    status, body = create()
    body = json.loads(json.dumps(body, cls=DjangoJSONEncoder))  # what a retry will get back
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(**ident, status=status, body=body, created_at=clock.now())
    except IntegrityError:
        stored = IdempotencyKey.objects.filter(**ident).first()
        if stored is not None:
            return stored.status, stored.body
    return status, body


def key_of(request: HttpRequest) -> str:
    """The request's Idempotency-Key header, or ''; a key too long to store is a 400.

    Never truncated: two long keys that share a prefix must not answer for each other.
    """
    key = request.META.get(HEADER, "").strip()
    if len(key) > MAX_KEY:
        raise ApiError(
            400,
            "invalid",
            f"Idempotency-Key is longer than {MAX_KEY} characters",
            "Idempotency-Key",
        )
    return key

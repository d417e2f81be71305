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


def once(request: HttpRequest, create: Callable[[], tuple[int, Any]]) -> tuple[int, Any]:
    """Answer a retried create (same key, user and path) with the first answer."""
    key = request.META.get(HEADER, "").strip()
    if not key:
        return create()
    if len(key) > 255:
        raise ApiError(
            400, "invalid", "Idempotency-Key is longer than 255 characters", "Idempotency-Key"
        )
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
    """The request's Idempotency-Key header, or ''."""
    return request.META.get(HEADER, "").strip()[:200]

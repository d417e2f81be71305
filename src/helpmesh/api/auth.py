"""API authentication: bearer tokens for programs, the session cookie for the web UI."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from helpmesh.accounts.services import user_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


AUTH = [BearerToken(), django_auth]


def _anonymous(request: HttpRequest) -> bool:
    # Public reading needs no account; a request that sends a token must send a valid one (401).
    return "HTTP_AUTHORIZATION" not in request.META


OPEN = [*AUTH, _anonymous]  # operations anyone may call; request.user says who, if anyone


def viewer(request: HttpRequest) -> Any:
    """The signed-in user behind an ``OPEN`` request, or None for an anonymous one."""
    from helpmesh.accounts.models import User

    user = getattr(request, "user", None)
    return user if isinstance(user, User) and user.is_authenticated else None

"""API authentication: bearer tokens for programs, the session cookie for the web UI."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from helpmesh.accounts.services import user_for_token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class SignedInSession(SessionAuth):
    """The web UI's session cookie, CSRF-checked when it signs someone in.

    Ninja's ``django_auth`` checks CSRF first, so a request with no session and no token got 403
    "CSRF check Failed" where it should get 401. An anonymous session has nothing to forge.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # authenticate() answers None: on to 401
        return super()._get_key(request)


AUTH = [BearerToken(), SignedInSession()]


def _anonymous(request: HttpRequest) -> bool:
    # Public reading needs no account; a request that sends a token must send a valid one (401).
    return "HTTP_AUTHORIZATION" not in request.META


OPEN = [*AUTH, _anonymous]  # operations anyone may call; request.user says who, if anyone


def viewer(request: HttpRequest) -> Any:
    """The signed-in user behind an ``OPEN`` request, or None for an anonymous one."""
    from helpmesh.accounts.models import User

    user = getattr(request, "user", None)
    return user if isinstance(user, User) and user.is_authenticated else None

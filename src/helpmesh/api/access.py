"""Role checks shared by every API router: one wording of "forbidden", one place to change it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from helpmesh.accounts.models import User
from helpmesh.api.errors import ApiError, ErrorOut

# The error answers every operation may give; routers spread it into ``response=``.
ERRORS: dict[int, Any] = {code: ErrorOut for code in (400, 401, 403, 404, 409)}


def require_agent(request: HttpRequest, detail: str = "this is for agents") -> User:
    """The signed-in staff member (admin, agent or light agent), else 403 with ``detail``."""
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_agent:
        raise ApiError(403, "forbidden", detail)
    return user


def require_admin(request: HttpRequest, detail: str = "only admins may do this") -> User:
    """The signed-in admin, else 403 with ``detail``."""
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_admin:
        raise ApiError(403, "forbidden", detail)
    return user

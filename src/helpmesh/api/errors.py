"""One error shape for every API answer that is not a success.

    {"code": "invalid", "detail": "a message needs a body", "field": "body"}

``code`` is stable (clients switch on it); ``field`` names the input at fault, if one is.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from helpmesh.community.errors import CommunityError
from helpmesh.conversations.errors import TicketError
from helpmesh.customers.services import CustomerError


class ErrorOut(Schema):
    code: str
    detail: str
    field: str = ""


class ApiError(Exception):
    def __init__(self, status: int, code: str, detail: str, field: str = "") -> None:
        super().__init__(detail)
        self.status, self.code, self.detail, self.field = status, code, detail, field


def not_found(what: str = "ticket") -> ApiError:
    # Another customer's ticket answers exactly like a missing one: no existence oracle.
    return ApiError(404, "not_found", f"no such {what}")


def field_of(errors: list[dict[str, Any]]) -> str:
    """The dotted name of the first input pydantic refused (``tags``, ``attachments.0.filename``).

    A body's ``loc`` starts with ``body`` and the handler's parameter name; queries and paths
    start with ``query``/``path``. Neither prefix is something a client sent.
    """
    loc = [str(part) for part in errors[0].get("loc", ())] if errors else []
    return ".".join(loc[2:] if loc[:1] == ["body"] else loc[1:])


# "UNIQUE constraint failed: accounts_team.slug" (SQLite), "Key (slug)=(ops) already exists" (PG)
_UNIQUE_COLUMN = re.compile(r"UNIQUE constraint failed: \w+\.(\w+)|Key \((\w+)\)=")


def conflicting_field(exc: IntegrityError) -> str:
    """The column a unique conflict names, when the database says (else "")."""
    found = _UNIQUE_COLUMN.search(str(exc))
    return next((g for g in found.groups() if g), "") if found else ""


def install(api: NinjaAPI) -> None:
    """Register the handlers that turn domain errors into the shape above."""

    def answer(
        request: HttpRequest, status: int, code: str, detail: str, field: str = ""
    ) -> HttpResponse:
        return api.create_response(
            request, {"code": code, "detail": detail, "field": field}, status=status
        )

    @api.exception_handler(ApiError)
    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return answer(request, exc.status, exc.code, exc.detail, exc.field)

    @api.exception_handler(TicketError)
    def on_ticket_error(request: HttpRequest, exc: TicketError) -> HttpResponse:
        return answer(request, exc.status, exc.code, exc.message, exc.field)

    @api.exception_handler(CustomerError)
    def on_customer_error(request: HttpRequest, exc: CustomerError) -> HttpResponse:
        status = 409 if exc.code == "identity_taken" else 400
        return answer(request, status, exc.code, str(exc), exc.field)

    @api.exception_handler(CommunityError)
    def on_community_error(request: HttpRequest, exc: CommunityError) -> HttpResponse:
        response = answer(request, exc.status, exc.code, exc.message, exc.field)
        retry_after = getattr(exc, "retry_after", None)  # a rate limit says when to come back
        if retry_after:
            response["Retry-After"] = str(retry_after)
        return response

    @api.exception_handler(AuthenticationError)
    def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return answer(request, 401, "unauthorized", "send Authorization: Bearer <token>")

    @api.exception_handler(ValidationError)
    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        # pydantic's list stays in ``detail`` (clients read ``detail[].loc``); ``code`` and
        # ``field`` make it the same shape as every other error.
        body = {"code": "invalid", "detail": exc.errors, "field": field_of(exc.errors)}
        return api.create_response(request, body, status=422)

    @api.exception_handler(IntegrityError)
    def on_integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        # A last line: services map the conflicts they expect; a race past them is still a 409.
        field = conflicting_field(exc)
        return answer(request, 409, "conflict", f"{field or 'a value'} is already taken", field)

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return answer(request, exc.status_code, "error", str(exc))

"""One error shape for every API answer that is not a success.

    {"code": "invalid", "detail": "a message needs a body", "field": "body"}

``code`` is stable (clients switch on it); ``field`` names the input at fault, if one is.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError

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

    @api.exception_handler(AuthenticationError)
    def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return answer(request, 401, "unauthorized", "send Authorization: Bearer <token>")

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return answer(request, exc.status_code, "error", str(exc))

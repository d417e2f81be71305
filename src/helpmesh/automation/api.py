"""Automation over REST: triggers, macros and webhooks (admins), macros on tickets (agents),
webhook delivery logs and redelivery (admins). Handlers parse, check the role, call services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from helpmesh.accounts.models import User
from helpmesh.api.access import ERRORS, require_admin, require_agent
from helpmesh.api.errors import ApiError, not_found
from helpmesh.api.params import Limit
from helpmesh.api.schemas import BodyIn
from helpmesh.automation import services
from helpmesh.automation.models import Macro, Trigger, Webhook, WebhookDelivery
from helpmesh.conversations import presenters, schemas
from helpmesh.conversations.permissions import can_edit_ticket, visible_tickets

router = Router(tags=["automation"])
Row = TypeVar("Row", Trigger, Macro, Webhook)


class TriggerIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    event: str
    position: int = 0
    is_active: bool = True
    when: dict[str, Any] = {}
    actions: list[Any] = []


class TriggerPatch(BodyIn):
    name: str | None = None
    event: str | None = None
    position: int | None = None
    is_active: bool | None = None
    when: dict[str, Any] | None = None
    actions: list[Any] | None = None


class TriggerOut(Schema):
    id: int
    name: str
    event: str
    position: int
    is_active: bool
    when: dict[str, Any]
    actions: list[Any]


class MacroIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    description: str = ""
    is_active: bool = True
    actions: list[Any] = []
    reply: str = ""


class MacroPatch(BodyIn):
    name: str | None = None
    description: str | None = None
    is_active: bool | None = None
    actions: list[Any] | None = None
    reply: str | None = None


class MacroOut(Schema):
    id: int
    name: str
    description: str
    is_active: bool
    actions: list[Any]
    reply: str


class WebhookIn(Schema):
    name: str = Field(min_length=1, max_length=64)
    url: str = Field(min_length=1, max_length=500)
    secret: str = Field(min_length=services.MIN_SECRET, max_length=128)
    events: list[str] = []
    is_active: bool = True


class WebhookPatch(BodyIn):
    name: str | None = None
    url: str | None = None
    secret: str | None = None
    events: list[str] | None = None
    is_active: bool | None = None


class WebhookOut(Schema):
    """The secret is write-only: answers say only whether one is set."""

    id: int
    name: str
    url: str
    events: list[str]
    is_active: bool
    has_secret: bool


class DeliveryOut(Schema):
    id: int
    event: str
    state: str
    attempts: int
    response_status: int | None
    last_error: str
    created_at: datetime
    next_attempt_at: datetime | None
    delivered_at: datetime | None


class DeliveryFilters(Schema):
    state: str | None = None
    limit: Limit = 50


@contextmanager
def _refusals() -> Iterator[None]:
    """A service's refusal becomes the API's error shape, naming the field."""
    try:
        yield
    except services.AutomationError as exc:
        raise ApiError(exc.status, exc.code, str(exc), exc.field) from None


def _admin(request: HttpRequest) -> User:
    return require_admin(request, "only admins change automation")


def _one(model: type[Row], pk: int) -> Row:
    row = model.objects.filter(pk=pk).first()
    if row is None:
        raise not_found(model.__name__.lower())
    return row


def _sent(payload: Schema) -> dict[str, Any]:
    return payload.model_dump(exclude_unset=True)


def _webhook_dict(webhook: Webhook) -> dict[str, Any]:
    return {
        "id": webhook.pk,
        "name": webhook.name,
        "url": webhook.url,
        "events": webhook.events,
        "is_active": webhook.is_active,
        "has_secret": bool(webhook.secret),
    }


# Triggers (admins)


@router.get("/triggers", response={200: list[TriggerOut], **ERRORS})
def list_triggers(request: HttpRequest) -> Any:
    """Every trigger in the order they run."""
    _admin(request)
    return list(Trigger.objects.all())


@router.post("/triggers", response={201: TriggerOut, **ERRORS})
def create_trigger(request: HttpRequest, payload: TriggerIn) -> Any:
    """A bad condition or action answers 400 naming it: ``when.tier``, ``actions[2].set_colour``."""
    user = _admin(request)
    with _refusals():
        return Status(201, services.save_trigger(None, _sent(payload), actor=user))


@router.get("/triggers/{trigger_id}", response={200: TriggerOut, **ERRORS})
def get_trigger(request: HttpRequest, trigger_id: int) -> Any:
    _admin(request)
    return _one(Trigger, trigger_id)


@router.patch("/triggers/{trigger_id}", response={200: TriggerOut, **ERRORS})
def update_trigger(request: HttpRequest, trigger_id: int, payload: TriggerPatch) -> Any:
    user = _admin(request)
    with _refusals():
        return services.save_trigger(_one(Trigger, trigger_id), _sent(payload), actor=user)


@router.delete("/triggers/{trigger_id}", response={204: None, **ERRORS})
def delete_trigger(request: HttpRequest, trigger_id: int) -> Any:
    user = _admin(request)
    services.delete_trigger(_one(Trigger, trigger_id), actor=user)
    return Status(204, None)


# Macros: agents list and apply the ones they may use; admins manage them all.


def _macros_for(user: User) -> Any:
    return Macro.objects.all() if user.is_admin else services.macros_for(user)


@router.get("/macros", response={200: list[MacroOut], **ERRORS})
def list_macros(request: HttpRequest) -> Any:
    """Agents: the macros they may apply. Admins: every macro, switched off or not."""
    user = require_agent(request, "macros are for agents")
    return list(_macros_for(user))


@router.post("/macros", response={201: MacroOut, **ERRORS})
def create_macro(request: HttpRequest, payload: MacroIn) -> Any:
    user = _admin(request)
    with _refusals():
        return Status(201, services.save_macro(None, _sent(payload), actor=user))


@router.get("/macros/{macro_id}", response={200: MacroOut, **ERRORS})
def get_macro(request: HttpRequest, macro_id: int) -> Any:
    user = require_agent(request, "macros are for agents")
    macro = _macros_for(user).filter(pk=macro_id).first()
    if macro is None:
        raise not_found("macro")
    return macro


@router.patch("/macros/{macro_id}", response={200: MacroOut, **ERRORS})
def update_macro(request: HttpRequest, macro_id: int, payload: MacroPatch) -> Any:
    user = _admin(request)
    with _refusals():
        return services.save_macro(_one(Macro, macro_id), _sent(payload), actor=user)


@router.delete("/macros/{macro_id}", response={204: None, **ERRORS})
def delete_macro(request: HttpRequest, macro_id: int) -> Any:
    user = _admin(request)
    services.delete_macro(_one(Macro, macro_id), actor=user)
    return Status(204, None)


@router.post("/tickets/{ticket_id}/macros/{macro_id}", response={200: schemas.TicketOut, **ERRORS})
def apply_macro(request: HttpRequest, ticket_id: int, macro_id: int) -> Any:
    """Apply a macro to a ticket the agent can see, with the agent's permissions."""
    user = require_agent(request, "macros are for agents")
    ticket = visible_tickets(user).filter(pk=ticket_id).first()
    if ticket is None:
        raise not_found()
    if not can_edit_ticket(user):
        raise ApiError(403, "forbidden", "light agents cannot apply macros")
    macro = services.macros_for(user).filter(pk=macro_id).first()
    if macro is None:
        raise not_found("macro")
    with _refusals():
        services.apply_macro(macro, ticket, actor=user)
    return presenters.ticket_dicts([ticket])[0]


# Webhooks and their deliveries (admins)


@router.get("/webhooks", response={200: list[WebhookOut], **ERRORS})
def list_webhooks(request: HttpRequest) -> Any:
    _admin(request)
    return [_webhook_dict(w) for w in Webhook.objects.all()]


@router.post("/webhooks", response={201: WebhookOut, **ERRORS})
def create_webhook(request: HttpRequest, payload: WebhookIn) -> Any:
    """The URL must be http(s) to a public address (docs/automation.md: the SSRF guard)."""
    user = _admin(request)
    with _refusals():
        webhook = services.save_webhook(None, _sent(payload), actor=user)
    return Status(201, _webhook_dict(webhook))


@router.get("/webhooks/{webhook_id}", response={200: WebhookOut, **ERRORS})
def get_webhook(request: HttpRequest, webhook_id: int) -> Any:
    _admin(request)
    return _webhook_dict(_one(Webhook, webhook_id))


@router.patch("/webhooks/{webhook_id}", response={200: WebhookOut, **ERRORS})
def update_webhook(request: HttpRequest, webhook_id: int, payload: WebhookPatch) -> Any:
    """Send ``secret`` to rotate it; it is never shown again."""
    user = _admin(request)
    with _refusals():
        webhook = services.save_webhook(_one(Webhook, webhook_id), _sent(payload), actor=user)
    return _webhook_dict(webhook)


@router.delete("/webhooks/{webhook_id}", response={204: None, **ERRORS})
def delete_webhook(request: HttpRequest, webhook_id: int) -> Any:
    user = _admin(request)
    services.delete_webhook(_one(Webhook, webhook_id), actor=user)
    return Status(204, None)


@router.get("/webhooks/{webhook_id}/deliveries", response={200: list[DeliveryOut], **ERRORS})
def list_deliveries(request: HttpRequest, webhook_id: int, filters: Query[DeliveryFilters]) -> Any:
    """The most recent deliveries first: state, attempts, last status and error."""
    _admin(request)
    rows = _one(Webhook, webhook_id).deliveries.order_by("-created_at", "-pk")
    if filters.state:
        rows = rows.filter(state=filters.state)
    return list(rows[: filters.limit])


@router.post(
    "/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
    response={202: DeliveryOut, **ERRORS},
)
def redeliver(request: HttpRequest, webhook_id: int, delivery_id: int) -> Any:
    """Queue the delivery's event again as a new delivery (409 while it is still pending)."""
    user = _admin(request)
    delivery = WebhookDelivery.objects.filter(pk=delivery_id, webhook_id=webhook_id).first()
    if delivery is None:
        raise not_found("delivery")
    with _refusals():
        return Status(202, services.redeliver(delivery, actor=user))

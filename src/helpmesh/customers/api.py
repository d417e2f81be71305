"""Customer profiles over REST (agents and admins)."""

from __future__ import annotations

from typing import Annotated, Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from helpmesh.api import idempotency
from helpmesh.api.access import ERRORS, require_admin, require_agent
from helpmesh.api.errors import ApiError
from helpmesh.api.params import IdFilter, Limit, Offset
from helpmesh.api.schemas import BodyIn
from helpmesh.customers import services
from helpmesh.customers.models import Customer, CustomerIdentity, Organization

router = Router(tags=["customers"])


MAX_IDENTITIES = 20  # per request: bounded before it becomes one query per identity


class IdentityIO(Schema):
    kind: str = Field("email", max_length=20)
    value: str = Field(min_length=1, max_length=254)


Identities = Annotated[list[IdentityIO], Field(max_length=MAX_IDENTITIES)]


class CustomerIn(BodyIn):
    name: str = Field("", max_length=200)
    email: str | None = Field(None, max_length=254)
    identities: Identities = []
    organization_id: int | None = None
    language: str = ""
    timezone: str = ""
    notes: str = ""


class CustomerPatch(BodyIn):
    name: str | None = Field(None, max_length=200)
    organization_id: int | None = None
    language: str | None = None
    timezone: str | None = None
    notes: str | None = None
    add_identities: Identities = []


class CustomerOut(Schema):
    id: int
    name: str
    email: str
    identities: list[IdentityIO]
    organization_id: int | None
    language: str
    timezone: str
    notes: str
    merged_into_id: int | None


class CustomerFilters(Schema):
    q: str | None = None
    organization: IdFilter | None = None
    offset: Offset = 0
    limit: Limit = 50


def _agent_only(request: HttpRequest) -> None:
    require_agent(request, "customer profiles are for agents")


def _customer(customer_id: int) -> Customer:
    customer = Customer.objects.prefetch_related("identities").filter(pk=customer_id).first()
    if customer is None:
        raise ApiError(404, "not_found", "no such customer")
    return customer


def _dict(customer: Customer) -> dict[str, Any]:
    identities = list(customer.identities.all())
    return {
        "id": customer.pk,
        "name": customer.name,
        "email": customer.primary_address(),
        "identities": [{"kind": i.kind, "value": i.value} for i in identities],
        "organization_id": customer.organization_id,
        "language": customer.language,
        "timezone": customer.timezone,
        "notes": customer.notes,
        "merged_into_id": customer.merged_into_id,
    }


def _organization(org_id: int | None) -> Organization | None:
    if org_id is None:
        return None
    org = Organization.objects.filter(pk=org_id).first()
    if org is None:
        raise ApiError(400, "invalid", f"organization {org_id} does not exist", "organization_id")
    return org


@router.get("/customers", response={200: list[CustomerOut], **ERRORS})
def list_customers(request: HttpRequest, filters: Query[CustomerFilters]) -> Any:
    _agent_only(request)
    rows = Customer.objects.filter(merged_into__isnull=True).prefetch_related("identities")
    if filters.q:
        hits = CustomerIdentity.objects.filter(value__icontains=filters.q).values("customer_id")
        rows = rows.filter(Q(name__icontains=filters.q) | Q(pk__in=hits))
    if filters.organization is not None:
        rows = rows.filter(organization_id=filters.organization)
    rows = rows.order_by("name", "pk")[filters.offset : filters.offset + filters.limit]
    return [_dict(c) for c in rows]


@router.post("/customers", response={201: CustomerOut, **ERRORS})
def create_customer(request: HttpRequest, payload: CustomerIn) -> Any:
    _agent_only(request)
    identities = [(i.kind, i.value) for i in payload.identities]
    if payload.email:
        identities.insert(0, ("email", payload.email))

    def create() -> tuple[int, Any]:
        customer = services.create_customer(
            name=payload.name,
            identities=identities,
            organization=_organization(payload.organization_id),
            actor=request.user,
            language=payload.language,
            timezone=payload.timezone,
            notes=payload.notes,
        )
        return 201, _dict(_customer(customer.pk))

    return Status(*idempotency.once(request, create))


@router.get("/customers/{customer_id}", response={200: CustomerOut, **ERRORS})
def get_customer(request: HttpRequest, customer_id: int) -> Any:
    _agent_only(request)
    return _dict(_customer(customer_id))


@router.patch("/customers/{customer_id}", response={200: CustomerOut, **ERRORS})
def update_customer(request: HttpRequest, customer_id: int, payload: CustomerPatch) -> Any:
    _agent_only(request)
    customer = _customer(customer_id)
    changes = {
        k: getattr(payload, k)
        for k in ("name", "language", "timezone", "notes")
        if getattr(payload, k) is not None
    }
    if "organization_id" in payload.model_fields_set:
        changes["organization"] = _organization(payload.organization_id)
    if changes:
        services.update_customer(customer, actor=request.user, **changes)
    for identity in payload.add_identities:
        services.add_identity(customer, identity.kind, identity.value, actor=request.user)
    return _dict(_customer(customer_id))


@router.delete("/customers/{customer_id}", response={204: None, **ERRORS})
def delete_customer(request: HttpRequest, customer_id: int) -> Any:
    """Delete a profile that has no tickets (a profile with history is merged, not deleted)."""
    require_admin(request, "only admins delete customers")
    customer = _customer(customer_id)
    if customer.tickets.exists():
        raise ApiError(409, "has_tickets", "this customer has tickets; merge it instead")
    services.delete_customer(customer, actor=request.user)
    return Status(204, None)

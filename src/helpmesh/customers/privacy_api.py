"""GDPR through the API (admins): a customer's export and their erasure (customers.privacy)."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Router, Schema

from helpmesh.api.access import ERRORS, require_admin
from helpmesh.api.errors import ApiError
from helpmesh.api.params import MAX_ID
from helpmesh.customers import privacy
from helpmesh.customers.models import Customer

router = Router(tags=["customers"])
CustomerId = Annotated[int, Path(ge=1, le=MAX_ID)]


class ErasureOut(Schema):
    customer_id: int
    erased: dict[str, int]


def _customer(customer_id: int) -> Customer:
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise ApiError(404, "not_found", "no such customer")
    if customer.merged_into_id:
        detail = f"this profile was merged into customer {customer.merged_into_id}: use that one"
        raise ApiError(409, "merged", detail, "customer_id")
    return customer


@router.get("/customers/{customer_id}/export", response={200: dict[str, Any], **ERRORS})
def export_customer(request: HttpRequest, customer_id: CustomerId) -> Any:
    """Everything helpmesh holds about the customer, as one JSON document (admins only)."""
    require_admin(request, "only admins export a customer's data")
    return privacy.export_customer(_customer(customer_id))


@router.post("/customers/{customer_id}/erase", response={200: ErasureOut, **ERRORS})
def erase_customer(request: HttpRequest, customer_id: CustomerId) -> Any:
    """Redact the customer's content and identities everywhere (admins only); the counts."""
    admin = require_admin(request, "only admins erase a customer")
    customer = _customer(customer_id)
    return {"customer_id": customer.pk, "erased": privacy.erase_customer(customer, actor=admin)}

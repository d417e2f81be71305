"""The only writers of customers, organizations and identities."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError

from helpmesh.accounts.models import User
from helpmesh.core import audit, clock
from helpmesh.customers.models import Customer, CustomerIdentity, IdentityKind, Organization


class CustomerError(Exception):
    """A customer operation that cannot be done; ``field`` names the offending input."""

    def __init__(self, message: str, *, field: str = "", code: str = "invalid") -> None:
        super().__init__(message)
        self.field, self.code = field, code


def normalize_identity(kind: str, value: str) -> str:
    """The canonical spelling of an identity, so the same person is found however it is typed."""
    value = value.strip()
    if kind == IdentityKind.EMAIL:
        if "@" not in value or value.startswith("@") or value.endswith("@"):
            raise CustomerError(f"{value!r} is not an email address", field="email")
        return value.lower()
    if kind in (IdentityKind.TWITTER, IdentityKind.COMMUNITY):
        return value.lstrip("@").lower()
    if kind == IdentityKind.PHONE:
        return "".join(ch for ch in value if ch.isdigit() or ch == "+")
    return value


def organization_for_email(address: str) -> Organization | None:
    """The organization whose domains include the address's domain, if any."""
    domain = address.rsplit("@", 1)[-1].lower()
    for org in Organization.objects.filter(domains__icontains=domain):
        if domain in org.domain_list():
            return org
    return None


def create_organization(
    name: str, *, domains: str = "", shares_tickets: bool = False
) -> Organization:
    """Create a customer organization."""
    with audit.unit():
        org = Organization.objects.create(
            name=name, domains=domains, shares_tickets=shares_tickets, created_at=clock.now()
        )
        audit.record("organization.created", "organization", org.pk, data={"name": name})
    return org


def create_customer(
    *,
    name: str = "",
    identities: list[tuple[str, str]] | None = None,
    organization: Organization | None = None,
    user: User | None = None,
    actor: Any = None,
    **fields: Any,
) -> Customer:
    """Create a profile with its identities; an identity someone else owns is an error.

    A profile names someone: it needs a name, an identity or a login.
    """
    if not name.strip() and not identities and user is None:
        raise CustomerError("a customer needs a name, an email or an identity", field="name")
    now = clock.now()
    identities = [(k, normalize_identity(k, v)) for k, v in (identities or [])]
    if organization is None:
        emails = [v for k, v in identities if k == IdentityKind.EMAIL]
        organization = organization_for_email(emails[0]) if emails else None
    try:
        with audit.unit():
            customer = Customer.objects.create(
                name=name,
                organization=organization,
                user=user,
                created_at=now,
                updated_at=now,
                **fields,
            )
            CustomerIdentity.objects.bulk_create(
                CustomerIdentity(customer=customer, kind=k, value=v, is_primary=i == 0)
                for i, (k, v) in enumerate(identities)
            )
            audit.record(
                "customer.created",
                "customer",
                customer.pk,
                actor=actor,
                data={"name": name, "identities": [f"{k}:{v}" for k, v in identities]},
            )
    except IntegrityError:
        raise CustomerError(
            "one of these identities already belongs to another customer",
            field="identities",
            code="identity_taken",
        ) from None
    return customer


def find(kind: str, value: str) -> Customer | None:
    """The live profile that owns an identity (following merges), or None."""
    identity = (
        CustomerIdentity.objects.select_related("customer")
        .filter(kind=kind, value=normalize_identity(kind, value))
        .first()
    )
    if identity is None:
        return None
    customer = identity.customer
    while customer.merged_into_id:
        customer = Customer.objects.get(pk=customer.merged_into_id)
    return customer


def identify(kind: str, value: str, *, name: str = "") -> tuple[Customer, bool]:
    """Find the customer behind an identity, creating a profile when it is new.

    Returns (customer, created). Safe under concurrency: two first contacts from the same new
    address end up on one profile.
    """
    existing = find(kind, value)
    if existing is not None:
        return existing, False
    try:
        return create_customer(name=name, identities=[(kind, value)]), True
    except CustomerError:
        found = find(kind, value)  # another request created it between our look and our write
        if found is None:
            raise
        return found, False


def customer_for_user(user: User) -> Customer:
    """The profile behind a portal login, linking an existing profile by email on first use."""
    try:
        return user.customer  # type: ignore[no-any-return]  # often loaded with the user
    except Customer.DoesNotExist:
        pass
    with audit.unit():
        customer = find(IdentityKind.EMAIL, user.email)
        if customer is None:
            return create_customer(
                name=user.name, identities=[(IdentityKind.EMAIL, user.email)], user=user
            )
        Customer.objects.filter(pk=customer.pk).update(user=user)
        customer.user = user
        audit.record("customer.login_linked", "customer", customer.pk, data={"user": user.pk})
    return customer


def update_customer(customer: Customer, *, actor: Any = None, **changes: Any) -> Customer:
    """Change profile fields (name, organization, language, timezone, notes)."""
    allowed = {"name", "organization", "language", "timezone", "notes"}
    unknown = set(changes) - allowed
    if unknown:
        raise CustomerError(f"cannot change {sorted(unknown)}", field=sorted(unknown)[0])
    with audit.unit():
        for key, value in changes.items():
            setattr(customer, key, value)
        customer.updated_at = clock.now()
        customer.save()
        shown = {k: getattr(v, "pk", v) for k, v in changes.items()}
        audit.record("customer.updated", "customer", customer.pk, actor=actor, data=shown)
    return customer


def add_identity(
    customer: Customer, kind: str, value: str, *, actor: Any = None
) -> CustomerIdentity:
    """Attach another address or handle to a profile."""
    value = normalize_identity(kind, value)
    try:
        with audit.unit():
            identity = CustomerIdentity.objects.create(customer=customer, kind=kind, value=value)
            audit.record(
                "customer.identity_added",
                "customer",
                customer.pk,
                actor=actor,
                data={"identity": f"{kind}:{value}"},
            )
    except IntegrityError:
        raise CustomerError(
            f"{kind}:{value} already belongs to another customer",
            field="value",
            code="identity_taken",
        ) from None
    return identity


def mark_identity_failing(kind: str, value: str, reason: str) -> bool:
    """Record that mail to an address bounces; True when the identity is known."""
    return bool(
        CustomerIdentity.objects.filter(kind=kind, value=normalize_identity(kind, value)).update(
            failing_since=clock.now(), failure_reason=reason[:500]
        )
    )


def absorb_profile(survivor: Customer, absorbed: Customer, *, actor: Any = None) -> None:
    """Move ``absorbed``'s identities (and login) to ``survivor`` and mark it merged.

    Tickets are moved by conversations.services.merge_customers, which calls this.
    """
    if survivor.pk == absorbed.pk:
        raise CustomerError("cannot merge a customer into itself", field="source_id")
    if absorbed.merged_into_id or survivor.merged_into_id:
        raise CustomerError("that customer was already merged", field="source_id", code="merged")
    with audit.unit():
        moved = list(absorbed.identities.values_list("kind", "value"))
        absorbed.identities.update(customer=survivor, is_primary=False)
        if absorbed.user_id and not survivor.user_id:
            user_id = absorbed.user_id
            Customer.objects.filter(pk=absorbed.pk).update(user=None)
            Customer.objects.filter(pk=survivor.pk).update(user_id=user_id)
        Customer.objects.filter(pk=absorbed.pk).update(merged_into=survivor, updated_at=clock.now())
        data = {"absorbed": absorbed.pk, "identities": [f"{k}:{v}" for k, v in moved]}
        audit.record("customer.merged", "customer", survivor.pk, actor=actor, data=data)


def delete_customer(customer: Customer, *, actor: Any = None) -> None:
    """Delete a profile with no tickets (the caller checks; the database protects tickets)."""
    with audit.unit():
        audit.record(
            "customer.deleted", "customer", customer.pk, actor=actor, data={"name": customer.name}
        )
        customer.delete()

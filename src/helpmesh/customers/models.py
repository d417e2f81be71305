"""Customers: one profile, many identities (addresses, handles, a portal login)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Organization(models.Model):
    name = models.CharField(max_length=200, unique=True)
    # Mail from these domains joins the organization, e.g. "acme.com acme.co.uk".
    domains = models.CharField(max_length=500, blank=True)
    # When true, every member sees the organization's tickets in the portal and API.
    shares_tickets = models.BooleanField(default=False)
    tier = models.CharField(max_length=32, default="standard")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def domain_list(self) -> list[str]:
        return [d.strip().lower() for d in self.domains.replace(",", " ").split() if d.strip()]


class Customer(models.Model):
    name = models.CharField(max_length=200, blank=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="customers"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customer",
    )
    language = models.CharField(max_length=16, blank=True)
    timezone = models.CharField(max_length=64, blank=True)
    notes = models.TextField(blank=True)
    # Set when this profile was merged into another; the absorbed profile is kept for history.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="absorbed"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["updated_at", "id"])]

    def __str__(self) -> str:
        return self.name or self.primary_address() or f"customer {self.pk}"

    def primary_address(self) -> str:
        identity = next((i for i in self.identities.all() if i.kind == IdentityKind.EMAIL), None)
        return identity.value if identity else ""


class IdentityKind(models.TextChoices):
    EMAIL = "email", "Email address"
    PHONE = "phone", "Phone number"
    TWITTER = "twitter", "X / Twitter handle"
    FACEBOOK = "facebook", "Facebook id"
    COMMUNITY = "community", "Community username"
    EXTERNAL = "external", "External system id"


class CustomerIdentity(models.Model):
    """One way to reach or recognize a customer. (kind, value) is unique across all customers."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(max_length=16, choices=IdentityKind.choices)
    value = models.CharField(max_length=254)
    is_primary = models.BooleanField(default=False)
    # Bounces mark an address failing so we stop sending to it (issue: email channel).
    failing_since = models.DateTimeField(null=True, blank=True)
    failure_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="one_owner")]
        ordering = ["-is_primary", "kind", "value"]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"

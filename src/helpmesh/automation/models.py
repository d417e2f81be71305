"""Automation data: triggers (conditions -> actions on create/update/time), macros (one-click
action sets for agents) and outgoing webhooks with their delivery log."""

from __future__ import annotations

from django.db import models

from helpmesh.conversations.models import Ticket


class Event(models.TextChoices):
    CREATED = "created", "Ticket created"
    UPDATED = "updated", "Ticket updated"
    TIME = "time", "Time passed (checked by the sweep)"


class Trigger(models.Model):
    """``when`` uses routing's condition language; ``actions`` is a list (automation.actions)."""

    name = models.CharField(max_length=100, unique=True)
    event = models.CharField(max_length=8, choices=Event.choices)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    when = models.JSONField(default=dict, blank=True)
    actions = models.JSONField(default=list)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.event})"


class TriggerFiring(models.Model):
    """A time trigger fires once per ticket; the unique row is also the atomic claim."""

    trigger = models.ForeignKey(Trigger, on_delete=models.CASCADE, related_name="firings")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    fired_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["trigger", "ticket"], name="fire_once")]

    def __str__(self) -> str:
        return f"{self.trigger} on #{self.ticket_id}"


class Macro(models.Model):
    """A named set of actions and an optional canned reply an agent applies in one click."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    actions = models.JSONField(default=list, blank=True)
    reply = models.TextField(blank=True)  # a Django template; {{ ticket }}, {{ requester }}

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Webhook(models.Model):
    """An HTTPS endpoint told about ticket events; each body is signed with HMAC-SHA256."""

    name = models.SlugField(max_length=64, unique=True)
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=128)
    events = models.JSONField(default=list, blank=True)  # ["ticket.created", ...]; empty: all
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed (gave up)"


class WebhookDelivery(models.Model):
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=64)
    payload = models.JSONField()
    state = models.CharField(
        max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.webhook} {self.event} ({self.state})"

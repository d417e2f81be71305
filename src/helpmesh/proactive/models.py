"""Proactive support: components, incidents, the monitors and alerts that open them, the tickets
linked to them and the customers told about them (docs/proactive.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from helpmesh.conversations.models import Ticket
from helpmesh.customers.models import Customer, Organization


class ComponentState(models.TextChoices):
    OPERATIONAL = "operational", "Operational"
    DEGRADED = "degraded", "Degraded performance"
    PARTIAL_OUTAGE = "partial_outage", "Partial outage"
    MAJOR_OUTAGE = "major_outage", "Major outage"
    MAINTENANCE = "maintenance", "Under maintenance"


class Component(models.Model):
    """A part of the product customers see on the status page (API, Dashboard, Email)."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    state = models.CharField(
        max_length=16, choices=ComponentState.choices, default=ComponentState.OPERATIONAL
    )
    position = models.IntegerField(default=0)
    # The customers' organizations that use it: an automatic incident on it affects them.
    organizations = models.ManyToManyField(Organization, blank=True, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class AlertSource(models.Model):
    """Something that posts alerts to us (an Alertmanager, a script), known by a token."""

    name = models.CharField(max_length=100, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)  # sha256 of the bearer token
    default_component = models.ForeignKey(
        Component, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class IncidentStatus(models.TextChoices):
    INVESTIGATING = "investigating", "Investigating"
    IDENTIFIED = "identified", "Identified"
    MONITORING = "monitoring", "Monitoring"
    RESOLVED = "resolved", "Resolved"


class Severity(models.TextChoices):
    MINOR = "minor", "Minor"
    MAJOR = "major", "Major"
    CRITICAL = "critical", "Critical"
    MAINTENANCE = "maintenance", "Maintenance"


class Incident(models.Model):
    """A problem customers may notice, from the first signal to its resolution."""

    title = models.CharField(max_length=200)
    status = models.CharField(
        max_length=16, choices=IncidentStatus.choices, default=IncidentStatus.INVESTIGATING
    )
    severity = models.CharField(max_length=16, choices=Severity.choices, default=Severity.MINOR)
    components = models.ManyToManyField(Component, related_name="incidents", blank=True)
    affected_organizations = models.ManyToManyField(
        Organization, related_name="incidents", blank=True
    )
    # Keywords and triage intents a ticket about this incident would carry.
    intents = models.JSONField(default=list, blank=True)
    opened_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    # Scheduled maintenance: announced ahead, runs between these times.
    scheduled_for = models.DateTimeField(null=True, blank=True)
    scheduled_until = models.DateTimeField(null=True, blank=True)
    # An agent who took the incident over: alerts no longer resolve it on their own.
    taken_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What opened it: "alert:<source>:<fingerprint>", "monitor:<id>", "manual", "spike:<intent>".
    origin = models.CharField(max_length=300, blank=True, db_index=True)
    # Alert fingerprints ("<source>:<fingerprint>") and monitors ("monitor:<id>") still firing
    # on this incident: when the last one clears, the incident resolves (unless taken over).
    firing = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["status", "opened_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status != IncidentStatus.RESOLVED


class IncidentUpdate(models.Model):
    """One public line of the incident's timeline."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=16, choices=IncidentStatus.choices)
    body = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.body[:60]}"


class IncidentTicket(models.Model):
    """A ticket about an incident: answered with its status, told when it resolves."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="ticket_links")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=200)  # "intent billing_outage", "component API", "agent"
    linked_at = models.DateTimeField()
    final_update_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "ticket"], name="incident_ticket_once")
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} on incident {self.incident_id}"


class AlertState(models.TextChoices):
    RECEIVED = "received", "Received"
    PROCESSED = "processed", "Processed"
    REJECTED = "rejected", "Rejected"


class InboundAlert(models.Model):
    """The raw body of every alert posted to us, stored before it is parsed: a body we could not
    read stays here with the reason, so it can be looked at and replayed."""

    source = models.ForeignKey(
        AlertSource, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    kind = models.CharField(max_length=16)  # alertmanager, generic
    raw = models.BinaryField()
    received_at = models.DateTimeField()
    state = models.CharField(max_length=16, choices=AlertState.choices)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} alert {self.pk} ({self.state})"


class MonitorKind(models.TextChoices):
    HTTP = "http", "HTTP(S) check"
    HEARTBEAT = "heartbeat", "Heartbeat"


class Monitor(models.Model):
    """A check run by the worker (HTTP) or a ping we expect (heartbeat), for one component."""

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=16, choices=MonitorKind.choices)
    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="monitors")
    is_active = models.BooleanField(default=True)
    interval_seconds = models.PositiveIntegerField(default=60)
    # HTTP
    url = models.URLField(max_length=500, blank=True)
    expected_status = models.PositiveIntegerField(default=200)
    latency_limit_ms = models.PositiveIntegerField(null=True, blank=True)
    body_match = models.CharField(max_length=200, blank=True)
    tls_expiry_days = models.PositiveIntegerField(null=True, blank=True)
    # Heartbeat: the job pings within period + grace, else the monitor fails.
    heartbeat_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    period_seconds = models.PositiveIntegerField(default=0)
    grace_seconds = models.PositiveIntegerField(default=0)
    last_ping_at = models.DateTimeField(null=True, blank=True)
    # Flapping: this many failures in a row open an incident, this many successes resolve it.
    failures_to_open = models.PositiveIntegerField(default=3)
    successes_to_resolve = models.PositiveIntegerField(default=2)
    consecutive_failures = models.PositiveIntegerField(default=0)
    consecutive_successes = models.PositiveIntegerField(default=0)
    is_failing = models.BooleanField(default=False)
    next_check_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class CheckResult(models.Model):
    monitor = models.ForeignKey(Monitor, on_delete=models.CASCADE, related_name="results")
    checked_at = models.DateTimeField()
    ok = models.BooleanField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-checked_at", "-id"]
        indexes = [models.Index(fields=["monitor", "checked_at"])]

    def __str__(self) -> str:
        return f"{self.monitor_id} {'ok' if self.ok else 'failed'} at {self.checked_at}"


class Subscriber(models.Model):
    """Someone who asked for status page updates by email (double opt-in)."""

    email = models.EmailField(unique=True)
    token = models.CharField(max_length=64, unique=True)  # for the confirm and unsubscribe links
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.email


class OutreachOptOut(models.Model):
    """A customer who asked not to be told about incidents."""

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"opt-out of customer {self.customer_id}"


class Outreach(models.Model):
    """One incident notice sent to one customer (for throttling and the record)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="outreach")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)  # opened, resolved
    address = models.CharField(max_length=254)
    sent_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["customer", "sent_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "customer", "kind"], name="outreach_once_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} notice of incident {self.incident_id} to {self.address}"

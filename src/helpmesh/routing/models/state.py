"""Live routing state: agent presence and absences, each ticket's tier, SLA clock, decisions
and swarms. Written only by routing's services and sweeps."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from helpmesh.conversations.models import Ticket
from helpmesh.routing.models.config import Calendar, SlaPolicy

USER = settings.AUTH_USER_MODEL


class Presence(models.TextChoices):
    ONLINE = "online", "Online"
    AWAY = "away", "Away"
    OFFLINE = "offline", "Offline"


class AgentPresence(models.Model):
    """Whether an agent takes new work now, and how much per channel."""

    agent = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="presence")
    status = models.CharField(max_length=8, choices=Presence.choices, default=Presence.OFFLINE)
    capacity = models.JSONField(default=dict, blank=True)  # {"email": 10, "chat": 3}
    default_capacity = models.PositiveSmallIntegerField(default=20)
    # The agent's working hours; no schedule: whenever they are online.
    schedule = models.ForeignKey(Calendar, null=True, blank=True, on_delete=models.SET_NULL)
    last_assigned_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.agent}: {self.status}"


class Absence(models.Model):
    """A vacation or leave; the agent's open tickets go to ``backup`` when it starts."""

    agent = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="absences")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    backup = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="covering"
    )
    reason = models.CharField(max_length=100, blank=True)
    handed_over_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["handed_over_at", "starts_at"], name="absence_due")]

    def __str__(self) -> str:
        return f"{self.agent} away {self.starts_at:%Y-%m-%d}..{self.ends_at:%Y-%m-%d}"


class TicketRouting(models.Model):
    """Where a ticket stands in the support model: its tier and how long it has waited."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="routing")
    tier = models.PositiveSmallIntegerField(null=True, blank=True)
    tier_since = models.DateTimeField(null=True, blank=True)
    region = models.CharField(max_length=32, blank=True)
    required_skills = models.JSONField(default=dict, blank=True)
    relaxation = models.PositiveSmallIntegerField(default=0)
    routed_at = models.DateTimeField()
    # Sweeps claim a row by moving this forward atomically (see routing.tasks).
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"#{self.ticket_id} tier {self.tier}"


class RoutingDecision(models.Model):
    """One decision of the policy, kept as a readable trace (sidebar and API)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="routing_decisions")
    kind = models.CharField(max_length=16)  # received, reroute, escalate, handoff, relax, ...
    created_at = models.DateTimeField()
    rule = models.CharField(max_length=200, blank=True)
    team_slug = models.CharField(max_length=100, blank=True)
    assignee_id = models.BigIntegerField(null=True, blank=True)
    tier = models.PositiveSmallIntegerField(null=True, blank=True)
    trace = models.JSONField(default=list)
    summary = models.TextField(blank=True)  # a follow-the-sun handoff summary

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="decision_ticket")]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.kind} -> {self.team_slug or '-'}"


class TicketSla(models.Model):
    """A ticket's SLA clock: due times (None when met, paused or not applicable)."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="sla")
    policy = models.ForeignKey(SlaPolicy, null=True, blank=True, on_delete=models.SET_NULL)
    calendar_slug = models.CharField(max_length=64, blank=True)
    first_response_due = models.DateTimeField(null=True, blank=True)
    next_response_due = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True)
    next_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    paused_since = models.DateTimeField(null=True, blank=True)
    # {"remaining": {metric: seconds}, "warned": [metric], "breached": [metric]}
    state = models.JSONField(default=dict, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"SLA of #{self.ticket_id}"


class Swarm(models.Model):
    """Agents with the needed skills gathered on one ticket; one of them stays accountable."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="swarms")
    skills = models.JSONField(default=dict)
    accountable = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    members: models.ManyToManyField = models.ManyToManyField(
        USER, blank=True, related_name="swarms"
    )
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)  # kept so the next similar swarm can start from it

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"swarm on #{self.ticket_id}"


class SwarmPost(models.Model):
    """The swarm's own internal thread, apart from the ticket's conversation."""

    swarm = models.ForeignKey(Swarm, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"post {self.pk} in swarm {self.swarm_id}"

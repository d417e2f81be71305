"""The support model as data: calendars, team profiles, layered rules and SLA policies.

Edited in the admin or applied from YAML (routing.yaml_io); ``routing.validation`` checks both, and
the policies only ever see the validated ``routing.spec`` form, never these rows.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from helpmesh.accounts.models import Team


class Calendar(models.Model):
    """Business hours of a region: ``hours`` is ``{"mon": ["09:00-17:00"], ...}``."""

    slug = models.SlugField(max_length=64, unique=True)
    timezone = models.CharField(max_length=64, default="UTC")
    hours = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return f"{self.slug} ({self.timezone})"

    def clean(self) -> None:
        from helpmesh.routing.validation import SpecError, check_calendar

        try:
            check_calendar({"slug": self.slug, "timezone": self.timezone, "hours": self.hours}, "")
        except SpecError as exc:
            raise ValidationError(str(exc)) from exc


class Holiday(models.Model):
    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField()
    name = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="one_holiday")]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class Assignment(models.TextChoices):
    MANUAL = "manual", "Manual pull"
    ROUND_ROBIN = "round_robin", "Round robin"
    LEAST_LOADED = "least_loaded", "Least loaded"


class TeamProfile(models.Model):
    """How a team works: its calendar, region, assignment method and channels."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="routing_profile")
    calendar = models.ForeignKey(Calendar, null=True, blank=True, on_delete=models.SET_NULL)
    region = models.CharField(max_length=32, blank=True)
    assignment = models.CharField(
        max_length=16, choices=Assignment.choices, default=Assignment.ROUND_ROBIN
    )
    channels = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"{self.team} ({self.assignment})"


class SupportModel(models.Model):
    """An ordered set of layers; exactly one model is active at a time."""

    name = models.SlugField(max_length=64, unique=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=False)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name + (" (active)" if self.is_active else "")


class LayerKind(models.TextChoices):
    DEPARTMENT = "department", "Department (decentralized)"
    CENTRAL = "central", "Central first line (hybrid)"
    TIERED = "tiered", "Tiered"
    SWARMING = "swarming", "Swarming"
    FOLLOW_THE_SUN = "follow_the_sun", "Follow-the-sun"
    SKILLS = "skills", "Skills-based"
    SELF_SERVICE = "self_service", "Self-service (answer bot)"
    COMMUNITY = "community", "Community (the crowd answers first)"


class Layer(models.Model):
    """One step of a model; ``when`` (conditions, all must hold) limits the tickets it sees."""

    model = models.ForeignKey(SupportModel, on_delete=models.CASCADE, related_name="layers")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=16, choices=LayerKind.choices)
    when = models.JSONField(default=dict, blank=True)
    settings = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.model.name} #{self.position} {self.kind}"


class Rule(models.Model):
    """``when`` (conditions, all must hold) -> ``then`` (what the layer does)."""

    layer = models.ForeignKey(Layer, on_delete=models.CASCADE, related_name="rules")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=100)
    when = models.JSONField(default=dict, blank=True)
    then = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class SlaPolicy(models.Model):
    """Targets in business minutes; the first policy (by position) whose ``when`` holds applies."""

    name = models.CharField(max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    when = models.JSONField(default=dict, blank=True)
    first_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    next_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(null=True, blank=True)
    warn_before_minutes = models.PositiveIntegerField(default=15)
    # No calendar: the ticket team's calendar, or round the clock when the team has none.
    calendar = models.ForeignKey(Calendar, null=True, blank=True, on_delete=models.SET_NULL)
    on_breach = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "SLA policies"

    def __str__(self) -> str:
        return self.name

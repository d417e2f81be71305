"""The support model is edited here (or applied from YAML); JSON fields are validated on save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from helpmesh.core import clock
from helpmesh.core.admin import AuditedAdmin
from helpmesh.routing import validation
from helpmesh.routing.models import (
    Absence,
    AgentPresence,
    Calendar,
    Holiday,
    Layer,
    RoutingDecision,
    Rule,
    SlaPolicy,
    SupportModel,
    TeamProfile,
)


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0


@admin.register(Calendar)
class CalendarAdmin(AuditedAdmin):
    list_display = ["slug", "timezone"]
    inlines = [HolidayInline]


@admin.register(TeamProfile)
class TeamProfileAdmin(AuditedAdmin):
    list_display = ["team", "region", "assignment", "calendar"]


class LayerForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        try:
            validation.check_layer_when(data.get("when") or {}, "when")
            if kind:
                validation.check_settings(kind, data.get("settings") or {}, "settings", None)
        except validation.SpecError as exc:
            raise forms.ValidationError(str(exc)) from None
        return data


class LayerInline(admin.StackedInline):
    model = Layer
    form = LayerForm
    extra = 0
    show_change_link = True


@admin.register(SupportModel)
class SupportModelAdmin(AuditedAdmin):
    list_display = ["name", "is_active", "updated_at"]
    readonly_fields = ["updated_at"]
    inlines = [LayerInline]

    def save_model(self, request: Any, obj: SupportModel, form: Any, change: bool) -> None:
        obj.updated_at = clock.now()  # the policy cache keys on this
        super().save_model(request, obj, form, change)


class RuleForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        layer = data.get("layer")
        try:
            validation._when(data.get("when") or {}, "when")
            if layer is not None:
                levels = len((layer.settings or {}).get("levels") or [])
                validation.check_then(layer.kind, data.get("then") or {}, "then", None, levels)
        except validation.SpecError as exc:
            raise forms.ValidationError(str(exc)) from None
        return data


class RuleInline(admin.TabularInline):
    model = Rule
    form = RuleForm
    extra = 0


@admin.register(Layer)
class LayerAdmin(AuditedAdmin):
    form = LayerForm
    list_display = ["model", "position", "kind"]
    inlines = [RuleInline]

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        SupportModel.objects.filter(pk=form.instance.model_id).update(updated_at=clock.now())


@admin.register(SlaPolicy)
class SlaPolicyAdmin(AuditedAdmin):
    list_display = ["name", "position", "first_response_minutes", "resolution_minutes", "calendar"]


@admin.register(AgentPresence)
class AgentPresenceAdmin(AuditedAdmin):
    list_display = ["agent", "status", "default_capacity", "last_assigned_at"]
    list_filter = ["status"]


@admin.register(Absence)
class AbsenceAdmin(AuditedAdmin):
    list_display = ["agent", "starts_at", "ends_at", "backup", "handed_over_at"]


@admin.register(RoutingDecision)
class RoutingDecisionAdmin(AuditedAdmin):
    """Read-only: decisions are history."""

    list_display = ["ticket", "kind", "created_at", "rule", "team_slug"]
    list_filter = ["kind"]

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: Any) -> bool:
        return False

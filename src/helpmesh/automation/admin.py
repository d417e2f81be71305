from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from helpmesh.automation import actions
from helpmesh.automation.models import Macro, Trigger, Webhook, WebhookDelivery
from helpmesh.routing import conditions


class TriggerForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            conditions.validate(data.get("when") or {})
            actions.validate(data.get("actions") or [])
        except (conditions.ConditionError, actions.ActionError) as exc:
            raise forms.ValidationError(str(exc)) from None
        return data


@admin.register(Trigger)
class TriggerAdmin(admin.ModelAdmin):
    form = TriggerForm
    list_display = ["name", "event", "position", "is_active"]
    list_filter = ["event", "is_active"]


@admin.register(Macro)
class MacroAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "is_active"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["webhook", "event", "state", "attempts", "response_status", "created_at"]
    list_filter = ["state"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

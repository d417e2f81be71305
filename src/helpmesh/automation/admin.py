from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from helpmesh.automation import actions, targets
from helpmesh.automation.models import Macro, Trigger, Webhook, WebhookDelivery
from helpmesh.core.admin import AuditedAdmin
from helpmesh.routing import conditions


def _check_actions(entries: Any) -> None:
    """What the services check: well-formed, and the teams, agents and webhooks named exist."""
    actions.validate(entries)
    actions.check_references(entries)


class TriggerForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            conditions.validate(data.get("when") or {})
            _check_actions(data.get("actions") or [])
        except (conditions.ConditionError, actions.ActionError) as exc:
            raise forms.ValidationError(str(exc)) from None
        return data


@admin.register(Trigger)
class TriggerAdmin(AuditedAdmin):
    form = TriggerForm
    list_display = ["name", "event", "position", "is_active"]
    list_filter = ["event", "is_active"]


class MacroForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            _check_actions(data.get("actions") or [])
        except actions.ActionError as exc:
            raise forms.ValidationError(str(exc)) from None
        return data


@admin.register(Macro)
class MacroAdmin(AuditedAdmin):
    form = MacroForm
    list_display = ["name", "is_active"]


class WebhookForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https")

    def clean_url(self) -> str:
        """The same SSRF guard as the API (automation.targets)."""
        url = str(self.cleaned_data["url"])
        try:
            targets.check(url)
        except targets.RefusedTarget as exc:
            raise forms.ValidationError(str(exc)) from None
        except OSError:
            raise forms.ValidationError("the URL's host does not resolve") from None
        return url


@admin.register(Webhook)
class WebhookAdmin(AuditedAdmin):
    form = WebhookForm
    list_display = ["name", "url", "is_active"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(AuditedAdmin):
    list_display = ["webhook", "event", "state", "attempts", "response_status", "created_at"]
    list_filter = ["state"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

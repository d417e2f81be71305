"""Configuration in the admin (components, monitors); alerts kept raw are read-only, so a
rejected body can be looked at and replayed. Incidents are changed through the services (API)."""

from __future__ import annotations

from django.contrib import admin

from helpmesh.core.admin import AuditedAdmin
from helpmesh.proactive.models import Component, InboundAlert, Incident, Monitor


@admin.register(Component)
class ComponentAdmin(AuditedAdmin):
    list_display = ["name", "state", "position"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["organizations"]


@admin.register(Monitor)
class MonitorAdmin(AuditedAdmin):
    list_display = ["name", "kind", "component", "is_active", "is_failing", "next_check_at"]
    list_filter = ["kind", "is_active", "is_failing"]
    exclude = ["heartbeat_token_hash"]


@admin.register(Incident)
class IncidentAdmin(AuditedAdmin):
    list_display = ["title", "status", "severity", "opened_at", "resolved_at"]
    list_filter = ["status", "severity"]
    readonly_fields = ["status", "opened_at", "resolved_at", "firing", "origin", "taken_over_by"]


@admin.register(InboundAlert)
class InboundAlertAdmin(AuditedAdmin):
    list_display = ["received_at", "kind", "source", "state", "error"]
    list_filter = ["state", "kind"]
    readonly_fields = ["source", "kind", "received_at", "state", "error", "raw_preview"]
    exclude = ["raw"]

    @admin.display(description="raw (first 4 KB)")
    def raw_preview(self, obj: InboundAlert) -> str:
        return bytes(obj.raw[:4096]).decode("utf-8", "replace")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

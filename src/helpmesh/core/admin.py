from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import Model

from helpmesh.core import audit, config_cache
from helpmesh.core.models import AuditEvent


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose adds, changes and deletions are audit events too.

    Services audit what they write; the Django admin writes models directly, so every admin
    class derives from this one and the chain also holds "who changed which configuration".
    Django calls these hooks inside the admin's own transaction (deletions before they happen).
    Once that transaction commits, this process's cached configuration (core.config_cache) is
    dropped, as services do after their writes, so the admin's change applies to the next ticket.
    """

    def log_addition(self, request: Any, obj: Model, message: Any) -> Any:
        _record("admin.created", request, obj, message)
        return super().log_addition(request, obj, message)

    def log_change(self, request: Any, obj: Model, message: Any) -> Any:
        _record("admin.changed", request, obj, message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request: Any, queryset: Any) -> Any:
        for obj in queryset:
            _record("admin.deleted", request, obj, "")
        return super().log_deletions(request, queryset)


def _record(kind: str, request: Any, obj: Model, message: Any) -> None:
    transaction.on_commit(config_cache.forget)
    audit.record(
        kind,
        obj._meta.label_lower,
        int(obj.pk),
        actor=request.user,
        data={"object": str(obj)[:200], "change": message if isinstance(message, list) else []},
    )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is appended by services, never edited by hand."""

    list_display = ["seq", "occurred_at", "kind", "subject_type", "subject_id", "actor_label"]
    list_filter = ["kind", "subject_type"]
    search_fields = ["kind", "actor_label"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

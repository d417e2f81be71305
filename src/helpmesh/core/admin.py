from django.contrib import admin

from helpmesh.core.models import AuditEvent


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

from django.contrib import admin

from helpmesh.conversations.models import CustomField, InboundContact, Tag
from helpmesh.core.admin import AuditedAdmin


@admin.register(CustomField)
class CustomFieldAdmin(AuditedAdmin):
    """Per-team ticket fields: configuration, so the admin is the place to edit them."""

    list_display = ["key", "label", "kind", "team", "required"]
    list_filter = ["team", "kind"]


@admin.register(InboundContact)
class InboundContactAdmin(AuditedAdmin):
    """The raw form of every inbound contact; quarantined ones show why they were held."""

    list_display = ["received_at", "channel", "source_id", "state", "error", "ticket"]
    list_filter = ["state", "channel"]
    search_fields = ["source_id", "error"]
    readonly_fields = [
        "channel",
        "source_id",
        "received_at",
        "state",
        "error",
        "ticket",
        "message",
        "raw_preview",
    ]
    exclude = ["raw"]

    @admin.display(description="raw (first 4 KB)")
    def raw_preview(self, obj: InboundContact) -> str:
        return bytes(obj.raw[:4096]).decode("utf-8", "replace")

    def has_add_permission(self, request):
        return False


admin.site.register(Tag)

from django.contrib import admin

from helpmesh.channels.email import services
from helpmesh.channels.email.models import (
    IgnoredMail,
    Mailbox,
    MailTemplate,
    OutboundMail,
    QuarantinedMail,
)
from helpmesh.core.admin import AuditedAdmin


@admin.register(Mailbox)
class MailboxAdmin(AuditedAdmin):
    """Support addresses: IMAP in, SMTP out, per team or brand."""

    list_display = ["name", "address", "team", "imap_host", "active", "last_polled_at"]
    list_filter = ["active", "team"]
    readonly_fields = ["locked_by", "locked_until", "last_polled_at", "last_error"]


@admin.register(MailTemplate)
class MailTemplateAdmin(AuditedAdmin):
    """Notification texts (Django template syntax: ticket, customer_name, body, ...)."""

    list_display = ["kind", "subject"]


@admin.register(OutboundMail)
class OutboundMailAdmin(AuditedAdmin):
    """Sent and failed mail; a failed send also shows on the ticket's timeline."""

    list_display = ["created_at", "kind", "to", "ticket", "status", "attempts", "last_error"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in OutboundMail._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(IgnoredMail)
class IgnoredMailAdmin(AuditedAdmin):
    """Bounces and our own mail coming back: kept, never answered."""

    list_display = ["received_at", "reason", "sender", "subject"]
    exclude = ["raw"]
    readonly_fields = ["source_id", "mailbox", "reason", "sender", "subject", "received_at"]

    def has_add_permission(self, request):
        return False


@admin.register(QuarantinedMail)
class QuarantinedMailAdmin(AuditedAdmin):
    """Email that could not be processed, with the reason; "Retry" runs it again."""

    list_display = ["received_at", "source_id", "error"]
    search_fields = ["source_id", "error"]
    exclude = ["raw"]
    readonly_fields = ["channel", "source_id", "received_at", "state", "error"]
    actions = ["retry"]

    def get_queryset(self, request):
        return services.quarantined()

    def has_add_permission(self, request):
        return False

    @admin.action(description="Retry the selected messages")
    def retry(self, request, queryset):
        outcomes = [services.retry(c.pk, actor=request.user).outcome for c in queryset]
        self.message_user(request, f"retried {len(outcomes)}: {', '.join(outcomes)}")

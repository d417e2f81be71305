from django.contrib import admin

from helpmesh.chat.models import ChatSession


@admin.register(ChatSession)
class ChatSessionAdmin(admin.ModelAdmin):
    list_display = ("id", "customer", "email", "ticket", "started_at", "last_seen_at")
    readonly_fields = ("token_hash",)
    raw_id_fields = ("customer", "ticket")

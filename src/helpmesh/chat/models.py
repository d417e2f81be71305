"""Live chat: a visitor's session on the widget. The ticket holds the conversation itself
(every message goes through the pipeline); the session only knows who the visitor is, the
secret that proves it, and whether they are still there."""

from __future__ import annotations

from django.db import models

from helpmesh.conversations.models import Ticket
from helpmesh.customers.models import Customer


class ChatSession(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="chat_sessions")
    # The pipeline's sender for this visitor: ("email", address) or ("external", visitor id).
    identity_kind = models.CharField(max_length=16)
    identity_value = models.CharField(max_length=254)
    name = models.CharField(max_length=200, blank=True)
    email = models.CharField(max_length=254, blank=True)
    token_hash = models.CharField(max_length=64)  # sha256 of the visitor token; never the token
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="chat_sessions"
    )
    # Asked for a person before writing anything: the first message skips the bot.
    wants_person = models.BooleanField(default=False)
    started_at = models.DateTimeField()
    # Presence: an open stream or an API call refreshes last_seen_at; closing the stream sets
    # left_at. The visitor is "there" when seen recently and not left since (delivery.py).
    last_seen_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["ticket"], name="chat_session_ticket")]

    def __str__(self) -> str:
        return f"chat {self.pk}"

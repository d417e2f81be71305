"""The bot's conversations and turns (written only by ``bot.services``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Status(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered, waiting for the customer's verdict"
    RESOLVED = "resolved", "Resolved by the bot"
    HANDED_OFF = "handed_off", "Handed off to staff"


class BotChannel(models.TextChoices):
    WEB = "web", "Help center"
    PORTAL = "portal", "Customer portal"
    CHAT = "chat", "Chat widget"
    API = "api", "API"
    EMAIL = "email", "Email (first answer on a ticket)"


class BotConversation(models.Model):
    """One exchange with the bot: questions, answers, and how it ended.

    ``ticket``: the ticket it handed off to, or (live step) the ticket whose first message the
    bot answered. ``token``: the secret an anonymous asker shows to continue it.
    """

    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.EmailField(blank=True)  # where an anonymous asker is answered after a hand-off
    token = models.CharField(max_length=64, blank=True)
    channel = models.CharField(max_length=8, choices=BotChannel.choices, default=BotChannel.WEB)
    started_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    handoff_reason = models.CharField(max_length=32, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ticket = models.ForeignKey(
        "conversations.Ticket",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bot_conversations",
    )
    transcribed_until = models.BigIntegerField(default=0)  # the last turn copied to the ticket

    def __str__(self) -> str:
        return f"bot conversation {self.pk} ({self.status})"


class Role(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    BOT = "bot", "Bot"


class Decision(models.TextChoices):
    NONE = "", "-"
    ANSWERED = "answered", "Answered"
    HANDOFF = "handoff", "Handed off"


class BotTurn(models.Model):
    """One message in a bot conversation; a bot turn carries its decision and why."""

    conversation = models.ForeignKey(
        BotConversation, on_delete=models.CASCADE, related_name="turns"
    )
    role = models.CharField(max_length=8, choices=Role.choices)
    text = models.TextField()
    sources = models.JSONField(default=list, blank=True)  # [{kind, id, title, url}]
    confidence = models.FloatField(null=True, blank=True)
    decision = models.CharField(max_length=8, choices=Decision.choices, blank=True, default="")
    reason = models.CharField(max_length=32, blank=True)
    query_id = models.BigIntegerField(null=True, blank=True)  # the search it ran (search log)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.role}: {self.text[:40]}"

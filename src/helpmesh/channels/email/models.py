"""The email channel's data: mailboxes, the Message-IDs that thread replies, outgoing mail,
notification templates, and the raw form of mail that did not become a ticket message."""

from __future__ import annotations

from django.db import models

from helpmesh.accounts.models import Team
from helpmesh.conversations.models import InboundContact, Message, Ticket


class Security(models.TextChoices):
    SSL = "ssl", "TLS (implicit)"
    STARTTLS = "starttls", "STARTTLS"
    NONE = "none", "None (loopback and tests only)"


class AfterImport(models.TextChoices):
    SEEN = "seen", "Mark as seen"
    MOVE = "move", "Move to folder"
    DELETE = "delete", "Delete"


class FollowUp(models.TextChoices):
    REOPEN = "reopen", "Reopen the ticket"
    FOLLOW_UP = "follow_up", "Open a linked follow-up ticket"


class StatusNotifications(models.TextChoices):
    OFF = "off", "Never"
    SOLVED = "solved", "When solved"
    SOLVED_PENDING = "solved_pending", "When solved or pending (waiting for the customer)"


class Mailbox(models.Model):
    """One support address: where mail is fetched (IMAP) and how replies leave (SMTP)."""

    name = models.CharField(max_length=100, unique=True)
    address = models.EmailField(help_text="the support address customers write to")
    display_name = models.CharField(max_length=100, blank=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="mailboxes"
    )
    brand = models.CharField(max_length=100, blank=True)
    active = models.BooleanField(default=True)
    imap_host = models.CharField(max_length=255, blank=True)
    imap_port = models.PositiveIntegerField(default=993)
    imap_security = models.CharField(max_length=16, choices=Security.choices, default="ssl")
    imap_user = models.CharField(max_length=255, blank=True)
    imap_password = models.CharField(max_length=500, blank=True)
    imap_oauth2_token = models.TextField(blank=True, help_text="XOAUTH2 access token")
    folder = models.CharField(max_length=255, default="INBOX")
    poll_interval = models.PositiveIntegerField(default=60, help_text="seconds")
    after_import = models.CharField(max_length=16, choices=AfterImport.choices, default="seen")
    move_to = models.CharField(max_length=255, blank=True, default="Imported")
    smtp_host = models.CharField(max_length=255, blank=True)
    smtp_port = models.PositiveIntegerField(default=587)
    smtp_security = models.CharField(max_length=16, choices=Security.choices, default="starttls")
    smtp_user = models.CharField(max_length=255, blank=True)
    smtp_password = models.CharField(max_length=500, blank=True)
    follow_up = models.CharField(max_length=16, choices=FollowUp.choices, default="reopen")
    send_acknowledgement = models.BooleanField(default=True)
    status_notifications = models.CharField(
        max_length=16,
        choices=StatusNotifications.choices,
        default="solved",
        help_text="mail the requester when an agent changes the ticket's status",
    )
    locked_by = models.CharField(max_length=64, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "mailboxes"

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"


class Direction(models.TextChoices):
    IN = "in", "Received"
    OUT = "out", "Sent"


class MailRef(models.Model):
    """A Message-ID we received or sent, and the ticket it belongs to (threading, loops)."""

    message_id = models.CharField(max_length=255)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    ticket_message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mailbox = models.ForeignKey(
        Mailbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    address = models.CharField(max_length=254, blank=True)  # sender (in) or recipient (out)
    automatic = models.BooleanField(default=False)  # received: auto-submitted, list, bounce
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message_id", "direction"], name="one_mail_ref")
        ]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="mailref_ticket"),
            models.Index(fields=["address", "created_at"], name="mailref_sender"),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.message_id} -> #{self.ticket_id}"


class SendStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutboundMail(models.Model):
    """One email we send: an agent reply or a notification, with its delivery state."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="outbound_mail")
    ticket_message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mailbox = models.ForeignKey(
        Mailbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=32)  # reply, acknowledgement, status_change
    automatic = models.BooleanField(default=False)
    to = models.CharField(max_length=1000)
    cc = models.CharField(max_length=1000, blank=True)
    subject = models.CharField(max_length=300)
    message_id = models.CharField(max_length=255, unique=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=SendStatus.choices, default="queued")
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbound_due")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to} on #{self.ticket_id} ({self.status})"


class TemplateKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", "New ticket acknowledgement"
    REPLY = "reply", "Agent reply"
    STATUS_CHANGE = "status_change", "Status change"


class MailTemplate(models.Model):
    """An editable notification (Django template syntax; see templates.py for the defaults)."""

    kind = models.CharField(max_length=32, choices=TemplateKind.choices, unique=True)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.get_kind_display()


class IgnoredMail(models.Model):
    """Mail kept but not turned into a ticket message: bounces and our own mail coming back."""

    source_id = models.CharField(max_length=255, unique=True)
    mailbox = models.ForeignKey(
        Mailbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=500)
    sender = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    raw = models.BinaryField()
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.source_id} ({self.reason})"


class QuarantinedMail(InboundContact):
    """Quarantined email contacts, listed (and retried) in the admin."""

    class Meta:
        proxy = True
        verbose_name = "quarantined email"
        verbose_name_plural = "quarantined email"

"""The record: tickets (conversations), their messages, attachments, tags, fields and links."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from helpmesh.accounts.models import Team
from helpmesh.customers.models import Customer, Organization


class Channel(models.TextChoices):
    WEB = "web", "Help center"
    EMAIL = "email", "Email"
    API = "api", "API"
    CHAT = "chat", "Chat"
    PHONE = "phone", "Phone"
    SOCIAL = "social", "Social"
    COMMUNITY = "community", "Community"


class Status(models.TextChoices):
    NEW = "new", "New"
    OPEN = "open", "Open"
    PENDING = "pending", "Pending"  # waiting on the customer
    ON_HOLD = "on_hold", "On hold"  # waiting on a third party
    SOLVED = "solved", "Solved"
    CLOSED = "closed", "Closed"


class Priority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class Tag(models.Model):
    name = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Ticket(models.Model):
    subject = models.CharField(max_length=250)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(max_length=16, choices=Priority.choices, default=Priority.NORMAL)
    # Foreign keys that lead a composite "*_recent" index below get no index of their own: one
    # index fewer to write per ticket, and the composite serves the same look-ups.
    requester = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="tickets", db_index=False
    )
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        db_index=False,
    )
    participants = models.ManyToManyField(Customer, blank=True, related_name="cc_tickets")
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
        db_index=False,
    )
    collaborators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="collaborating_tickets"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets")
    custom_fields = models.JSONField(default=dict, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_tickets"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    status_changed_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    last_customer_message_at = models.DateTimeField(null=True, blank=True)
    last_agent_message_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveIntegerField(default=0)
    message_count = models.PositiveIntegerField(default=0)
    # Subject and message text, indexed by the database's full-text engine (conversations.search).
    search_text = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["updated_at", "id"], name="ticket_recent"),
            models.Index(fields=["status", "updated_at", "id"], name="ticket_status_recent"),
            models.Index(fields=["team", "updated_at", "id"], name="ticket_team_recent"),
            models.Index(fields=["assignee", "updated_at", "id"], name="ticket_assignee_recent"),
            models.Index(fields=["requester", "updated_at", "id"], name="ticket_requester_recent"),
            models.Index(fields=["organization", "updated_at", "id"], name="ticket_org_recent"),
            models.Index(fields=["created_at"], name="ticket_created"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status not in (Status.SOLVED, Status.CLOSED)


class Message(models.Model):
    """A public reply or an internal note on a ticket."""

    ticket = models.ForeignKey(  # led by the message_thread index
        Ticket, on_delete=models.CASCADE, related_name="messages", db_index=False
    )
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    internal = models.BooleanField(default=False)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)  # sanitized on the way in; safe to render
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at", "id"], name="message_thread")]

    def __str__(self) -> str:
        return f"message {self.pk} on #{self.ticket_id}"

    @property
    def from_customer(self) -> bool:
        """Written by the customer (``author_user`` is then the agent who entered it, if any)."""
        return self.author_customer_id is not None

    @property
    def author_name(self) -> str:
        if self.author_customer_id:
            return str(self.author_customer)
        return str(self.author_user) if self.author_user_id else "unknown"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.message.ticket_id}/{instance.message_id}/{filename}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=500)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=127)
    size = models.PositiveBigIntegerField()

    def __str__(self) -> str:
        return self.filename


class FieldKind(models.TextChoices):
    TEXT = "text", "Text"
    NUMBER = "number", "Number"
    CHOICE = "choice", "Choice"
    BOOLEAN = "boolean", "Yes / no"
    DATE = "date", "Date"


class CustomField(models.Model):
    """A ticket field a team defines (no team: every ticket has it)."""

    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="custom_fields"
    )
    key = models.SlugField(max_length=64)
    label = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=FieldKind.choices, default=FieldKind.TEXT)
    choices = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "key"], name="one_field_key")]
        ordering = ["key"]

    def __str__(self) -> str:
        return self.label


class LinkKind(models.TextChoices):
    RELATED = "related", "Related"
    FOLLOW_UP = "follow_up", "Follow-up of"
    DUPLICATE = "duplicate", "Duplicate of"


class TicketLink(models.Model):
    source = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=16, choices=LinkKind.choices, default=LinkKind.RELATED)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="one_link"),
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="no_self_link"),
        ]

    def __str__(self) -> str:
        return f"#{self.source_id} {self.kind} #{self.target_id}"


class InboundState(models.TextChoices):
    PROCESSED = "processed", "Processed"
    QUARANTINED = "quarantined", "Quarantined"


class InboundContact(models.Model):
    """The raw form of everything a customer sent, kept so nothing is lost and parsing can be
    replayed. ``source_id`` (a Message-ID, an idempotency key) makes ingestion exactly-once."""

    channel = models.CharField(max_length=16, choices=Channel.choices)
    source_id = models.CharField(max_length=255, blank=True)
    raw = models.BinaryField()
    received_at = models.DateTimeField()
    state = models.CharField(max_length=16, choices=InboundState.choices)
    error = models.TextField(blank=True)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "source_id"],
                condition=~Q(source_id=""),
                name="inbound_once",
            )
        ]
        # Only quarantined contacts are ever listed by state: processed ones (nearly all) skip it.
        indexes = [
            models.Index(
                fields=["received_at"],
                condition=Q(state=InboundState.QUARANTINED),
                name="inbound_quarantined",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.source_id or self.pk} ({self.state})"

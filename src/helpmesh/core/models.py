"""The audit log: an append-only hash chain over every state change and message."""

from __future__ import annotations

from django.db import models


class AuditEvent(models.Model):
    """One thing that happened. ``hash`` covers ``prev_hash``, so editing, inserting or deleting
    any event breaks the chain from that point on (see core.audit.verify_chain)."""

    seq = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    kind = models.CharField(max_length=64)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=254, blank=True)
    # What the event is about, as plain identifiers: the kernel knows no other app's models.
    subject_type = models.CharField(max_length=32)
    subject_id = models.BigIntegerField()
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "seq"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} {self.subject_type}:{self.subject_id}"


class AuditHead(models.Model):
    """The single row that names the chain's last event. Appenders lock it, which serializes
    appends (no forks) and lets verify notice a deleted tail."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head #{self.seq}"


class IdempotencyKey(models.Model):
    """The stored answer to a create request that carried an Idempotency-Key header, so a
    retried request gets the same answer instead of a second ticket."""

    user_id = models.BigIntegerField()
    key = models.CharField(max_length=255)
    scope = models.CharField(max_length=255)  # method and path
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user_id", "key", "scope"], name="idempotent_once")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"

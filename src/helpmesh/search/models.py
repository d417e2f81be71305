"""The search index's rows and the search log (written only by ``search.services``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from helpmesh.search.documents import Audience


class SearchDocument(models.Model):
    """One searchable answer, as its source handed it over (see ``documents.Document``).

    ``search_text`` feeds the full-text index (created by migration 0002 outside the model
    state, like the tickets' one); ``embedding`` holds the MiniLM vectors of the title and of
    title + body (2 x 384 float32), empty without the ``ml`` extra. ``version`` is a wall-clock
    nanosecond stamp of the last write, so every process's vector index can catch up on rows
    changed since it last looked.
    """

    AUDIENCES = [(a, a) for a in Audience.ALL]

    kind = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    audience = models.CharField(max_length=12, choices=AUDIENCES, default=Audience.PUBLIC)
    group = models.CharField(max_length=100, blank=True, default="")
    language = models.CharField(max_length=12, blank=True, default="")
    boost = models.FloatField(default=1.0)
    search_text = models.TextField(blank=True)
    embedding = models.BinaryField(blank=True, default=b"")
    version = models.BigIntegerField(default=0, db_index=True)
    indexed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"


class SearchQuery(models.Model):
    """One search someone ran, what it returned, and what they did next.

    ``outcome`` is set where the product knows it: ``deflected`` (the customer left satisfied
    from a suggestion), ``ticket`` (they searched, then opened a ticket anyway: ``ticket``).
    """

    class Outcome(models.TextChoices):
        UNKNOWN = "", "unknown"
        DEFLECTED = "deflected", "deflected"
        TICKET = "ticket", "opened a ticket"

    at = models.DateTimeField(db_index=True)
    text = models.CharField(max_length=500)
    normalized = models.CharField(max_length=500, db_index=True)
    source = models.CharField(max_length=20, default="api")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    result_count = models.PositiveIntegerField(default=0)
    results = models.JSONField(default=list, blank=True)  # ["article:12", ...] best first
    top_score = models.FloatField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True, default="")
    ticket = models.ForeignKey(
        "conversations.Ticket", null=True, blank=True, on_delete=models.SET_NULL
    )

    def __str__(self) -> str:
        return self.text


class SearchClick(models.Model):
    """A result someone opened from a search."""

    query = models.ForeignKey(SearchQuery, on_delete=models.CASCADE, related_name="clicks")
    kind = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    position = models.PositiveIntegerField()
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} from {self.query_id}"

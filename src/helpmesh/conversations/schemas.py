"""API shapes for tickets and messages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from django.conf import settings
from ninja import Field, Schema
from pydantic import AfterValidator

from helpmesh.api.schemas import BodyIn


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


def _at_most(setting: str) -> Callable[[str], str]:
    """A check that a text is no longer than the ``setting`` (read when checked, not imported)."""

    def check(value: str) -> str:
        limit = getattr(settings, setting)
        if len(value) > limit:
            raise ValueError(f"must be at most {limit} characters ({setting})")
        return value

    return check


# What someone wrote: required, not only white space, and of a size a person could type.
Body = Annotated[
    str,
    Field(min_length=1),
    AfterValidator(_not_blank),
    AfterValidator(_at_most("HELPMESH_MAX_BODY_CHARS")),
]
Html = Annotated[str, AfterValidator(_at_most("HELPMESH_MAX_BODY_HTML_CHARS"))]

# Lists are bounded before any service sees them: one request must not become a query with
# more variables than the database takes (SQLite: 32,766) or a transaction holding the lock.
MAX_TAGS = 50
MAX_ATTACHMENTS = 20
MAX_CUSTOM_FIELDS = 100
TagIn = Annotated[str, Field(max_length=100)]  # the service trims it and holds it to 64
Tags = Annotated[list[TagIn], Field(max_length=MAX_TAGS)]
CustomFields = Annotated[dict[str, Any], Field(max_length=MAX_CUSTOM_FIELDS)]


class AttachmentIn(Schema):
    filename: str = Field(min_length=1, max_length=255)
    content_type: str = ""
    content_base64: str


Attachments = Annotated[list[AttachmentIn], Field(max_length=MAX_ATTACHMENTS)]


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    url: str


class PersonOut(Schema):
    id: int
    name: str
    email: str


class TicketCreate(Schema):
    subject: str = Field("", max_length=250)
    body: Body
    body_html: Html = ""
    # Agents creating a ticket for a customer say who the requester is.
    requester_email: str | None = None
    requester_name: str = ""
    channel: str = "api"
    team_id: int | None = None
    priority: str = "normal"
    tags: Tags = []
    custom_fields: CustomFields = {}
    attachments: Attachments = []


class TicketPatch(BodyIn):
    subject: str | None = None
    status: str | None = None
    priority: str | None = None
    team_id: int | None = None
    assignee_id: int | None = None
    tags: Tags | None = None
    add_tags: Tags = []
    remove_tags: Tags = []
    custom_fields: CustomFields | None = None


class TicketOut(Schema):
    id: int
    subject: str
    status: str
    priority: str
    channel: str
    requester: PersonOut
    organization_id: int | None
    team_id: int | None
    assignee_id: int | None
    tags: list[str]
    custom_fields: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    solved_at: datetime | None
    closed_at: datetime | None
    message_count: int
    merged_into_id: int | None


class TicketPage(Schema):
    items: list[TicketOut]
    next_cursor: str | None


class MessageCreate(Schema):
    body: Body
    body_html: Html = ""
    internal: bool = False
    attachments: Attachments = []


class MessageOut(Schema):
    id: int
    ticket_id: int
    internal: bool
    channel: str
    body: str
    body_html: str
    author: str
    from_customer: bool
    created_at: datetime
    attachments: list[AttachmentOut]


class EventOut(Schema):
    seq: int
    kind: str
    occurred_at: datetime
    actor: str
    data: dict[str, Any]


class MergeIn(Schema):
    target_id: int


class LinkIn(Schema):
    target_id: int
    kind: str = "related"


class TagOut(Schema):
    name: str
    tickets: int

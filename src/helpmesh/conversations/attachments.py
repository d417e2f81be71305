"""Attachments arrive as bytes from any channel and are stored through Django's storage API."""

from __future__ import annotations

import mimetypes
import os
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile

from helpmesh.conversations.errors import TicketError
from helpmesh.conversations.models import Attachment, Message


@dataclass(frozen=True)
class NewAttachment:
    filename: str
    content: bytes
    content_type: str = ""


def safe_filename(name: str) -> str:
    """A file name with no directory parts or control characters (never trust a sender's)."""
    base = os.path.basename(name.replace("\\", "/")).strip().strip(".")
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*')
    return cleaned[:200] or "attachment"


def check_sizes(attachments: list[NewAttachment]) -> None:
    """Reject a message whose files are too large, naming the file, before anything is written."""
    limit = settings.HELPMESH_MAX_ATTACHMENT_BYTES
    for index, attachment in enumerate(attachments):
        if len(attachment.content) > limit:
            raise TicketError(
                f"{attachment.filename} is {len(attachment.content)} bytes; the limit is {limit}",
                field=f"attachments.{index}",
                code="too_large",
            )
    total = sum(len(a.content) for a in attachments)
    if total > settings.HELPMESH_MAX_MESSAGE_ATTACHMENTS_BYTES:
        raise TicketError(
            f"attachments total {total} bytes; the limit per message is "
            f"{settings.HELPMESH_MAX_MESSAGE_ATTACHMENTS_BYTES}",
            field="attachments",
            code="too_large",
        )


def store(message: Message, attachments: list[NewAttachment]) -> list[Attachment]:
    """Save each file through the default storage and attach it to ``message``."""
    stored = []
    for item in attachments:
        name = safe_filename(item.filename)
        content_type = (
            item.content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        )
        row = Attachment(
            message=message, filename=name, content_type=content_type, size=len(item.content)
        )
        row.file.save(name, ContentFile(item.content), save=False)
        row.save()
        stored.append(row)
    return stored

"""Turn uploaded files into the services' NewAttachment values."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest

from helpmesh.conversations.attachments import NewAttachment
from helpmesh.conversations.errors import TicketError


def attachments_from(request: HttpRequest, field: str = "attachments") -> list[NewAttachment]:
    """The files posted under ``field``; refuses an oversized file before reading it into memory."""
    return [read_upload(upload) for upload in request.FILES.getlist(field)]


def read_upload(upload: UploadedFile) -> NewAttachment:
    """One uploaded file as a NewAttachment, refused (TicketError) over the size limit."""
    limit = settings.HELPMESH_MAX_ATTACHMENT_BYTES
    if upload.size and upload.size > limit:
        raise TicketError(
            f"{upload.name} is {upload.size} bytes; the limit is {limit}",
            field="attachments",
            code="too_large",
        )
    return NewAttachment(upload.name or "attachment", upload.read(), upload.content_type or "")

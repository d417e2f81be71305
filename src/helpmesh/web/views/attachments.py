"""Attachment downloads, only for people who may read the message the file belongs to."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from helpmesh.conversations.models import Attachment
from helpmesh.conversations.permissions import visible_messages, visible_tickets
from helpmesh.web.access import current_user


@require_GET
@login_required
def download(request: HttpRequest, attachment_id: int) -> FileResponse:
    """Serve the file as a download; 404 when its message is hidden from this user.

    Customers never get files of internal notes; nobody gets files of tickets they cannot see.
    Always a download (never inline), so an uploaded HTML file cannot run on our origin.
    """
    user = current_user(request)
    attachment = Attachment.objects.select_related("message").filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404("No such attachment")
    ticket = visible_tickets(user).filter(pk=attachment.message.ticket_id).first()
    if (
        ticket is None
        or not visible_messages(user, ticket).filter(pk=attachment.message_id).exists()
    ):
        raise Http404("No such attachment")
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type or "application/octet-stream",
    )

"""The email channel's REST face: raw MIME in (provider webhooks), quarantine, mailboxes.

POST /email/inbound            raw MIME body; header X-Helpmesh-Token (HELPMESH_EMAIL_INBOUND_TOKEN)
                               or an admin's bearer token; optional ?mailbox=<name>
GET  /email/quarantine         admins: quarantined mail with the reason
POST /email/quarantine/{id}/retry
GET  /email/mailboxes, POST /email/mailboxes   admins
"""

from __future__ import annotations

import hmac
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.security import APIKeyHeader

from helpmesh.api.access import require_admin
from helpmesh.api.auth import AUTH
from helpmesh.api.errors import ApiError
from helpmesh.channels.email import conf, mailboxes, services

router = Router(tags=["email"])


class InboundToken(APIKeyHeader):
    """The shared secret a mail provider's webhook sends."""

    param_name = "X-Helpmesh-Token"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        expected = conf.inbound_token()
        if expected and key and hmac.compare_digest(key.encode(), expected.encode()):
            return "inbound-webhook"
        return None


class IngestedOut(Schema):
    outcome: str
    source_id: str
    ticket_id: int | None = None
    message_id: int | None = None
    created_ticket: bool = False
    reason: str = ""
    contact_id: int | None = None


class QuarantinedOut(Schema):
    id: int
    source_id: str
    received_at: str
    size: int
    reason: str


class MailboxIn(Schema):
    name: str
    address: str
    team_id: int | None = None
    imap_host: str = ""
    imap_port: int = 993
    imap_security: str = "ssl"
    imap_user: str = ""
    imap_password: str = ""
    imap_oauth2_token: str = ""
    folder: str = "INBOX"
    poll_interval: int = 60
    after_import: str = "seen"
    move_to: str = "Imported"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_user: str = ""
    smtp_password: str = ""
    follow_up: str = "reopen"


class MailboxOut(Schema):
    id: int
    name: str
    address: str
    team_id: int | None
    imap_host: str
    folder: str
    poll_interval: int
    after_import: str
    active: bool
    last_polled_at: Any = None
    last_error: str


def _admin(request: HttpRequest) -> None:
    require_admin(request, "only admins manage the email channel")


@router.post("/email/inbound", response=IngestedOut, auth=[InboundToken(), *AUTH])
def inbound(request: HttpRequest, mailbox: str = ""):
    """Ingest one raw MIME message (the request body) exactly once."""
    if getattr(request, "auth", None) != "inbound-webhook":  # set by Ninja's auth
        _admin(request)
    raw = request.body
    if not raw.strip():
        raise ApiError(400, "invalid", "send the raw MIME message as the request body", "body")
    box = mailboxes.by_name(mailbox) if mailbox else None
    if mailbox and box is None:
        raise ApiError(404, "not_found", f"no mailbox named {mailbox!r}", "mailbox")
    return services.ingest(raw, mailbox=box).as_json()


@router.get("/email/quarantine", response=list[QuarantinedOut])
def quarantine_list(request: HttpRequest):
    """Quarantined mail, oldest first."""
    _admin(request)
    return [
        {
            "id": c.pk,
            "source_id": c.source_id,
            "received_at": c.received_at.isoformat(),
            "size": len(c.raw),
            "reason": c.error,
        }
        for c in services.quarantined()[:500]
    ]


@router.post("/email/quarantine/{contact_id}/retry", response=IngestedOut)
def quarantine_retry(request: HttpRequest, contact_id: int):
    """Process a quarantined message again."""
    _admin(request)
    return services.retry(contact_id, actor=request.user).as_json()


@router.get("/email/mailboxes", response=list[MailboxOut])
def mailbox_list(request: HttpRequest):
    """Every configured mailbox (secrets are never returned)."""
    _admin(request)
    return list(mailboxes.all_mailboxes())


@router.post("/email/mailboxes", response={201: MailboxOut})
def mailbox_create(request: HttpRequest, payload: MailboxIn):
    """Configure a new mailbox."""
    _admin(request)
    return Status(201, mailboxes.create_mailbox(payload.dict(), actor=request.user))

"""Parse raw MIME into one ``ParsedMail``: what ``helpmesh mail parse --json`` prints and what the
inbound filters read. Parsing never raises; what it could not read is listed in ``errors``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.message import Message
from typing import Any

from helpmesh.channels.email import bodies, classify, headers, reply
from helpmesh.channels.email.bodies import MailAttachment
from helpmesh.channels.email.headers import Address
from helpmesh.conversations.sanitize import clean_html


@dataclass
class ParsedMail:
    """Everything the email channel knows about one message."""

    raw: bytes
    message_id: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    sender: Address | None = None
    to: list[Address] = field(default_factory=list)
    cc: list[Address] = field(default_factory=list)
    reply_to: Address | None = None
    subject: str = ""
    date: datetime | None = None
    text: str = ""
    reply: str = ""
    signature: str = ""
    html: str = ""
    attachments: list[MailAttachment] = field(default_factory=list)
    auto_submitted: bool = False
    bounce: bool = False
    failed_recipients: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    message: Message | None = None

    @property
    def source_id(self) -> str:
        """The Message-ID, or a digest of the raw bytes when there is none (still exactly-once)."""
        return self.message_id or "sha256:" + hashlib.sha256(self.raw).hexdigest()

    def header(self, name: str) -> str:
        """A decoded header of the message ("" when absent)."""
        return headers.text(self.message, name) if self.message is not None else ""

    def as_json(self) -> dict[str, Any]:
        """The JSON object ``helpmesh mail parse --json`` prints for this message."""
        return {
            "message_id": self.message_id or None,
            "in_reply_to": self.in_reply_to[0] if self.in_reply_to else None,
            "references": self.references,
            "from": self.sender.as_json() if self.sender else None,
            "to": [a.as_json() for a in self.to],
            "cc": [a.as_json() for a in self.cc],
            "reply_to": self.reply_to.as_json() if self.reply_to else None,
            "subject": self.subject,
            "date": self.date.isoformat() if self.date else None,
            "text": self.text,
            "reply": self.reply,
            "signature": self.signature,
            "html": self.html,
            "attachments": [a.as_json() for a in self.attachments],
            "auto_submitted": self.auto_submitted,
            "bounce": self.bounce,
            "bounce_recipient": self.failed_recipients[0] if self.failed_recipients else None,
            "failed_recipients": self.failed_recipients,
            "errors": self.errors,
        }


def parse(raw: bytes) -> ParsedMail:
    """Parse raw MIME bytes; never raises."""
    mail = ParsedMail(raw=raw)
    try:
        mail.message = message_from_bytes(raw, policy=policy.compat32)
    except Exception as exc:
        mail.errors.append(f"unreadable MIME structure: {exc}")
        mail.text = raw.decode("utf-8", errors="replace")
        mail.reply = mail.text
        return mail
    for step in (_read_headers, _read_bodies, _read_reply, _classify):
        try:
            step(mail, mail.message)
        except Exception as exc:
            mail.errors.append(f"{step.__name__.strip('_').replace('_', ' ')}: {exc}")
    for defect in getattr(mail.message, "defects", [])[:5]:
        mail.errors.append(f"defect: {type(defect).__name__}")
    return mail


def _read_headers(mail: ParsedMail, message: Message) -> None:
    ids = headers.message_ids(headers.raw_value(message, "Message-ID"))
    mail.message_id = ids[0] if ids else ""
    mail.in_reply_to = headers.message_ids(headers.raw_value(message, "In-Reply-To"))
    mail.references = headers.message_ids(headers.raw_value(message, "References"))
    senders = headers.addresses(message, "From") or headers.addresses(message, "Sender")
    mail.sender = senders[0] if senders else None
    if mail.sender is None and message.get("From"):
        mail.errors.append("from: no readable address")
    mail.to = headers.addresses(message, "To")
    mail.cc = headers.addresses(message, "Cc")
    reply_to = headers.addresses(message, "Reply-To")
    mail.reply_to = reply_to[0] if reply_to else None
    mail.subject = " ".join(headers.text(message, "Subject").split())
    try:
        mail.date = headers.date(message)
    except (TypeError, ValueError, IndexError, OverflowError) as exc:
        mail.errors.append(f"date: unreadable ({exc})")


def _read_bodies(mail: ParsedMail, message: Message) -> None:
    found = bodies.extract(message)
    mail.errors.extend(found.errors)
    mail.attachments = found.attachments
    mail.html = clean_html(found.html) if found.html else ""
    mail.text = found.text if found.text.strip() else bodies.text_of_html(found.html)


def _read_reply(mail: ParsedMail, message: Message) -> None:
    sender = mail.sender or Address("", "")
    parsed = reply.read(mail.text, sender.name, sender.address)
    mail.reply, mail.signature = parsed.reply, parsed.signature


def _classify(mail: ParsedMail, message: Message) -> None:
    sender = mail.sender.address if mail.sender else headers.raw_value(message, "From")
    mail.bounce, mail.failed_recipients = classify.bounce(message, mail.subject, sender, mail.text)
    mail.auto_submitted = mail.bounce or classify.auto_submitted(message, mail.subject, sender)

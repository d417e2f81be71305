"""Helpers for the email tests: read the .eml fixtures."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def eml(name: str) -> bytes:
    """The bytes of a fixture message."""
    return (FIXTURES / name).read_bytes()


def compose(
    sender: str = "alice@example.com",
    subject: str = "Help",
    body: str = "Please help.",
    *,
    message_id: str = "",
    in_reply_to: str = "",
    cc: str = "",
    headers: dict[str, str] | None = None,
) -> bytes:
    """A small text message built the way a mail client would send it."""
    from email.message import EmailMessage
    from email.utils import make_msgid

    message = EmailMessage()
    message["From"] = sender
    message["To"] = "support@helpmesh.test"
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    message["Date"] = "Tue, 12 Mar 2024 10:00:00 +0000"
    message["Message-ID"] = message_id or make_msgid(domain="example.com")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes()

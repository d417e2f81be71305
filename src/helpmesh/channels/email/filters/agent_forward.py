"""An agent forwarding a customer's mail to the desk opens a ticket for that customer."""

from __future__ import annotations

import re

from helpmesh.channels.email import addresses, quotes
from helpmesh.channels.email.filters import Context
from helpmesh.channels.email.headers import Address

_FORWARD_SUBJECT = re.compile(r"^\s*(?:fwd?|fw|wg|tr|rv|enc|i|doorst)\s*:\s*", re.IGNORECASE)
_ADDRESS = re.compile(r"(?:\"?([^\"<>\n]*?)\"?\s*)?<?([\w.%+'-]+@[\w.-]+\.\w+)>?")


def check(context: Context) -> None:
    """When an agent forwards a mail, the original sender becomes the requester."""
    mail = context.mail
    if context.sender is None or context.ticket is not None:
        return
    if not _is_forward(mail.subject, mail.text):
        return
    agent = addresses.agent_for(context.sender.address)
    if agent is None:
        return
    original = _nested_sender(context) or _sender_in_text(mail.text)
    if original is None or addresses.is_ours(original.address):
        return
    context.entered_by = agent
    context.sender = original
    context.subject = _FORWARD_SUBJECT.sub("", mail.subject) or mail.subject
    context.notes.append(f"forwarded by {agent.email}")


def _is_forward(subject: str, text: str) -> bool:
    if _FORWARD_SUBJECT.match(subject):
        return True
    return any(quotes.FORWARD_MARKER.match(line) for line in text.splitlines())


def _nested_sender(context: Context) -> Address | None:
    from helpmesh.channels.email.parser import parse

    for attachment in context.mail.attachments:
        if attachment.content_type == "message/rfc822":
            inner = parse(attachment.content)
            if inner.sender is not None:
                context.body_text = "\n\n".join(t for t in (context.body_text, inner.text) if t)
                return inner.sender
    return None


def _sender_in_text(text: str) -> Address | None:
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if quotes.FORWARD_MARKER.match(line)), 0)
    for line in lines[start : start + 12]:
        if quotes.HEADER_FROM.match(line):
            found = _ADDRESS.search(line.split(":", 1)[1])
            if found:
                return Address((found.group(1) or "").strip(" *"), found.group(2).lower())
    return None

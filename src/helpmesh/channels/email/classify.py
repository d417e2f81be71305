"""Is this mail automatic (auto-reply, out-of-office, list or bulk) or a bounce?

Never answering automatic mail is what keeps two auto-responders from mailing each other
forever; a bounce tells us an address no longer works.
"""

from __future__ import annotations

import re
from email.message import Message

from helpmesh.channels.email import headers

_AUTO_SUBJECT = re.compile(
    r"^\s*(?:auto(?:matic)?[ -]?(?:reply|response|antwort)|out of (?:the )?office|"
    r"abwesenheits(?:notiz|nachricht)|automatische antwort|r[ée]ponse automatique|"
    r"absence|respuesta autom[áa]tica|automatisch antwoord|risposta automatica|"
    r"odpowied[źz] automatyczna|автоответ|自動応答|自动回复|autoreply)\b",
    re.IGNORECASE,
)
_BULK_PRECEDENCE = {"bulk", "list", "junk", "auto_reply", "auto-reply"}
_DAEMONS = re.compile(r"^(?:mailer-daemon|postmaster|mail-daemon|mailerdaemon)@", re.IGNORECASE)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|delivery status notification \((?:failure|delay)\)|returned mail|"
    r"mail delivery (?:failed|failure|system)|delivery failure|failure notice|"
    r"unzustellbar|non remis|no se puede entregar|onbestelbaar",
    re.IGNORECASE,
)
_RECIPIENT_IN_TEXT = re.compile(
    r"(?:final-recipient|original-recipient)\s*:\s*(?:rfc822\s*;)?\s*<?([^\s<>;]+@[^\s<>;]+)>?",
    re.IGNORECASE,
)
_ADDRESS_IN_TEXT = re.compile(r"<?([A-Za-z0-9._%+=-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})>?")


def auto_submitted(message: Message, subject: str, sender: str) -> bool:
    """True for auto-replies, out-of-office notices, mailing-list and bulk mail (RFC 3834)."""
    auto = headers.raw_value(message, "Auto-Submitted").strip().lower()
    if auto and not auto.startswith("no"):
        return True
    if headers.raw_value(message, "Precedence").strip().lower() in _BULK_PRECEDENCE:
        return True
    if any(message.get(h) for h in ("X-Autoreply", "X-Autorespond", "X-Auto-Reply")):
        return True
    suppress = headers.raw_value(message, "X-Auto-Response-Suppress").lower()
    if "oof" in suppress or suppress.strip() == "all":
        return True
    if message.get("List-Id") or message.get("List-Unsubscribe") or message.get("X-Campaign"):
        return True
    return bool(_AUTO_SUBJECT.search(subject)) or bool(_DAEMONS.match(sender))


def is_report(message: Message) -> bool:
    """A multipart/report delivery status notification (RFC 3464)."""
    report_type = message.get_param("report-type") or ""
    if isinstance(report_type, tuple):  # RFC 2231 encoded: (charset, language, value)
        report_type = report_type[2]
    return (
        message.get_content_type() == "multipart/report"
        and report_type.lower() == "delivery-status"
    )


def bounce(message: Message, subject: str, sender: str, body: str) -> tuple[bool, list[str]]:
    """(is it a bounce, the recipients that failed)."""
    failed = _dsn_recipients(message) if is_report(message) else []
    if failed or is_report(message):
        return True, failed
    if _DAEMONS.match(sender) and _BOUNCE_SUBJECT.search(subject):
        return True, _recipients_in_text(body)
    return False, []


def _dsn_recipients(message: Message) -> list[str]:
    failed: list[str] = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        payload = part.get_payload()
        blocks = payload if isinstance(payload, list) else []
        for block in blocks:
            if not isinstance(block, Message):
                continue
            action = str(block.get("Action", "failed")).strip().lower()
            recipient = str(block.get("Final-Recipient") or block.get("Original-Recipient") or "")
            if recipient and action in ("failed", ""):
                address = recipient.split(";", 1)[-1].strip().strip("<>")
                if "@" in address and address not in failed:
                    failed.append(address)
        if not blocks:
            failed.extend(_recipients_in_text(str(payload)))
    return failed


def _recipients_in_text(body: str) -> list[str]:
    found = [m.group(1) for m in _RECIPIENT_IN_TEXT.finditer(body)]
    if not found:
        found = [m.group(1) for m in _ADDRESS_IN_TEXT.finditer(body[:4000])][:1]
    return list(dict.fromkeys(a.strip(".") for a in found))


def original_message_ids(message: Message) -> list[str]:
    """The Message-IDs of the mail a bounce reports on: from its returned headers or message
    (text/rfc822-headers, message/rfc822), else its own In-Reply-To and References."""
    from email.parser import HeaderParser

    found: list[str] = []
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "text/rfc822-headers":
            payload = part.get_payload(decode=True)
            payload = payload if isinstance(payload, bytes) else b""
            returned = HeaderParser().parsestr(payload.decode("utf-8", "replace"))
            found += headers.message_ids(headers.raw_value(returned, "Message-ID"))
        elif kind == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                found += headers.message_ids(headers.raw_value(inner[0], "Message-ID"))
    for name in ("In-Reply-To", "References"):
        found += headers.message_ids(headers.raw_value(message, name))
    return list(dict.fromkeys(found))


def dsn_reasons(message: Message) -> dict[str, str]:
    """Failed recipient -> "status diagnostic" from the delivery-status part ("" if none)."""
    reasons: dict[str, str] = {}
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        blocks = part.get_payload()
        for block in blocks if isinstance(blocks, list) else []:
            if not isinstance(block, Message):
                continue
            recipient = str(block.get("Final-Recipient") or block.get("Original-Recipient") or "")
            address = recipient.split(";", 1)[-1].strip().strip("<>").lower()
            if "@" in address:
                detail = f"{block.get('Status', '')} {block.get('Diagnostic-Code', '')}"
                reasons[address] = " ".join(detail.split())
    return reasons

"""Outgoing mail: agent replies and notifications, threaded, from the ticket's mailbox.

queue_* creates an ``OutboundMail`` row and enqueues ``tasks.send_mail``; ``deliver`` builds the
MIME message (Message-ID, In-Reply-To, References, Reply-To, Auto-Submitted on automatic mail,
text + HTML, attachments) and sends it over the mailbox's SMTP server, retrying with backoff.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend
from django.db import transaction
from django.utils.functional import cached_property

from helpmesh.channels.email import addresses, conf, templates
from helpmesh.channels.email.models import Direction, Mailbox, MailRef, OutboundMail, SendStatus
from helpmesh.conversations.models import Message, Ticket
from helpmesh.conversations.sanitize import text_to_html
from helpmesh.core import audit, clock
from helpmesh.customers.models import IdentityKind

log = logging.getLogger(__name__)


def register() -> None:
    """Make agent replies on email tickets leave as threaded mail from the mailbox."""
    from helpmesh.conversations import tasks

    tasks.register_reply_sender("email", queue_reply)


def mailbox_for(ticket: Ticket) -> Mailbox | None:
    """The mailbox the ticket's mail came through, else its team's, else the first active one."""
    ref = MailRef.objects.filter(ticket=ticket, mailbox__isnull=False).select_related("mailbox")
    first = ref.order_by("created_at").first()
    if first is not None and first.mailbox is not None:
        return first.mailbox
    boxes = Mailbox.objects.filter(active=True)
    if ticket.team_id is None:
        same_team = boxes.filter(team__isnull=True)
    else:
        same_team = boxes.filter(team_id=ticket.team_id)
    return same_team.first() or boxes.first()


def _recipient(ticket: Ticket) -> str | None:
    identity = ticket.requester.identities.filter(
        kind=IdentityKind.EMAIL, failing_since__isnull=True
    ).first()
    return identity.value if identity else None


def _copies(ticket: Ticket) -> list[str]:
    found = []
    for customer in ticket.participants.all():
        identity = customer.identities.filter(
            kind=IdentityKind.EMAIL, failing_since__isnull=True
        ).first()
        if identity:
            found.append(identity.value)
    return found


def queue_reply(message: Message) -> str:
    """Queue an agent's public reply as mail to the requester (and participants)."""
    ticket = message.ticket
    agent = message.author_user
    context = {"body": message.body_text, "agent_name": getattr(agent, "name", "") or "Support"}
    return _queue(ticket, "reply", context, message=message, automatic=False)


def queue_notification(ticket: Ticket, kind: str) -> str:
    """Queue an automatic notification (acknowledgement, status change) to the requester."""
    return _queue(ticket, kind, {}, message=None, automatic=True)


def _queue(ticket: Ticket, kind: str, extra: dict, *, message, automatic: bool) -> str:
    from helpmesh.channels.email import tasks

    to = _recipient(ticket)
    if to is None:
        return "skipped: requester has no working email address"
    mailbox = mailbox_for(ticket)
    context = {
        "ticket": ticket,
        "customer_name": ticket.requester.name or to,
        "mailbox_name": (mailbox.display_name or mailbox.name) if mailbox else "Support",
        **extra,
    }
    rendered = templates.render(kind, context)
    in_reply_to, references = _thread_ids(ticket)
    with transaction.atomic():
        mail = OutboundMail.objects.create(
            ticket=ticket,
            ticket_message=message,
            mailbox=mailbox,
            kind=kind,
            automatic=automatic,
            to=to,
            cc=", ".join(_copies(ticket)) if not automatic else "",
            subject=rendered.subject[:300],
            message_id=_new_id(ticket, mailbox),
            in_reply_to=in_reply_to,
            references=" ".join(references),
            created_at=clock.now(),
        )
        MailRef.objects.create(
            message_id=mail.message_id,
            direction=Direction.OUT,
            ticket=ticket,
            ticket_message=message,
            mailbox=mailbox,
            address=to,
            created_at=mail.created_at,
        )
        transaction.on_commit(lambda: tasks.send_mail.enqueue(mail.pk))
    return f"queued {kind} {mail.message_id}"


def _thread_ids(ticket: Ticket) -> tuple[str, list[str]]:
    ids = list(
        MailRef.objects.filter(ticket=ticket)
        .order_by("created_at", "id")
        .values_list("message_id", "direction")
    )
    received = [i for i, d in ids if d == Direction.IN and not i.startswith("sha256:")]
    references = [i for i, _ in ids if not i.startswith("sha256:")][-20:]
    return (received[-1] if received else (references[-1] if references else "")), references


def _new_id(ticket: Ticket, mailbox: Mailbox | None) -> str:
    address = mailbox.address if mailbox else addresses.support_address()
    domain = address.rsplit("@", 1)[-1] or "helpmesh.invalid"
    return f"<hm.{ticket.pk}.{secrets.token_hex(8)}@{domain}>"


def deliver(outbound_id: int) -> str:
    """Send one queued mail; on failure schedule a retry with backoff, or mark it failed."""
    mail = OutboundMail.objects.select_related("ticket", "mailbox", "ticket_message").get(
        pk=outbound_id
    )
    if mail.status != SendStatus.QUEUED:
        return f"skipped: {mail.status}"
    try:
        build(mail).send()
    except Exception as exc:
        return _failed(mail, exc)
    OutboundMail.objects.filter(pk=mail.pk).update(
        status=SendStatus.SENT, sent_at=clock.now(), attempts=mail.attempts + 1, last_error=""
    )
    audit.record("email.sent", "ticket", mail.ticket_id, data={"mail": mail.pk, "kind": mail.kind})
    return "sent"


def _failed(mail: OutboundMail, exc: Exception) -> str:
    attempts = mail.attempts + 1
    give_up = attempts >= conf.get("HELPMESH_EMAIL_SEND_ATTEMPTS")
    delay = timedelta(seconds=conf.get("HELPMESH_EMAIL_RETRY_SECONDS") * 2 ** (attempts - 1))
    error = f"{type(exc).__name__}: {exc}"[:2000]
    with transaction.atomic():
        OutboundMail.objects.filter(pk=mail.pk).update(
            attempts=attempts,
            last_error=error,
            status=SendStatus.FAILED if give_up else SendStatus.QUEUED,
            next_attempt_at=None if give_up else clock.now() + delay,
        )
        audit.record(
            "email.send_failed",
            "ticket",
            mail.ticket_id,
            data={"mail": mail.pk, "to": mail.to, "error": error, "will_retry": not give_up},
        )
    log.warning("sending mail %s failed (attempt %s): %s", mail.pk, attempts, error)
    return "failed" if give_up else "retry"


def build(mail: OutboundMail) -> EmailMultiAlternatives:
    """The MIME message for ``mail``, with a connection to its mailbox's SMTP server."""
    rendered = _rerender(mail)
    mailbox = mail.mailbox
    sender = mailbox.address if mailbox else addresses.support_address()
    name = (mailbox.display_name or mailbox.name) if mailbox else ""
    headers = {
        "Message-ID": mail.message_id,
        "Reply-To": sender,
        "X-Helpmesh-Ticket": str(mail.ticket_id),
        "X-Helpmesh-Loop": addresses.loop_token(),
    }
    if mail.in_reply_to:
        headers["In-Reply-To"] = mail.in_reply_to
    if mail.references:
        headers["References"] = mail.references
    if mail.automatic:
        headers["Auto-Submitted"] = (
            "auto-replied" if mail.kind == "acknowledgement" else "auto-generated"
        )
        headers["X-Auto-Response-Suppress"] = "All"
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=rendered.text,
        from_email=f'"{name}" <{sender}>' if name else sender,
        to=[mail.to],
        cc=[c.strip() for c in mail.cc.split(",") if c.strip()],
        headers=headers,
        connection=_connection(mailbox),
    )
    message.attach_alternative(rendered.html or text_to_html(rendered.text), "text/html")
    if mail.ticket_message is not None:
        for attachment in mail.ticket_message.attachments.all():
            message.attach(attachment.filename, attachment.file.read(), attachment.content_type)
    return message


def _rerender(mail: OutboundMail) -> templates.Rendered:
    ticket = mail.ticket
    context = {
        "ticket": ticket,
        "customer_name": ticket.requester.name or mail.to,
        "mailbox_name": (mail.mailbox.display_name or mail.mailbox.name)
        if mail.mailbox
        else "Support",
        "body": mail.ticket_message.body_text if mail.ticket_message else "",
        "agent_name": getattr(mail.ticket_message.author_user, "name", "")
        if mail.ticket_message
        else "",
    }
    return templates.render(mail.kind, context)


def _connection(mailbox: Mailbox | None):
    if mailbox is None or not mailbox.smtp_host:
        return get_connection()
    return get_connection(
        "helpmesh.channels.email.outbound.SMTPBackend",
        host=mailbox.smtp_host,
        port=mailbox.smtp_port,
        username=mailbox.smtp_user or None,
        password=mailbox.smtp_password or None,
        use_tls=mailbox.smtp_security == "starttls",
        use_ssl=mailbox.smtp_security == "ssl",
        timeout=30,
    )


class SMTPBackend(EmailBackend):
    """Django's SMTP backend, verifying the server against ``conf.tls_context()`` (STARTTLS or
    implicit TLS), so a private CA can be named in HELPMESH_EMAIL_CA_FILE."""

    @cached_property
    def ssl_context(self):
        if self.ssl_certfile or self.ssl_keyfile:
            return super().ssl_context
        return conf.tls_context()


def retry_due() -> int:
    """Send every queued mail whose backoff has passed (the poller calls this); returns count."""
    from helpmesh.channels.email import tasks

    due = OutboundMail.objects.filter(status=SendStatus.QUEUED, next_attempt_at__lte=clock.now())
    ids = list(due.values_list("pk", flat=True)[:100])
    for pk in ids:
        tasks.send_mail.enqueue(pk)
    return len(ids)

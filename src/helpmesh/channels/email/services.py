"""The email channel's write path: ingest raw MIME, list and retry the quarantine.

    ingest(raw, mailbox=None) -> Ingested

parse -> filters (loop, bounce, own mail, threading, participants, size) -> pipeline.receive.
Every message ends in exactly one place: a ticket message (raw kept by the pipeline), the
quarantine (raw kept, reason shown, retryable) or ``IgnoredMail`` (bounces, our own mail).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from helpmesh.channels.email import filters, parser
from helpmesh.channels.email.filters import Context
from helpmesh.channels.email.models import Direction, IgnoredMail, Mailbox, MailRef
from helpmesh.conversations import merging, pipeline
from helpmesh.conversations.errors import InboundRejected, TicketError
from helpmesh.conversations.models import Channel, InboundContact, InboundState, LinkKind
from helpmesh.core import audit, clock

log = logging.getLogger(__name__)


@dataclass
class Ingested:
    """What happened to one message: ``ticket`` | ``duplicate`` | ``ignored`` | ``quarantined``."""

    outcome: str
    source_id: str
    ticket_id: int | None = None
    message_id: int | None = None
    created_ticket: bool = False
    reason: str = ""
    contact_id: int | None = None

    def as_json(self) -> dict:
        return dict(self.__dict__)


def ingest(raw: bytes, *, mailbox: Mailbox | None = None, retry: bool = False) -> Ingested:
    """Turn one raw message into a ticket message exactly once, or keep it with a reason."""
    mail = parser.parse(raw)
    if not retry and _already_done(mail.source_id):
        return Ingested("duplicate", mail.source_id)
    context = filters.run(Context(mail=mail, mailbox=mailbox, retry=retry))
    if context.outcome == filters.IGNORE:
        return _ignore(context)
    if context.outcome == filters.QUARANTINE:
        contact = pipeline.quarantine(_inbound(context), context.reason)
        return Ingested("quarantined", mail.source_id, reason=context.reason, contact_id=contact.pk)
    return _receive(context)


def _already_done(source_id: str) -> bool:
    processed = InboundContact.objects.filter(
        channel=Channel.EMAIL, source_id=source_id, state=InboundState.PROCESSED
    ).exists()
    return processed or IgnoredMail.objects.filter(source_id=source_id).exists()


def _inbound(context: Context) -> pipeline.Inbound:
    mail, mailbox = context.mail, context.mailbox
    sender = context.sender or parser.Address("", "")
    # The ticket shows what the sender newly wrote; the full mail stays in the raw MIME.
    body = context.body_text if context.entered_by else (mail.reply.strip() or mail.text)
    return pipeline.Inbound(
        channel=Channel.EMAIL,
        sender=pipeline.Sender("email", sender.address, sender.name),
        subject=context.subject,
        body_text=body.strip() or "(empty message)",
        body_html=mail.html,
        attachments=[_attachment(a) for a in mail.attachments],
        source_id=mail.source_id,
        ticket_id=context.ticket.pk if context.ticket else None,
        raw=mail.raw,
        entered_by=context.entered_by,
        team_id=mailbox.team_id if mailbox and context.ticket is None else None,
        cc=[pipeline.Sender("email", p.address, p.name) for p in context.cc],
    )


def _attachment(item: parser.MailAttachment):
    from helpmesh.conversations.attachments import NewAttachment

    return NewAttachment(item.filename, item.content, item.content_type)


def _receive(context: Context) -> Ingested:
    mail = context.mail
    inbound = _inbound(context)
    try:
        with transaction.atomic():
            receipt = pipeline.receive(inbound)
            if not receipt.duplicate:
                _remember(context, receipt.ticket, receipt.message)
                _link_follow_up(context, receipt.ticket)
    except InboundRejected as exc:
        reason, contact_id = exc.message, exc.contact_id
        return Ingested("quarantined", mail.source_id, reason=reason, contact_id=contact_id)
    except TicketError as exc:  # raised after receive (a follow-up link): keep the mail safe
        contact = pipeline.quarantine(inbound, exc.message)
        return Ingested("quarantined", mail.source_id, reason=exc.message, contact_id=contact.pk)
    outcome = "duplicate" if receipt.duplicate else "ticket"
    result = Ingested(
        outcome,
        mail.source_id,
        ticket_id=receipt.ticket.pk,
        message_id=receipt.message.pk,
        created_ticket=receipt.created_ticket,
    )
    if receipt.created_ticket and not receipt.duplicate and not context.automatic:
        _acknowledge(context, receipt.ticket)
    return result


def _remember(context: Context, ticket, message) -> None:
    sender = context.sender.address.lower() if context.sender else ""
    try:
        with transaction.atomic():
            MailRef.objects.create(
                message_id=context.mail.source_id,
                direction=Direction.IN,
                ticket=ticket,
                ticket_message=message,
                mailbox=context.mailbox,
                address=sender,
                created_at=clock.now(),
            )
    except IntegrityError:
        pass  # the same Message-ID re-sent with other content: the first one threads


def _link_follow_up(context: Context, ticket) -> None:
    if context.follow_up_of is None:
        return
    merging.link_tickets(ticket, context.follow_up_of, kind=LinkKind.FOLLOW_UP, actor=None)


def _acknowledge(context: Context, ticket) -> None:
    from helpmesh.channels.email import outbound

    if context.mailbox is not None and not context.mailbox.send_acknowledgement:
        return
    if context.entered_by is not None:
        return  # an agent forwarded it; the customer did not write to us
    transaction.on_commit(lambda: outbound.queue_notification(ticket, "acknowledgement"))


def _ignore(context: Context) -> Ingested:
    mail = context.mail
    sender = context.sender.address if context.sender else ""
    with transaction.atomic():
        row, created = IgnoredMail.objects.get_or_create(
            source_id=mail.source_id,
            defaults={
                "mailbox": context.mailbox,
                "reason": context.reason[:500],
                "sender": sender[:254],
                "subject": mail.subject[:300],
                "raw": mail.raw,
                "received_at": clock.now(),
            },
        )
        if created:
            audit.record("email.ignored", "email", row.pk, data={"reason": context.reason})
    return Ingested("ignored", mail.source_id, reason=context.reason)


def quarantined():
    """The email contacts waiting in quarantine, oldest first."""
    return InboundContact.objects.filter(
        channel=Channel.EMAIL, state=InboundState.QUARANTINED
    ).order_by("received_at", "id")


def retry(contact_id: int, *, actor=None) -> Ingested:
    """Run a quarantined message through the filters again (rate limits do not apply)."""
    contact = quarantined().filter(pk=contact_id).first()
    if contact is None:
        raise TicketError(f"no quarantined email {contact_id}", field="id", code="not_found")
    result = ingest(bytes(contact.raw), retry=True)
    audit.record(
        "email.quarantine_retried",
        "email",
        contact_id,
        actor=actor,
        data={"outcome": result.outcome, "reason": result.reason},
    )
    return result

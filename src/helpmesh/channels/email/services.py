"""The email channel's write path: ingest raw MIME, list and retry the quarantine.

    ingest(raw, mailbox=None) -> Ingested
    ingest_batches(((key, raw), ...), mailbox=None) -> batches of (key, Ingested), each committed

parse -> filters (loop, bounce, own mail, threading, participants, size) -> pipeline.receive.
Every message ends in exactly one place: a ticket message (raw kept by the pipeline), the
quarantine (raw kept, reason shown, retryable) or ``IgnoredMail`` (bounces, our own mail).

Bulk sources (IMAP fetches, Maildirs, mboxes) use ``ingest_batches``: one transaction, one commit
and one audit-chain append per batch of ``BATCH_SIZE`` messages. Each message runs in its own
savepoint, so a failing one is rolled back alone and quarantined; a batch is handed back only
after its commit, which is when the caller may mark the messages in their mailbox.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import TypeVar

from django.db import connection, transaction

from helpmesh.channels.email import filters, parser
from helpmesh.channels.email.filters import Context, loop
from helpmesh.channels.email.models import Direction, IgnoredMail, Mailbox, MailRef
from helpmesh.conversations import merging, pipeline
from helpmesh.conversations.errors import InboundRejected, TicketError
from helpmesh.conversations.models import Channel, InboundContact, InboundState, LinkKind
from helpmesh.core import audit, clock

log = logging.getLogger(__name__)

BATCH_SIZE = 50
K = TypeVar("K")


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
    return _ingest(parser.parse(raw), mailbox, retry=retry)


def ingest_batches(
    items: Iterable[tuple[K, bytes]], *, mailbox: Mailbox | None = None, size: int = BATCH_SIZE
) -> Iterator[list[tuple[K, Ingested]]]:
    """Ingest ``(key, raw)`` pairs ``size`` at a time, one transaction per batch.

    Yields each batch's ``(key, result)`` pairs after the batch has committed: only then may the
    caller flag, move or delete those messages at their source. A message that fails is rolled
    back to its own savepoint and quarantined (raw kept) without touching the rest of the batch.
    """
    pending = iter(items)
    while chunk := list(islice(pending, max(size, 1))):
        parsed = [(key, parser.parse(raw)) for key, raw in chunk]  # outside the write lock
        senders = {m.sender.address.lower() for _, m in parsed if m.sender is not None}
        with audit.unit(savepoint=False):  # nothing below is caught and carried on from
            recent = loop.recent_counts(sorted(senders))  # the rate limit: one query a batch
            results = [(key, _guarded(mail, mailbox, recent)) for key, mail in parsed]
        yield results


def _guarded(mail: parser.ParsedMail, mailbox: Mailbox | None, recent: dict[str, int]) -> Ingested:
    """One message of a batch in its own savepoint; any failure quarantines the raw form."""
    try:
        with audit.unit():
            return _ingest(mail, mailbox, guarded=True, recent=recent)
    except TicketError as exc:  # incl. InboundRejected: its quarantine was rolled back with it
        reason = exc.message
    except Exception as exc:
        log.exception("email %s could not be processed", mail.source_id)
        reason = f"could not be processed: {type(exc).__name__}: {exc}"[:2000]
    bare = pipeline.Inbound(
        channel=Channel.EMAIL,
        sender=pipeline.Sender("email", ""),
        body_text="",
        source_id=mail.source_id,
        raw=mail.raw,
    )
    contact = pipeline.quarantine(bare, reason)
    return Ingested("quarantined", mail.source_id, reason=reason, contact_id=contact.pk)


def _ingest(
    mail: parser.ParsedMail,
    mailbox: Mailbox | None,
    *,
    retry: bool = False,
    guarded: bool = False,
    recent: dict[str, int] | None = None,
) -> Ingested:
    state, ignored, sent_by_us = _look_up(mail)
    if not retry and (state == InboundState.PROCESSED or ignored):
        return Ingested("duplicate", mail.source_id)
    context = Context(
        mail=mail, mailbox=mailbox, retry=retry, sent_by_us=sent_by_us, recent_by_sender=recent
    )
    context = filters.run(context)
    if context.outcome == filters.IGNORE:
        return _ignore(context)
    if context.outcome == filters.QUARANTINE:
        contact = pipeline.quarantine(_inbound(context), context.reason)
        return Ingested("quarantined", mail.source_id, reason=context.reason, contact_id=contact.pk)
    return _receive(context, unseen=state is None, guarded=guarded)


_LOOK_UP = (
    "SELECT 'contact', state FROM {} WHERE channel = %s AND source_id = %s "
    "UNION ALL SELECT 'ignored', '' FROM {} WHERE source_id = %s "
    "UNION ALL SELECT 'sent', '' FROM {} WHERE message_id = %s AND direction = %s"
)


def _look_up(mail: parser.ParsedMail) -> tuple[str | None, bool, bool]:
    """(state of a stored contact with this source id, ignored before, a Message-ID we sent).

    The exactly-once check and the own-mail check in one statement: this runs for every message.
    """
    tables = [
        connection.ops.quote_name(m._meta.db_table) for m in (InboundContact, IgnoredMail, MailRef)
    ]
    sql = _LOOK_UP.format(*tables)  # only table names are interpolated; values are parameters
    source_id = mail.source_id
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [Channel.EMAIL.value, source_id, source_id, mail.message_id, Direction.OUT.value],
        )
        rows = cursor.fetchall()
    state = next((value for kind, value in rows if kind == "contact"), None)
    found = {kind for kind, _ in rows}
    return state, "ignored" in found, bool(mail.message_id) and "sent" in found


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


def _receive(context: Context, *, unseen: bool = False, guarded: bool = False) -> Ingested:
    """Hand the mail to the pipeline; remember its Message-ID and link a follow-up with it.

    ``guarded``: a batch's savepoint surrounds this call and quarantines on any error, so errors
    are left to it rather than caught here (which would need a savepoint of our own).
    """
    mail = context.mail
    inbound = _inbound(context)
    if guarded:
        receipt = _record(context, inbound, unseen)
    else:
        try:
            with audit.unit():
                receipt = _record(context, inbound, unseen)
        except InboundRejected as exc:
            reason, contact_id = exc.message, exc.contact_id
            return Ingested("quarantined", mail.source_id, reason=reason, contact_id=contact_id)
        except TicketError as exc:  # raised after receive (a follow-up link): keep the mail safe
            contact = pipeline.quarantine(inbound, exc.message)
            return Ingested(
                "quarantined", mail.source_id, reason=exc.message, contact_id=contact.pk
            )
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


def _record(context: Context, inbound: pipeline.Inbound, unseen: bool) -> pipeline.Receipt:
    receipt = pipeline.receive(inbound, unseen=unseen)
    if not receipt.duplicate:
        _remember(context, receipt.ticket, receipt.message)
        _link_follow_up(context, receipt.ticket)
    return receipt


def _remember(context: Context, ticket, message) -> None:
    sender = context.sender.address.lower() if context.sender else ""
    ref = MailRef(
        message_id=context.mail.source_id,
        direction=Direction.IN,
        ticket=ticket,
        ticket_message=message,
        mailbox=context.mailbox,
        address=sender,
        automatic=context.automatic,
        created_at=clock.now(),
    )
    # The same Message-ID re-sent with other content: the first one threads. One statement,
    # no savepoint (INSERT ... ON CONFLICT DO NOTHING).
    MailRef.objects.bulk_create([ref], ignore_conflicts=True)
    counts = context.recent_by_sender
    if counts is not None and sender:  # the batch's rate-limit counts (a rolled-back message
        counts[sender] = counts.get(sender, 0) + 1  # stays counted: errs on the strict side)


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
    with audit.unit():
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

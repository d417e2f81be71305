"""The ``helpmesh mail`` subcommands that touch the database (ingest, quarantine, poll)."""

from __future__ import annotations

import argparse
import json
import sys
import time


def add_commands(mail_sub: argparse._SubParsersAction) -> None:
    """Register ingest, quarantine list/retry and poll."""
    ingest = mail_sub.add_parser(
        "ingest", help="import messages from stdin (-), a file, a Maildir or an mbox"
    )
    ingest.add_argument("sources", nargs="*", default=["-"], metavar="SOURCE")
    ingest.add_argument("--mailbox", help="name of the mailbox the mail arrived at")
    ingest.add_argument("--json", action="store_true", help="one JSON result per message")
    ingest.set_defaults(func=cmd_ingest)
    quarantine = mail_sub.add_parser("quarantine", help="messages that could not be processed")
    q_sub = quarantine.add_subparsers(dest="quarantine_command", required=True)
    listing = q_sub.add_parser("list", help="list quarantined messages with the reason")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=cmd_quarantine_list)
    retry = q_sub.add_parser("retry", help="process quarantined messages again")
    retry.add_argument("ids", nargs="*", type=int, metavar="ID")
    retry.add_argument("--all", action="store_true", help="retry every quarantined message")
    retry.set_defaults(func=cmd_quarantine_retry)
    poll = mail_sub.add_parser("poll", help="fetch mail from the IMAP mailboxes")
    poll.add_argument("--mailbox", help="only this mailbox (by name)")
    poll.add_argument("--once", action="store_true", help="one round, then exit")
    poll.set_defaults(func=cmd_poll)


def _mailbox(name: str | None):
    from helpmesh.channels.email.models import Mailbox

    if not name:
        return None
    found = Mailbox.objects.filter(name=name).first()
    if found is None:
        raise SystemExit(f"no mailbox named {name!r}")
    return found


def cmd_ingest(args: argparse.Namespace) -> int:
    """Import each message, committed in batches; non-zero when a source cannot be read.

    A Maildir message is flagged Seen (moved to cur/) once its batch has committed.
    """
    from helpmesh.channels.email import services, sources

    mailbox, status = _mailbox(args.mailbox), 0
    counts: dict[str, int] = {}
    for source in args.sources:
        try:
            for batch in services.ingest_batches(sources.origins(source), mailbox=mailbox):
                for origin, result in batch:
                    origin.mark_seen()
                    counts[result.outcome] = counts.get(result.outcome, 0) + 1
                    if args.json:
                        print(json.dumps({"source": origin.label, **result.as_json()}), flush=True)
        except OSError as exc:
            print(f"cannot read {source}: {exc}", file=sys.stderr)
            status = 1
    if not args.json:
        print(", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "no messages")
    return status  # quarantined mail is stored safely: the MTA must not deliver it again


def cmd_quarantine_list(args: argparse.Namespace) -> int:
    """Print the quarantine: id, when, size, reason."""
    from helpmesh.channels.email import services

    for contact in services.quarantined():
        row = {
            "id": contact.pk,
            "source_id": contact.source_id,
            "received_at": contact.received_at.isoformat(),
            "size": len(contact.raw),
            "reason": contact.error,
        }
        line = (
            json.dumps(row) if args.json else f"{row['id']}\t{row['received_at']}\t{row['reason']}"
        )
        print(line)
    return 0


def cmd_quarantine_retry(args: argparse.Namespace) -> int:
    """Retry the given (or all) quarantined messages; non-zero when any is still refused."""
    from helpmesh.channels.email import services
    from helpmesh.conversations.errors import TicketError

    ids = list(services.quarantined().values_list("pk", flat=True)) if args.all else args.ids
    status = 0
    for contact_id in ids:
        try:
            result = services.retry(contact_id)
        except TicketError as exc:
            print(f"{contact_id}: {exc.message}", file=sys.stderr)
            status = 1
            continue
        print(f"{contact_id}: {result.outcome} {result.reason}".rstrip())
        status = 1 if result.outcome == "quarantined" else status
    return status


def cmd_poll(args: argparse.Namespace) -> int:
    """Poll each active mailbox when its interval is due; forever unless --once."""
    from helpmesh.channels.email import imap

    while True:
        for summary in imap.poll_due(only=args.mailbox, force=args.once):
            print(summary, flush=True)
        if args.once:
            return 0
        time.sleep(5)

"""The IMAP poller: one poller per mailbox at a time (a lock row claim), and a message is
marked seen, moved or deleted only after its import is committed.

Killing a poller between the commit and the flag change just means the next poll fetches the
message again; ``services.ingest`` sees its Message-ID (or raw digest) and does not store it
twice. The lock expires after HELPMESH_EMAIL_LOCK_SECONDS, so a killed poller never blocks.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import os
import socket
import ssl
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Q

from helpmesh.channels.email import conf, services
from helpmesh.channels.email.models import AfterImport, Mailbox
from helpmesh.core import clock

log = logging.getLogger(__name__)


@dataclass
class PollResult:
    mailbox: str
    fetched: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    error: str = ""
    locked: bool = False

    def summary(self) -> str:
        if self.locked:
            return f"{self.mailbox}: skipped, another poller holds the lock"
        done = ", ".join(f"{n} {k}" for k, n in sorted(self.outcomes.items())) or "nothing new"
        return f"{self.mailbox}: {done}" + (f" (error: {self.error})" if self.error else "")


def acquire(mailbox: Mailbox, owner: str) -> bool:
    """Claim the mailbox for ``owner`` atomically; False when someone else holds it."""
    now = clock.now()
    until = now + timedelta(seconds=conf.get("HELPMESH_EMAIL_LOCK_SECONDS"))
    free = Q(locked_until__isnull=True) | Q(locked_until__lt=now) | Q(locked_by=owner)
    return bool(
        Mailbox.objects.filter(free, pk=mailbox.pk).update(locked_by=owner, locked_until=until)
    )


def release(mailbox: Mailbox, owner: str, error: str = "") -> None:
    """Give the lock back and stamp the poll."""
    Mailbox.objects.filter(pk=mailbox.pk, locked_by=owner).update(
        locked_by="", locked_until=None, last_polled_at=clock.now(), last_error=error[:2000]
    )


def connect(mailbox: Mailbox) -> imaplib.IMAP4:
    """Open and authenticate an IMAP session (TLS, STARTTLS or plain on loopback)."""
    context = ssl.create_default_context()
    if mailbox.imap_security == "ssl":
        client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
            mailbox.imap_host, mailbox.imap_port, ssl_context=context, timeout=60
        )
    else:
        client = imaplib.IMAP4(mailbox.imap_host, mailbox.imap_port, timeout=60)
        if mailbox.imap_security == "starttls":
            client.starttls(ssl_context=context)
    if mailbox.imap_oauth2_token:
        auth = f"user={mailbox.imap_user}\x01auth=Bearer {mailbox.imap_oauth2_token}\x01\x01"
        client.authenticate("XOAUTH2", lambda _: auth.encode())
    else:
        client.login(mailbox.imap_user, mailbox.imap_password)
    return client


def poll(mailbox: Mailbox, *, owner: str | None = None) -> PollResult:
    """Import the new messages of one mailbox, if its lock can be taken."""
    owner = owner or f"{socket.gethostname()}:{os.getpid()}"
    result = PollResult(mailbox.name)
    if not acquire(mailbox, owner):
        result.locked = True
        return result
    try:
        client = connect(mailbox)
        try:
            _import_folder(client, mailbox, result)
        finally:
            _logout(client)
    except (OSError, imaplib.IMAP4.error) as exc:
        result.error = f"{type(exc).__name__}: {exc}"
        log.warning("polling mailbox %s failed: %s", mailbox.name, result.error)
    release(mailbox, owner, result.error)
    return result


def _import_folder(client: imaplib.IMAP4, mailbox: Mailbox, result: PollResult) -> None:
    status, _ = client.select(_quote(mailbox.folder))
    if status != "OK":
        raise imaplib.IMAP4.error(f"cannot open folder {mailbox.folder!r}")
    criteria = "UNSEEN" if mailbox.after_import == AfterImport.SEEN else "UNDELETED"
    status, data = client.uid("SEARCH", criteria)  # no CHARSET argument, as with None
    found = data[0] if status == "OK" and data and isinstance(data[0], bytes) else b""
    uids = [uid.decode("ascii") for uid in found.split()]
    for uid in uids:
        raw = _fetch(client, uid)
        if raw is None:
            continue
        outcome = services.ingest(raw, mailbox=mailbox)  # commits before we touch the flags
        result.fetched += 1
        result.outcomes[outcome.outcome] = result.outcomes.get(outcome.outcome, 0) + 1
        _after_import(client, mailbox, uid)
    if mailbox.after_import != AfterImport.SEEN and uids:
        client.expunge()


def _fetch(client: imaplib.IMAP4, uid: str) -> bytes | None:
    status, data = client.uid("FETCH", uid, "(BODY.PEEK[])")
    if status != "OK":
        return None
    for item in data or []:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    return None


def _after_import(client: imaplib.IMAP4, mailbox: Mailbox, uid: str) -> None:
    if mailbox.after_import == AfterImport.SEEN:
        client.uid("STORE", uid, "+FLAGS", "(\\Seen)")
        return
    if mailbox.after_import == AfterImport.MOVE:
        target = _quote(mailbox.move_to or "Imported")
        client.create(target)  # fails harmlessly when it exists
        if client.uid("COPY", uid, target)[0] != "OK":
            raise imaplib.IMAP4.error(f"cannot copy to {mailbox.move_to!r}")
    client.uid("STORE", uid, "+FLAGS", "(\\Deleted \\Seen)")


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _logout(client: imaplib.IMAP4) -> None:
    with contextlib.suppress(OSError, imaplib.IMAP4.error):
        client.logout()


def poll_due(*, only: str | None = None, force: bool = False) -> list[str]:
    """Poll every active mailbox whose interval has passed (all of them with ``force``)."""
    from helpmesh.channels.email import outbound

    summaries = []
    boxes = Mailbox.objects.filter(active=True).exclude(imap_host="")
    if only:
        boxes = boxes.filter(name=only)
    now = clock.now()
    for mailbox in boxes:
        due = mailbox.last_polled_at is None or (
            now - mailbox.last_polled_at >= timedelta(seconds=mailbox.poll_interval)
        )
        if force or due:
            summaries.append(poll(mailbox).summary())
    outbound.retry_due()
    return summaries

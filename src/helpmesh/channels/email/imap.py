"""The IMAP poller: one poller per mailbox at a time (a lock row claim), and a message is
marked seen, moved or deleted only after its import is committed.

Messages are fetched and imported in batches (``services.BATCH_SIZE``: one ``UID FETCH``, one
transaction and one flag change per batch), and a batch is flagged only after its commit.

Killing a poller between the commit and the flag change just means the next poll fetches the
message again; ``services.ingest`` sees its Message-ID (or raw digest) and does not store it
twice. The lock expires after HELPMESH_EMAIL_LOCK_SECONDS, so a killed poller never blocks.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import os
import re
import socket
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
    context = conf.tls_context()
    if mailbox.imap_security == "ssl":
        client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
            mailbox.imap_host, mailbox.imap_port, ssl_context=context, timeout=60
        )
    else:
        client = imaplib.IMAP4(mailbox.imap_host, mailbox.imap_port, timeout=60)
        if mailbox.imap_security == "starttls":
            client.starttls(ssl_context=context)
    if mailbox.imap_oauth2_token:
        auth = xoauth2(mailbox.imap_user, mailbox.imap_oauth2_token)
        client.authenticate("XOAUTH2", lambda _: auth)
    else:
        client.login(mailbox.imap_user, mailbox.imap_password)
    return client


def xoauth2(user: str, token: str) -> bytes:
    """The SASL XOAUTH2 initial response (Google's and Microsoft's format; imaplib base64s it)."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01".encode()


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
    for start in range(0, len(uids), services.BATCH_SIZE):
        fetched = _fetch(client, uids[start : start + services.BATCH_SIZE])
        for batch in services.ingest_batches(fetched, mailbox=mailbox, size=len(fetched)):
            for _, outcome in batch:  # committed: now the flags may change
                result.fetched += 1
                result.outcomes[outcome.outcome] = result.outcomes.get(outcome.outcome, 0) + 1
            _after_import(client, mailbox, [uid for uid, _ in batch])
    if mailbox.after_import != AfterImport.SEEN and uids:
        client.expunge()


_UID = re.compile(rb"\bUID (\d+)")


def _fetch(client: imaplib.IMAP4, uids: list[str]) -> list[tuple[str, bytes]]:
    """The raw messages of ``uids`` in one ``UID FETCH`` (a message that vanished is left out)."""
    status, data = client.uid("FETCH", ",".join(uids), "(UID BODY.PEEK[])")
    if status != "OK":
        return []
    found: dict[str, bytes] = {}
    for item in data or []:
        if isinstance(item, tuple) and len(item) == 2:
            match = _UID.search(item[0])
            if match:
                found[match.group(1).decode("ascii")] = item[1]
    return [(uid, found[uid]) for uid in uids if uid in found]


def _after_import(client: imaplib.IMAP4, mailbox: Mailbox, uids: list[str]) -> None:
    if not uids:
        return
    uid_set = ",".join(uids)
    if mailbox.after_import == AfterImport.SEEN:
        client.uid("STORE", uid_set, "+FLAGS", "(\\Seen)")
        return
    if mailbox.after_import == AfterImport.MOVE:
        target = _quote(mailbox.move_to or "Imported")
        client.create(target)  # fails harmlessly when it exists
        if client.uid("COPY", uid_set, target)[0] != "OK":
            raise imaplib.IMAP4.error(f"cannot copy to {mailbox.move_to!r}")
    client.uid("STORE", uid_set, "+FLAGS", "(\\Deleted \\Seen)")


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

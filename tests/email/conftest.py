"""Fixtures for the email channel: .eml files, a mailbox, inline mail sending."""

from __future__ import annotations

import socket

import pytest


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def mailbox(db, personas):
    """The support mailbox of team A (no IMAP/SMTP server: mail goes to Django's outbox)."""
    from helpmesh.channels.email import mailboxes

    return mailboxes.create_mailbox(
        {"name": "support", "address": "support@helpmesh.test", "team_id": personas.team_a.pk}
    )


@pytest.fixture
def smtp_sink():
    """A real SMTP server (aiosmtpd) on loopback that keeps every message it receives."""
    from aiosmtpd.controller import Controller

    class Sink:
        def __init__(self) -> None:
            self.messages: list[bytes] = []
            self.fail = 0  # answer 451 to this many messages first

        async def handle_DATA(self, server, session, envelope):
            if self.fail:
                self.fail -= 1
                return "451 try again later"
            self.messages.append(envelope.original_content or envelope.content)
            return "250 OK"

    sink = Sink()
    sink.port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    yield sink
    controller.stop()


@pytest.fixture
def smtp_mailbox(mailbox, smtp_sink):
    """The support mailbox sending through the SMTP sink."""
    mailbox.smtp_host, mailbox.smtp_port, mailbox.smtp_security = (
        "127.0.0.1",
        smtp_sink.port,
        "none",
    )
    mailbox.save()
    return mailbox


@pytest.fixture
def dovecot():
    """A real Dovecot IMAP server on a high loopback port (skipped when it cannot run)."""
    import shutil
    import tempfile
    from pathlib import Path

    from dovecot import Dovecot, ensure_installed

    binary = ensure_installed()
    if binary is None:
        pytest.skip("dovecot-imapd is not installed and cannot be installed here")
    # Not under pytest's tmp_path: Dovecot's unprivileged processes must reach the files.
    root = Path(tempfile.mkdtemp(prefix="helpmesh-dovecot-"))
    server = Dovecot(binary, root, free_port())
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def imap_mailbox(mailbox, dovecot):
    """The support mailbox fetching from the Dovecot server."""
    from dovecot import PASSWORD, USER

    mailbox.imap_host, mailbox.imap_port, mailbox.imap_security = "127.0.0.1", dovecot.port, "none"
    mailbox.imap_user, mailbox.imap_password = USER, PASSWORD
    mailbox.send_acknowledgement = False
    mailbox.save()
    return mailbox

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
def smtp_tls_sink(tls_certificate):
    """aiosmtpd requiring STARTTLS and then AUTH (LOGIN/PLAIN) before it accepts mail."""
    import ssl

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    cert, key = tls_certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))

    class Sink:
        def __init__(self) -> None:
            self.messages: list[bytes] = []
            self.sessions: list[tuple[bool, str]] = []  # (TLS?, authenticated user)

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope.original_content or envelope.content)
            self.sessions.append((session.ssl is not None, str(session.auth_data.login, "utf8")))
            return "250 OK"

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"mailer" and auth_data.password == b"smtp-secret"
        return AuthResult(success=ok, auth_data=auth_data)

    sink = Sink()
    sink.port = free_port()
    controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=sink.port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticate,
        auth_required=True,
    )
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


@pytest.fixture(scope="session")
def tls_certificate(tmp_path_factory):
    """A throwaway self-signed certificate and key for localhost and 127.0.0.1 (one day)."""
    from dovecot import make_certificate

    pair = make_certificate(tmp_path_factory.mktemp("tls"))
    if pair is None:
        pytest.skip("openssl is not installed")
    return pair


def _run_dovecot(**options):
    import shutil
    import tempfile
    from pathlib import Path

    from dovecot import Dovecot, ensure_installed

    binary = ensure_installed()
    if binary is None:
        pytest.skip("dovecot-imapd is not installed and cannot be installed here")
    # Not under pytest's tmp_path: Dovecot's unprivileged processes must reach the files.
    root = Path(tempfile.mkdtemp(prefix="helpmesh-dovecot-"))
    server = Dovecot(binary, root, free_port(), **options)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def dovecot():
    """A real Dovecot IMAP server on a high loopback port (skipped when it cannot run)."""
    yield from _run_dovecot()


@pytest.fixture
def dovecot_tls(tls_certificate):
    """Dovecot with TLS: STARTTLS on ``port``, implicit TLS (imaps) on ``tls_port``."""
    yield from _run_dovecot(tls=tls_certificate, tls_port=free_port())


@pytest.fixture
def oauth2_tokens():
    """A token introspection endpoint (RFC 7662) on loopback: ``tokens`` maps token -> user."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import parse_qs

    tokens: dict[str, str] = {}

    class Introspect(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode())
            user = tokens.get((form.get("token") or [""])[0])
            body = json.dumps({"active": "true", "username": user} if user else {"active": "false"})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Introspect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.tokens = tokens  # type: ignore[attr-defined]
    server.url = f"http://127.0.0.1:{server.server_address[1]}/introspect"  # type: ignore[attr-defined]
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def dovecot_oauth2(oauth2_tokens):
    """Dovecot that accepts XOAUTH2 tokens the introspection endpoint knows."""
    yield from _run_dovecot(oauth2_url=oauth2_tokens.url)


@pytest.fixture
def imap_mailbox(mailbox, dovecot):
    """The support mailbox fetching from the Dovecot server."""
    from dovecot import PASSWORD, USER

    mailbox.imap_host, mailbox.imap_port, mailbox.imap_security = "127.0.0.1", dovecot.port, "none"
    mailbox.imap_user, mailbox.imap_password = USER, PASSWORD
    mailbox.send_acknowledgement = False
    mailbox.save()
    return mailbox

"""IMAP over real TLS (implicit and STARTTLS) and XOAUTH2, against a real Dovecot."""

from __future__ import annotations

import base64
import imaplib

import pytest
from emails import compose

from helpmesh.channels.email import imap
from helpmesh.conversations.models import Ticket


def _over_tls(mailbox, port: int, security: str):
    from dovecot import PASSWORD, USER

    mailbox.imap_host, mailbox.imap_port, mailbox.imap_security = "127.0.0.1", port, security
    mailbox.imap_user, mailbox.imap_password = USER, PASSWORD
    mailbox.send_acknowledgement = False
    mailbox.save()
    return mailbox


def test_poll_over_implicit_tls_verifies_against_the_ca(mailbox, dovecot_tls, settings):
    cert, _ = dovecot_tls.tls
    settings.HELPMESH_EMAIL_CA_FILE = str(cert)
    box = _over_tls(mailbox, dovecot_tls.tls_port, "ssl")
    dovecot_tls.deliver(compose(subject="Over imaps"))
    result = imap.poll(box)
    assert result.outcomes == {"ticket": 1}, result.summary()
    assert Ticket.objects.get().subject == "Over imaps"


def test_poll_over_starttls_verifies_against_the_ca(mailbox, dovecot_tls, settings):
    cert, _ = dovecot_tls.tls
    settings.HELPMESH_EMAIL_CA_FILE = str(cert)
    box = _over_tls(mailbox, dovecot_tls.port, "starttls")
    dovecot_tls.deliver(compose(subject="Over STARTTLS"))
    client = imap.connect(box)
    try:
        assert client.sock.version() in ("TLSv1.2", "TLSv1.3")  # the session really is TLS
    finally:
        client.logout()
    result = imap.poll(box)
    assert result.outcomes == {"ticket": 1}, result.summary()
    assert dovecot_tls.folder_count(criteria="UNSEEN") == 0


def test_an_unknown_certificate_is_refused(mailbox, dovecot_tls):
    box = _over_tls(mailbox, dovecot_tls.tls_port, "ssl")  # no CA file: system CAs only
    dovecot_tls.deliver(compose())
    result = imap.poll(box)
    assert "CERTIFICATE_VERIFY_FAILED" in result.error and Ticket.objects.count() == 0
    box.refresh_from_db()
    assert "CERTIFICATE_VERIFY_FAILED" in box.last_error


def test_the_xoauth2_initial_response_is_exact():
    raw = imap.xoauth2("support@example.com", "ya29.token")
    assert raw == b"user=support@example.com\x01auth=Bearer ya29.token\x01\x01"
    # what goes on the wire (imaplib base64-encodes the authenticator's answer)
    assert base64.b64encode(raw) == (
        b"dXNlcj1zdXBwb3J0QGV4YW1wbGUuY29tAWF1dGg9QmVhcmVyIHlhMjkudG9rZW4BAQ=="
    )


def test_poll_with_an_xoauth2_token(mailbox, dovecot_oauth2, oauth2_tokens):
    from dovecot import USER

    oauth2_tokens.tokens["valid-token-123"] = USER
    mailbox.imap_host, mailbox.imap_port, mailbox.imap_security = (
        "127.0.0.1",
        dovecot_oauth2.port,
        "none",
    )
    mailbox.imap_user, mailbox.imap_password = USER, ""
    mailbox.imap_oauth2_token, mailbox.send_acknowledgement = "valid-token-123", False
    mailbox.save()
    dovecot_oauth2.deliver(compose(subject="Via OAuth"))
    result = imap.poll(mailbox)
    assert result.outcomes == {"ticket": 1}, result.summary()
    mailbox.imap_oauth2_token = "expired-token"
    mailbox.save()
    with pytest.raises(imaplib.IMAP4.error):
        imap.connect(mailbox)  # Dovecot asked the endpoint: the token is not active

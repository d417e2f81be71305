"""Agent replies leave as threaded mail over real SMTP (aiosmtpd), with retry and backoff."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy

from emails import compose

from helpmesh.channels.email import outbound, services
from helpmesh.channels.email.models import OutboundMail
from helpmesh.conversations import services as tickets
from helpmesh.conversations.models import Ticket
from helpmesh.core import audit, clock


def _reply(ticket, agent, text, capture):
    with capture(execute=True):
        tickets.add_message(ticket, tickets.NewMessage(text), channel="web", author_user=agent)


def test_the_full_loop_threads_back_into_the_same_ticket(
    smtp_mailbox, smtp_sink, personas, django_capture_on_commit_callbacks
):
    smtp_mailbox.send_acknowledgement = False
    smtp_mailbox.save()
    first = services.ingest(
        compose(subject="Printer on fire", message_id="<loop-1@example.com>"),
        mailbox=smtp_mailbox,
    )
    ticket = Ticket.objects.get(pk=first.ticket_id)
    _reply(ticket, personas.anna, "Unplug it, please.", django_capture_on_commit_callbacks)
    [raw] = smtp_sink.messages
    sent = message_from_bytes(raw, policy=policy.default)
    assert sent["From"].addresses[0].addr_spec == "support@helpmesh.test"
    assert sent["Reply-To"] == "support@helpmesh.test"
    assert sent["In-Reply-To"] == "<loop-1@example.com>"
    assert "<loop-1@example.com>" in sent["References"]
    assert sent["Auto-Submitted"] is None  # a person wrote this
    assert sent["Subject"] == f"Re: [#{ticket.pk}] Printer on fire"
    kinds = {part.get_content_type() for part in sent.walk()}
    assert {"text/plain", "text/html"} <= kinds
    # The customer's mail client answers the reply: it threads back by its Message-ID.
    answer = compose(
        subject="Re: " + sent["Subject"], body="Done, thanks!", in_reply_to=sent["Message-ID"]
    )
    again = services.ingest(answer, mailbox=smtp_mailbox)
    assert again.ticket_id == ticket.pk and not again.created_ticket
    assert ticket.messages.count() == 3


def test_a_failed_send_retries_with_backoff_and_shows_on_the_ticket(
    smtp_mailbox, smtp_sink, personas, settings, django_capture_on_commit_callbacks
):
    settings.HELPMESH_EMAIL_SEND_ATTEMPTS = 3
    smtp_mailbox.send_acknowledgement = False
    smtp_mailbox.save()
    ticket = Ticket.objects.get(pk=services.ingest(compose(), mailbox=smtp_mailbox).ticket_id)
    smtp_sink.fail = 10
    with clock.frozen(clock.now()):
        _reply(ticket, personas.anna, "Try this.", django_capture_on_commit_callbacks)
        mail = OutboundMail.objects.get()
        assert mail.status == "queued" and mail.attempts == 1 and "451" in mail.last_error
        assert outbound.retry_due() == 0  # backoff not over yet
        clock.advance(timedelta(minutes=5))
        smtp_sink.fail = 0
        with django_capture_on_commit_callbacks(execute=True):
            assert outbound.retry_due() == 1
    mail.refresh_from_db()
    assert mail.status == "sent" and len(smtp_sink.messages) == 1
    kinds = [e.kind for e in audit.events_for("ticket", ticket.pk)]
    assert "email.send_failed" in kinds and "email.sent" in kinds


def test_a_send_that_keeps_failing_is_marked_failed(
    smtp_mailbox, smtp_sink, personas, settings, django_capture_on_commit_callbacks
):
    settings.HELPMESH_EMAIL_SEND_ATTEMPTS = 1
    smtp_mailbox.send_acknowledgement = False
    smtp_mailbox.save()
    ticket = Ticket.objects.get(pk=services.ingest(compose(), mailbox=smtp_mailbox).ticket_id)
    smtp_sink.fail = 1
    _reply(ticket, personas.anna, "Try this.", django_capture_on_commit_callbacks)
    assert OutboundMail.objects.get().status == "failed"


def test_templates_are_editable(
    smtp_mailbox, smtp_sink, personas, django_capture_on_commit_callbacks
):
    from helpmesh.channels.email.models import MailTemplate

    MailTemplate.objects.create(
        kind="acknowledgement", subject="Got it: {{ ticket.subject }}", body_text="Thanks!"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.ingest(compose(subject="Hello"), mailbox=smtp_mailbox)
    sent = message_from_bytes(smtp_sink.messages[0], policy=policy.default)
    assert sent["Subject"] == "Got it: Hello" and sent["Auto-Submitted"] == "auto-replied"
    assert sent.get_body(("plain",)).get_content().strip() == "Thanks!"


def _send_over_starttls(mailbox, port):
    """Point the mailbox at the STARTTLS test server, with a login, and no acknowledgements."""
    mailbox.smtp_host, mailbox.smtp_port, mailbox.smtp_security = ("localhost", port, "starttls")
    mailbox.smtp_user, mailbox.smtp_password = "mailer", "smtp-secret"
    mailbox.send_acknowledgement = False
    mailbox.save()


def test_mail_is_sent_over_starttls_with_auth(
    mailbox, smtp_tls_sink, tls_certificate, personas, settings, django_capture_on_commit_callbacks
):
    settings.HELPMESH_EMAIL_CA_FILE = str(tls_certificate[0])  # verify the self-signed server
    _send_over_starttls(mailbox, smtp_tls_sink.port)
    ticket = Ticket.objects.get(pk=services.ingest(compose(), mailbox=mailbox).ticket_id)
    _reply(ticket, personas.anna, "Sent over TLS.", django_capture_on_commit_callbacks)
    assert OutboundMail.objects.get().status == "sent"
    assert smtp_tls_sink.sessions == [(True, "mailer")]
    assert b"Sent over TLS." in smtp_tls_sink.messages[0]


def test_an_unverified_smtp_certificate_fails_the_send(
    mailbox, smtp_tls_sink, personas, settings, django_capture_on_commit_callbacks
):
    settings.HELPMESH_EMAIL_SEND_ATTEMPTS = 1
    _send_over_starttls(mailbox, smtp_tls_sink.port)
    ticket = Ticket.objects.get(pk=services.ingest(compose(), mailbox=mailbox).ticket_id)
    _reply(ticket, personas.anna, "Nope.", django_capture_on_commit_callbacks)
    mail = OutboundMail.objects.get()
    assert mail.status == "failed" and "CERTIFICATE_VERIFY_FAILED" in mail.last_error
    assert smtp_tls_sink.messages == []

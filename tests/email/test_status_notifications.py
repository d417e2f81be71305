"""Solving (or, per mailbox, pending) an email ticket mails its requester once."""

from __future__ import annotations

from email import message_from_bytes, policy

from emails import compose, eml

from helpmesh.channels.email import services
from helpmesh.channels.email.models import OutboundMail
from helpmesh.conversations import services as tickets
from helpmesh.conversations.models import Ticket


def _ticket(mailbox, raw=None) -> Ticket:
    mailbox.send_acknowledgement = False
    mailbox.save()
    result = services.ingest(raw or compose("carl@example.com", subject="Broken"), mailbox=mailbox)
    return Ticket.objects.get(pk=result.ticket_id)


def _set(ticket, status, agent, capture):
    with capture(execute=True):
        tickets.update_ticket(ticket, tickets.TicketChanges(status=status), actor=agent)


def test_solving_an_email_ticket_mails_the_requester(
    smtp_mailbox, smtp_sink, personas, django_capture_on_commit_callbacks
):
    ticket = _ticket(smtp_mailbox)
    _set(ticket, "pending", personas.anna, django_capture_on_commit_callbacks)
    assert smtp_sink.messages == []  # pending is not announced by default
    _set(ticket, "solved", personas.anna, django_capture_on_commit_callbacks)
    [raw] = smtp_sink.messages
    sent = message_from_bytes(raw, policy=policy.default)
    assert sent["To"] == "carl@example.com"
    assert sent["Subject"] == f"[#{ticket.pk}] Broken is now Solved"
    assert sent["Auto-Submitted"] == "auto-generated"
    assert sent["In-Reply-To"]  # threads onto the customer's mail
    assert "is now solved" in sent.get_body(("plain",)).get_content()
    mail = OutboundMail.objects.get()
    assert (mail.kind, mail.status, mail.automatic) == ("status_change", "sent", True)


def test_other_edits_do_not_mail(
    smtp_mailbox, smtp_sink, personas, django_capture_on_commit_callbacks
):
    ticket = _ticket(smtp_mailbox)
    with django_capture_on_commit_callbacks(execute=True):
        tickets.update_ticket(ticket, tickets.TicketChanges(priority="high"), actor=personas.anna)
    assert smtp_sink.messages == [] and not OutboundMail.objects.exists()


def test_the_mailbox_can_announce_pending_too_or_nothing(
    smtp_mailbox, smtp_sink, personas, django_capture_on_commit_callbacks
):
    smtp_mailbox.status_notifications = "solved_pending"
    ticket = _ticket(smtp_mailbox)
    _set(ticket, "pending", personas.anna, django_capture_on_commit_callbacks)
    assert len(smtp_sink.messages) == 1
    smtp_mailbox.status_notifications = "off"
    smtp_mailbox.save()
    _set(ticket, "solved", personas.anna, django_capture_on_commit_callbacks)
    assert len(smtp_sink.messages) == 1


def test_tickets_opened_by_automatic_mail_are_never_notified(
    smtp_mailbox, smtp_sink, personas, django_capture_on_commit_callbacks
):
    ticket = _ticket(smtp_mailbox, eml("out_of_office.eml"))
    _set(ticket, "solved", personas.anna, django_capture_on_commit_callbacks)
    assert smtp_sink.messages == [] and not OutboundMail.objects.exists()


def test_tickets_of_other_channels_are_not_mailed_by_the_email_channel(
    smtp_mailbox, smtp_sink, personas, django_capture_on_commit_callbacks
):
    ticket = personas.ticket_for(personas.alice_user)  # a web ticket
    _set(ticket, "solved", personas.anna, django_capture_on_commit_callbacks)
    assert not OutboundMail.objects.exists()

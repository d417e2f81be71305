"""``services.ingest`` and the filter chain, one behaviour per test, with personas."""

from __future__ import annotations

from django.core import mail as outbox
from emails import compose, eml

from helpmesh.channels.email import services
from helpmesh.channels.email.models import IgnoredMail, MailRef
from helpmesh.conversations.models import InboundContact, LinkKind, Status, Ticket
from helpmesh.customers.models import CustomerIdentity


def test_a_new_mail_opens_a_ticket_for_the_sender_in_the_mailbox_team(mailbox, personas):
    result = services.ingest(eml("gmail_reply.eml"), mailbox=mailbox)
    ticket = Ticket.objects.get(pk=result.ticket_id)
    assert result.outcome == "ticket" and result.created_ticket
    assert ticket.requester == personas.alice and ticket.team == personas.team_a
    assert ticket.messages.get().body_text.startswith("Thanks, that worked")
    contact = InboundContact.objects.get(source_id="<CAF3xk+Vq1=gmail-reply-1@mail.gmail.com>")
    assert bytes(contact.raw) == eml("gmail_reply.eml")


def test_cc_addresses_become_participants(mailbox, personas):
    ticket = Ticket.objects.get(pk=services.ingest(eml("gmail_reply.eml")).ticket_id)
    assert [c.primary_address() for c in ticket.participants.all()] == ["carol@example.com"]


def test_the_same_message_id_twice_is_one_message(mailbox):
    first = services.ingest(eml("gmail_reply.eml"))
    second = services.ingest(eml("gmail_reply.eml"))
    assert second.outcome == "duplicate"
    assert Ticket.objects.get(pk=first.ticket_id).messages.count() == 1


def test_a_reply_threads_by_in_reply_to(mailbox, personas):
    first = services.ingest(compose(message_id="<q1@example.com>"))
    reply = services.ingest(
        compose(subject="Re: Help", body="More.", in_reply_to="<q1@example.com>")
    )
    assert reply.ticket_id == first.ticket_id and not reply.created_ticket


def test_a_subject_token_threads_for_a_participant(mailbox, personas):
    ticket = personas.ticket_for(personas.alice_user)
    result = services.ingest(compose(subject=f"Re: [#{ticket.pk}] Printer on fire"))
    assert result.ticket_id == ticket.pk


def test_a_subject_token_from_a_stranger_opens_a_new_ticket(mailbox, personas):
    ticket = personas.ticket_for(personas.alice_user)
    spoof = compose("mallory@evil.test", subject=f"Re: [#{ticket.pk}] Printer on fire")
    result = services.ingest(spoof)
    assert result.created_ticket and result.ticket_id != ticket.pk
    assert ticket.messages.count() == 1


def test_headers_from_a_stranger_do_not_append_either(mailbox, personas):
    services.ingest(compose(message_id="<q2@example.com>"))
    result = services.ingest(compose("mallory@evil.test", in_reply_to="<q2@example.com>"))
    assert result.created_ticket


def test_a_reply_to_a_closed_ticket_reopens_it_by_default(mailbox, personas):
    first = services.ingest(compose(message_id="<q3@example.com>"))
    Ticket.objects.filter(pk=first.ticket_id).update(status=Status.CLOSED)
    again = services.ingest(compose(body="Broken again", in_reply_to="<q3@example.com>"))
    assert again.ticket_id == first.ticket_id
    assert Ticket.objects.get(pk=first.ticket_id).status == Status.OPEN


def test_a_reply_to_a_closed_ticket_can_open_a_linked_follow_up(mailbox, personas):
    mailbox.follow_up = "follow_up"
    mailbox.save()
    first = services.ingest(compose(message_id="<q4@example.com>"), mailbox=mailbox)
    Ticket.objects.filter(pk=first.ticket_id).update(status=Status.CLOSED)
    again = services.ingest(compose(in_reply_to="<q4@example.com>"), mailbox=mailbox)
    follow_up = Ticket.objects.get(pk=again.ticket_id)
    assert again.created_ticket
    link = follow_up.links_out.get()
    assert link.kind == LinkKind.FOLLOW_UP and link.target_id == first.ticket_id


def test_an_agent_forward_opens_a_ticket_for_the_original_sender(mailbox, personas):
    result = services.ingest(eml("rfc2231_tnef_nested.eml"))
    ticket = Ticket.objects.get(pk=result.ticket_id)
    assert ticket.requester.primary_address() == "zed@example.net"
    assert ticket.subject == "Broken widget"
    assert "serial 42" in ticket.messages.get().body_text
    assert ticket.messages.get().attachments.count() == 4


def test_a_new_ticket_is_acknowledged_but_automatic_mail_is_not(
    mailbox, personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.ingest(compose("new@example.com"), mailbox=mailbox)
        services.ingest(eml("out_of_office.eml"), mailbox=mailbox)
        services.ingest(eml("mailing_list.eml"), mailbox=mailbox)
    assert [m.to for m in outbox.outbox] == [["new@example.com"]]
    assert outbox.outbox[0].extra_headers["Auto-Submitted"] == "auto-replied"


def test_a_bounce_marks_the_address_failing_and_opens_nothing(mailbox, personas):
    from helpmesh.customers import services as customers

    customers.identify("email", "gone@example.com")
    result = services.ingest(eml("bounce_dsn.eml"))
    assert result.outcome == "ignored" and Ticket.objects.count() == 0
    identity = CustomerIdentity.objects.get(value="gone@example.com")
    assert identity.failing_since is not None
    assert IgnoredMail.objects.get().reason.startswith("bounce")


def test_our_own_mail_coming_back_is_ignored(mailbox, personas):
    result = services.ingest(compose("support@helpmesh.test"))
    assert result.outcome == "ignored" and Ticket.objects.count() == 0


def test_a_too_large_mail_is_quarantined_with_the_reason(mailbox, settings):
    settings.HELPMESH_EMAIL_MAX_BYTES = 1000
    result = services.ingest(compose(body="x" * 2000))
    assert result.outcome == "quarantined" and result.reason.startswith("too large")
    assert services.quarantined().get().error.startswith("too large")


def test_a_flooding_sender_is_rate_limited_then_retried(mailbox, settings):
    settings.HELPMESH_EMAIL_RATE_LIMIT = 2
    outcomes = [services.ingest(compose(body=f"n{i}")).outcome for i in range(3)]
    assert outcomes == ["ticket", "ticket", "quarantined"]
    [held] = services.quarantined()
    assert services.retry(held.pk).outcome == "ticket"
    assert not services.quarantined().exists()


def test_mail_without_a_sender_is_quarantined_and_kept(mailbox):
    result = services.ingest(eml("broken_structure.eml"))
    assert result.outcome == "quarantined"
    assert bytes(services.quarantined().get().raw) == eml("broken_structure.eml")


def test_received_message_ids_are_remembered_for_threading(mailbox):
    result = services.ingest(eml("gmail_reply.eml"))
    ref = MailRef.objects.get()
    assert ref.ticket_id == result.ticket_id and ref.address == "alice@example.com"


def test_a_bounce_for_our_mail_fails_it_and_shows_on_its_ticket(
    mailbox, personas, django_capture_on_commit_callbacks
):
    from helpmesh.channels.email.models import OutboundMail
    from helpmesh.conversations import services as tickets
    from helpmesh.core import audit

    mailbox.send_acknowledgement = False
    mailbox.save()
    first = services.ingest(compose("carl@example.com", message_id="<carl-1@example.com>"))
    ticket = Ticket.objects.get(pk=first.ticket_id)
    with django_capture_on_commit_callbacks(execute=True):
        tickets.add_message(
            ticket, tickets.NewMessage("Try this."), channel="web", author_user=personas.anna
        )
    sent = OutboundMail.objects.get()
    assert sent.status == "sent"
    # the DSN fixture returns the headers of a mail with this Message-ID
    OutboundMail.objects.filter(pk=sent.pk).update(
        message_id="<hm.1.5f3a9c0e2b7d4e61@helpmesh.test>"
    )
    result = services.ingest(eml("bounce_dsn_ours.eml"), mailbox=mailbox)
    assert result.outcome == "ignored" and Ticket.objects.count() == 1
    sent.refresh_from_db()
    assert sent.status == "failed" and "5.1.1" in sent.last_error
    # audit.events_for("ticket", id) is what the ticket page's timeline shows
    [event] = [e for e in audit.events_for("ticket", ticket.pk) if e.kind == "email.bounced"]
    assert event.data["recipient"] == "carl@example.com" and event.data["mail"] == sent.pk
    assert "User unknown" in event.data["reason"]
    identity = CustomerIdentity.objects.get(value="carl@example.com")
    assert identity.failing_since is not None

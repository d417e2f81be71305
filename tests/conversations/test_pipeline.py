"""The inbound pipeline: identify, thread or open, exactly once, nothing lost."""

import pytest

from helpmesh.conversations import pipeline
from helpmesh.conversations.errors import InboundRejected
from helpmesh.conversations.models import InboundContact, InboundState, Message, Ticket
from helpmesh.customers.models import Customer


def email_from(address: str, **kwargs) -> pipeline.Inbound:
    defaults = {"subject": "Order missing", "body_text": "Where is order A-123?"}
    return pipeline.Inbound(
        channel="email", sender=pipeline.Sender("email", address, "Carla"), **{**defaults, **kwargs}
    )


def test_a_first_contact_creates_the_customer_and_the_ticket(db):
    receipt = pipeline.receive(email_from("Carla@Example.com", raw=b"raw mime"))
    assert receipt.created_ticket and not receipt.duplicate
    assert receipt.customer.primary_address() == "carla@example.com"
    assert receipt.ticket.subject == "Order missing"
    assert receipt.ticket.requester == receipt.customer
    contact = InboundContact.objects.get()
    assert (contact.state, bytes(contact.raw), contact.ticket) == (
        InboundState.PROCESSED,
        b"raw mime",
        receipt.ticket,
    )


def test_the_same_contact_delivered_twice_is_stored_once(db):
    first = pipeline.receive(email_from("carla@example.com", source_id="<m1@example.com>"))
    again = pipeline.receive(email_from("carla@example.com", source_id="<m1@example.com>"))
    assert again.duplicate and again.ticket == first.ticket and again.message == first.message
    assert Ticket.objects.count() == 1 and Message.objects.count() == 1


def test_a_reply_threads_onto_the_ticket_of_its_sender(db):
    first = pipeline.receive(email_from("carla@example.com"))
    reply = pipeline.receive(
        email_from("carla@example.com", body_text="Still waiting", ticket_id=first.ticket.pk)
    )
    assert not reply.created_ticket and reply.ticket == first.ticket
    assert first.ticket.messages.count() == 2


def test_a_stranger_cannot_append_to_someone_elses_ticket(db):
    first = pipeline.receive(email_from("carla@example.com"))
    with pytest.raises(InboundRejected) as rejected:
        pipeline.receive(
            email_from("mallory@example.com", ticket_id=first.ticket.pk, raw=b"spoofed")
        )
    assert rejected.value.field == "ticket_id"
    quarantined = InboundContact.objects.get(pk=rejected.value.contact_id)
    assert quarantined.state == InboundState.QUARANTINED
    assert bytes(quarantined.raw) == b"spoofed" and "not part" in quarantined.error
    assert first.ticket.messages.count() == 1


def test_what_cannot_be_processed_is_kept_in_quarantine(db):
    with pytest.raises(InboundRejected):
        pipeline.receive(email_from("not-an-address", raw=b"keep me"))
    contact = InboundContact.objects.get()
    assert contact.state == InboundState.QUARANTINED and bytes(contact.raw) == b"keep me"
    assert Customer.objects.count() == 0 and Ticket.objects.count() == 0


def test_an_empty_body_is_rejected_naming_the_field(db):
    with pytest.raises(InboundRejected) as rejected:
        pipeline.receive(email_from("carla@example.com", body_text="   "))
    assert rejected.value.field == "body"


def test_a_reply_to_a_merged_ticket_lands_on_the_surviving_ticket(personas):
    from helpmesh.conversations.merging import merge_tickets

    old = personas.ticket_for(personas.alice_user)
    new = personas.ticket_for(personas.alice_user, subject="Same problem")
    merge_tickets(old, new, actor=personas.root)
    receipt = pipeline.receive(
        pipeline.Inbound(
            channel="web",
            sender=pipeline.Sender(user=personas.alice_user),
            body_text="Any news?",
            ticket_id=old.pk,
        )
    )
    assert receipt.ticket == new


def test_the_subject_falls_back_to_the_first_line(db):
    receipt = pipeline.receive(
        email_from("carla@example.com", subject="", body_text="\n  My parcel is late\nmore text")
    )
    assert receipt.ticket.subject == "My parcel is late"

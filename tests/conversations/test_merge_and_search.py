from helpmesh.conversations import merging, search, services
from helpmesh.conversations.models import Status, Ticket
from helpmesh.core import audit
from helpmesh.customers import services as customers


def test_merging_tickets_moves_the_conversation(personas):
    source = personas.ticket_for(personas.alice_user, body="first words")
    target = personas.ticket_for(personas.alice_user, body="second words")
    merging.merge_tickets(source, target, actor=personas.anna)
    assert source.merged_into == target and source.status == Status.CLOSED
    assert target.messages.count() == 2 and target.message_count == 2
    assert [e.kind for e in audit.events_for("ticket", source.pk)][-1] == "ticket.merged_away"


def test_merging_customers_brings_their_history_along(personas):
    other, _ = customers.identify("email", "alice.work@example.com", name="Alice W")
    services.create_ticket(
        requester=other, subject="From work", channel="email", message=services.NewMessage("hello")
    )
    personas.ticket_for(personas.alice_user)
    merging.merge_customers(personas.alice, other, actor=personas.anna)
    assert Ticket.objects.filter(requester=personas.alice).count() == 2
    assert customers.find("email", "alice.work@example.com") == personas.alice
    other.refresh_from_db()
    assert other.merged_into == personas.alice


def test_full_text_search_finds_words_in_subject_and_replies(personas):
    printer = personas.ticket_for(personas.alice_user, subject="Printer jam", body="paper stuck")
    other = personas.ticket_for(personas.bob_user, subject="Invoice", body="wrong VAT number")
    services.add_message(
        other,
        services.NewMessage("The refrigerator hums"),
        channel="web",
        author_customer=personas.bob,
    )
    everything = Ticket.objects.all()
    assert list(search.matching(everything, "printer")) == [printer]
    assert list(search.matching(everything, "PAPER stu")) == [printer]  # prefix on the last word
    assert list(search.matching(everything, "refrigerator")) == [other]
    assert list(search.matching(everything, "printer vat")) == []
    assert set(search.matching(everything, "  ")) == {printer, other}

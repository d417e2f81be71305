"""The agents' search: numbers, names, addresses, organizations, tags, notes, prefixes, typos and
operators, through the API and the inbox; customers never find words of internal notes."""

from __future__ import annotations

import pytest

from helpmesh.conversations import agent_search, pipeline, services
from helpmesh.conversations.models import Ticket
from helpmesh.customers import services as customers
from helpmesh.customers.models import IdentityKind


@pytest.fixture(autouse=True)
def fresh_vocabulary():
    agent_search.forget_vocabulary()


class Desk:
    """A small desk: Umbrella's Greta (email and handle), Hank (no org), and alice's ticket."""

    def __init__(self, personas):
        self.p = personas
        umbrella = customers.create_organization("Umbrella Corp", domains="umbrella.example")
        self.greta = customers.create_customer(
            name="Greta Lindqvist",
            identities=[
                (IdentityKind.EMAIL, "greta@umbrella.example"),
                (IdentityKind.TWITTER, "gretal"),
            ],
            organization=umbrella,
        )
        self.hank = customers.create_customer(
            name="Hank Moody", identities=[(IdentityKind.EMAIL, "hank@mail.example")]
        )
        self.refund = self.ticket(self.greta, "Refund for order", "Please send my money back.")
        self.printer = self.ticket(self.hank, "Printer jammed", "Paper stuck in tray two.")
        self.alices = personas.ticket_for(
            personas.alice_user, subject="Password reset", body="I forgot it."
        )

    def note(self, ticket: Ticket, text: str) -> None:
        """Anna's internal note on ``ticket``."""
        services.add_message(
            ticket, services.NewMessage(text), channel="web", author_user=self.p.anna, internal=True
        )

    def ticket(self, customer, subject: str, body: str) -> Ticket:
        inbound = pipeline.Inbound(
            channel="email",
            sender=pipeline.Sender("email", customer.primary_address(), customer.name),
            subject=subject,
            body_text=body,
            team_id=self.p.team_a.pk,
        )
        return pipeline.receive(inbound).ticket


@pytest.fixture
def desk(personas):
    return Desk(personas)


def found(api, user, q: str) -> list[int]:
    response = api(user).get("/tickets", q=q)
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def test_a_ticket_number_with_or_without_hash(api, desk):
    anna, pk = desk.p.anna, desk.printer.pk
    assert found(api, anna, f"#{pk}") == [pk]
    assert pk in found(api, anna, str(pk))
    assert found(api, anna, "#999999") == []


def test_requester_name_email_handle_organization_and_tag(api, desk):
    anna = desk.p.anna
    services.update_ticket(desk.printer, services.TicketChanges(add_tags=["vip"]), actor=anna)
    refund, printer = desk.refund.pk, desk.printer.pk
    assert found(api, anna, "greta") == [refund]
    assert found(api, anna, "lindq") == [refund]  # a prefix of the last name
    assert found(api, anna, "greta@umbrella.example") == [refund]
    assert found(api, anna, "@gretal") == [refund]  # the X handle
    assert found(api, anna, "umbrella") == [refund]
    assert found(api, anna, "hank moody") == [printer]
    assert found(api, anna, "vip") == [printer]


def test_subject_messages_and_internal_notes_for_agents_never_customers(api, desk):
    anna, alice = desk.p.anna, desk.p.alice_user
    desk.note(desk.alices, "Checked the ledger: chargeback pending with Stripe.")
    assert found(api, anna, "jammed") == [desk.printer.pk]  # the subject
    assert found(api, anna, "tray") == [desk.printer.pk]  # the customer's message
    assert found(api, anna, "chargeback") == [desk.alices.pk]  # an internal note
    assert found(api, alice, "chargeback") == []  # her own ticket, but the word is in a note
    assert found(api, alice, "password") == [desk.alices.pk]  # her public text still works


def test_prefixes_and_typos(api, desk):
    anna = desk.p.anna
    assert found(api, anna, "refu") == [desk.refund.pk]
    assert found(api, anna, "refnd") == [desk.refund.pk]  # a letter missing
    assert found(api, anna, "pritner") == [desk.printer.pk]  # two letters swapped
    assert found(api, anna, "zzyzx") == []


def test_operators_narrow_and_combine_with_words(api, desk):
    anna = desk.p.anna
    services.update_ticket(
        desk.refund,
        services.TicketChanges(assignee=anna, status="open", add_tags=["vip"]),
        actor=anna,
    )
    refund = desk.refund.pk
    assert found(api, anna, "status:open assignee:me tag:vip org:umbrella") == [refund]
    assert found(api, anna, 'org:"umbrella corp" refund') == [refund]
    assert found(api, anna, "assignee:none") == sorted(
        [desk.printer.pk, desk.alices.pk], reverse=True
    )
    assert found(api, anna, "status:open printer") == []
    assert set(found(api, anna, "status:unsolved")) == {refund, desk.printer.pk, desk.alices.pk}
    bad = api(anna).get("/tickets", q="status:opne")
    assert bad.status_code == 400
    assert bad.json()["field"] == "q" and "opne" in bad.json()["detail"]


def test_a_first_name_finds_that_requester_not_every_greeting(api, desk):
    anna = desk.p.anna
    hello = "Hi Greta, the label is on its way."  # an agent greeting someone else's Greta
    services.add_message(
        desk.printer, services.NewMessage(hello), channel="email", author_user=anna
    )
    assert found(api, anna, "greta") == [desk.refund.pk]
    assert found(api, anna, "label") == [desk.printer.pk]  # other words of replies still count
    desk.note(desk.printer, "Greta from Umbrella called about this too.")
    # A note naming her is found, but her own ticket ranks first in the inbox.
    assert set(found(api, anna, "greta")) == {desk.refund.pk, desk.printer.pk}


def test_the_inbox_ranks_the_number_and_the_named_requester_first(client, desk):
    anna = desk.p.anna
    desk.note(desk.printer, "Greta from Umbrella called about this too.")
    client.force_login(anna)  # the printer ticket is the most recently updated
    rows = [t.pk for t in client.get("/inbox/", {"q": "greta"}).context["page"].rows]
    assert rows == [desk.refund.pk, desk.printer.pk]
    rows = [t.pk for t in client.get("/inbox/", {"q": str(desk.alices.pk)}).context["page"].rows]
    assert rows[0] == desk.alices.pk


def test_the_inbox_names_an_unreadable_operator(client, desk):
    client.force_login(desk.p.anna)
    response = client.get("/inbox/", {"q": "priority:asap"})
    assert response.status_code == 200
    assert list(response.context["page"].rows) == []
    assert "unknown priority &#x27;asap&#x27;" in response.content.decode()


def test_edit_distance_counts_swaps_as_one_edit():
    assert agent_search.edit_distance("refnd", "refund", 1) == 1
    assert agent_search.edit_distance("pritner", "printer", 1) == 1
    assert agent_search.edit_distance("refund", "printer", 2) == 3


def test_merged_messages_are_found_on_the_surviving_ticket(api, desk):
    from helpmesh.conversations import merging

    anna = desk.p.anna
    desk.note(desk.printer, "Toner smudge again")
    assert found(api, anna, "smudge") == [desk.printer.pk]
    merging.merge_tickets(desk.printer, desk.refund, actor=anna)
    assert found(api, anna, "smudge status:unsolved") == [desk.refund.pk]
    # The printer ticket's subject stays its own; its messages now belong to the refund ticket.
    assert set(found(api, anna, "tray")) == {desk.refund.pk}

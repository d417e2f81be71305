"""The customer portal: submit a request, list my requests, read and reply, never others'."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from helpmesh.conversations import services
from helpmesh.conversations.models import Message, Ticket
from helpmesh.customers import services as customers


def test_the_portal_requires_sign_in(client, db):
    assert client.get("/portal/").url == "/login/?next=/portal/"
    assert client.get("/portal/requests/new/").url == "/login/?next=/portal/requests/new/"


def test_the_landing_page_shows_recent_requests(client, personas):
    personas.ticket_for(personas.alice_user, subject="My printer")
    client.force_login(personas.alice_user)
    html = client.get("/portal/").content.decode()
    assert "Submit a request" in html and "My printer" in html


def test_submit_a_request_with_a_file(client, personas):
    client.force_login(personas.alice_user)
    response = client.post(
        "/portal/requests/new/",
        {
            "subject": "Cannot log in",
            "description": "The page spins forever.",
            "attachments": [SimpleUploadedFile("screen.png", b"\x89PNG", "image/png")],
        },
    )
    ticket = Ticket.objects.get(subject="Cannot log in")
    assert response.url == f"/portal/requests/{ticket.pk}/"
    assert (ticket.requester, ticket.channel) == (personas.alice, "web")
    first = ticket.messages.get()
    assert [a.filename for a in first.attachments.all()] == ["screen.png"]
    html = client.get(response.url).content.decode()
    assert "The page spins forever." in html and "screen.png" in html


def test_an_empty_request_is_a_form_error(client, personas):
    client.force_login(personas.alice_user)
    response = client.post("/portal/requests/new/", {"subject": "", "description": ""})
    assert response.status_code == 200
    assert not Ticket.objects.exists()


def test_my_requests_lists_mine_only(client, personas):
    mine = personas.ticket_for(personas.alice_user, subject="Alice's question")
    personas.ticket_for(personas.bob_user, subject="Bob's question")
    client.force_login(personas.alice_user)
    response = client.get("/portal/requests/")
    assert [t.pk for t in response.context["requests"]] == [mine.pk]
    assert "Bob&#x27;s question" not in response.content.decode()


def test_an_organization_that_shares_tickets_sees_them_all(client, personas):
    acme = customers.create_organization("Acme", shares_tickets=True)
    for customer in (personas.alice, personas.bob):
        customers.update_customer(customer, organization=acme)
    bobs = personas.ticket_for(personas.bob_user, subject="Bob's question")
    client.force_login(personas.alice_user)
    assert [t.pk for t in client.get("/portal/requests/").context["requests"]] == [bobs.pk]


def test_another_customers_request_is_not_found(client, personas):
    bobs = personas.ticket_for(personas.bob_user)
    client.force_login(personas.alice_user)
    assert client.get(f"/portal/requests/{bobs.pk}/").status_code == 404
    assert client.post(f"/portal/requests/{bobs.pk}/", {"body": "hi"}).status_code == 404
    assert bobs.messages.count() == 1


def test_reply_to_my_request_reopens_the_conversation(client, personas):
    ticket = personas.ticket_for(personas.alice_user)
    services.add_message(
        ticket,
        services.NewMessage("Did you try turning it off?"),
        channel="web",
        author_user=personas.anna,
    )
    client.force_login(personas.alice_user)
    html = client.get(f"/portal/requests/{ticket.pk}/").content.decode()
    assert "Did you try turning it off?" in html and "Support team" in html
    response = client.post(f"/portal/requests/{ticket.pk}/", {"body": "Yes, still burning."})
    assert response.url == f"/portal/requests/{ticket.pk}/"
    reply = Message.objects.get(body_text="Yes, still burning.")
    assert (reply.ticket_id, reply.author_customer, reply.internal) == (
        ticket.pk,
        personas.alice,
        False,
    )


def test_internal_notes_and_their_files_stay_out_of_the_portal(client, personas):
    ticket = personas.ticket_for(personas.alice_user)
    services.add_message(
        ticket,
        services.NewMessage("Customer is VIP, be nice"),
        channel="web",
        author_user=personas.anna,
        internal=True,
    )
    client.force_login(personas.alice_user)
    assert "be nice" not in client.get(f"/portal/requests/{ticket.pk}/").content.decode()
    client.force_login(personas.anna)  # even an agent visiting the portal sees the public view
    assert "be nice" not in client.get(f"/portal/requests/{ticket.pk}/").content.decode()


def test_a_reply_to_a_merged_request_lands_on_the_surviving_ticket(client, personas):
    from helpmesh.conversations import merging

    source = personas.ticket_for(personas.alice_user, subject="Duplicate")
    target = personas.ticket_for(personas.alice_user, subject="Original")
    merging.merge_tickets(source, target, actor=personas.anna)
    client.force_login(personas.alice_user)
    assert (
        f"/portal/requests/{target.pk}/"
        in client.get(f"/portal/requests/{source.pk}/").content.decode()
    )
    response = client.post(f"/portal/requests/{source.pk}/", {"body": "Any news?"})
    assert response.url == f"/portal/requests/{target.pk}/"


def test_agents_see_a_pointer_to_the_inbox_not_requests(client, personas):
    personas.ticket_for(personas.alice_user)
    client.force_login(personas.anna)
    response = client.get("/portal/")
    assert response.context["recent"] == []
    assert "signed in as an agent" in response.content.decode()


def test_my_requests_are_listed_a_page_at_a_time(client, personas):
    for n in range(55):
        personas.ticket_for(personas.alice_user, subject=f"Request {n:02}")
    client.force_login(personas.alice_user)
    first = client.get("/portal/requests/").content.decode()
    second = client.get("/portal/requests/?page=2").content.decode()
    subjects = [f"Request {n:02}" for n in range(55)]
    on_first = {s for s in subjects if s in first}
    on_second = {s for s in subjects if s in second}
    assert len(on_first) == 50 and len(on_second) == 5 and not on_first & on_second
    assert 'href="?page=2"' in first and 'href="?page=1"' in second
    assert 'href="?page=3"' not in second
    assert "Request" in client.get("/portal/requests/?page=abc").content.decode()

"""The ticket page: timeline, replies and notes, the side panel, merging, the customer sidebar."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from helpmesh.conversations import services
from helpmesh.conversations.models import Message, Ticket
from helpmesh.conversations.services import TicketChanges


def page_of(client, ticket: Ticket) -> str:
    response = client.get(f"/inbox/tickets/{ticket.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_header_timeline_and_requester(client, personas):
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    other = personas.ticket_for(personas.alice_user, subject="Older question")
    services.update_ticket(
        ticket, TicketChanges(status="open", add_tags=["vip"]), actor=personas.anna
    )
    client.force_login(personas.anna)
    html = page_of(client, ticket)
    assert "Printer on fire" in html and "It is on fire." in html
    assert "Anna changed status from New to Open" in html
    assert "Anna added tags vip" in html
    assert "alice@example.com" in html
    assert f"/inbox/tickets/{other.pk}/" in html


def test_another_teams_ticket_is_not_found(client, personas):
    ticket = personas.ticket_for(personas.bob_user, team=personas.team_b)
    client.force_login(personas.anna)
    assert client.get(f"/inbox/tickets/{ticket.pk}/").status_code == 404
    assert client.post(f"/inbox/tickets/{ticket.pk}/reply/", {"body": "x"}).status_code == 404


def test_a_public_reply_redirects_and_reaches_the_customer(client, personas):
    ticket = personas.ticket_for(personas.alice_user)
    client.force_login(personas.anna)
    response = client.post(
        f"/inbox/tickets/{ticket.pk}/reply/", {"mode": "public", "body": "We are on it."}
    )
    assert response.url == f"/inbox/tickets/{ticket.pk}/"
    message = Message.objects.get(ticket=ticket, body_text="We are on it.")
    assert (message.author_user, message.internal) == (personas.anna, False)
    client.force_login(personas.alice_user)
    assert "We are on it." in client.get(f"/portal/requests/{ticket.pk}/").content.decode()


def test_an_internal_note_never_reaches_the_portal(client, personas):
    ticket = personas.ticket_for(personas.alice_user)
    client.force_login(personas.anna)
    client.post(f"/inbox/tickets/{ticket.pk}/reply/", {"mode": "internal", "body": "Secret note"})
    assert Message.objects.get(body_text="Secret note").internal
    assert "Internal note" in page_of(client, ticket)
    client.force_login(personas.alice_user)
    assert "Secret note" not in client.get(f"/portal/requests/{ticket.pk}/").content.decode()


def test_htmx_reply_returns_the_refreshed_conversation(client, personas):
    ticket = personas.ticket_for(personas.alice_user)
    client.force_login(personas.anna)
    response = client.post(
        f"/inbox/tickets/{ticket.pk}/reply/",
        {"mode": "public", "body": "Live reply"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="conversation">') and "Live reply" in html


def test_a_light_agent_replying_publicly_gets_a_message_not_an_error(client, personas):
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    client.force_login(personas.lisa)
    response = client.post(f"/inbox/tickets/{ticket.pk}/reply/", {"mode": "public", "body": "Hi"})
    assert response.status_code == 200
    assert "Light agents add internal notes only." in response.content.decode()
    assert not Message.objects.filter(body_text="Hi").exists()
    client.post(f"/inbox/tickets/{ticket.pk}/reply/", {"mode": "internal", "body": "Noted"})
    assert Message.objects.get(body_text="Noted").internal


def test_an_empty_reply_is_a_form_error(client, personas):
    ticket = personas.ticket_for(personas.alice_user)
    client.force_login(personas.anna)
    response = client.post(f"/inbox/tickets/{ticket.pk}/reply/", {"mode": "public", "body": " "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_reply_with_attachments(client, personas):
    ticket = personas.ticket_for(personas.alice_user)
    client.force_login(personas.anna)
    files = [
        SimpleUploadedFile("log.txt", b"line 1", "text/plain"),
        SimpleUploadedFile("shot.png", b"\x89PNG", "image/png"),
    ]
    client.post(
        f"/inbox/tickets/{ticket.pk}/reply/",
        {"mode": "public", "body": "See attached", "attachments": files},
    )
    message = Message.objects.get(body_text="See attached")
    assert sorted(a.filename for a in message.attachments.all()) == ["log.txt", "shot.png"]
    assert "log.txt" in page_of(client, ticket)


def test_the_side_panel_changes_status_priority_team_assignee_and_tags(client, personas):
    ticket = personas.ticket_for(personas.alice_user)
    client.force_login(personas.anna)
    response = client.post(
        f"/inbox/tickets/{ticket.pk}/update/",
        {
            "status": "pending",
            "priority": "high",
            "team": personas.team_a.pk,
            "assignee": personas.anna.pk,
            "tags": "billing, vip",
        },
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.team, ticket.assignee) == (
        "pending",
        "high",
        personas.team_a,
        personas.anna,
    )
    assert sorted(t.name for t in ticket.tags.all()) == ["billing", "vip"]
    html = page_of(client, ticket)
    assert "Anna assigned the ticket to Anna" in html
    assert "Anna moved the ticket from no team to Team A" in html


def test_a_refused_change_shows_on_the_form(client, personas):
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    client.force_login(personas.anna)
    response = client.post(
        f"/inbox/tickets/{ticket.pk}/update/",
        {
            "status": "new",
            "priority": "normal",
            "team": personas.team_a.pk,
            "assignee": personas.ben.pk,
            "tags": "",
        },
    )
    assert response.status_code == 200
    assert "ben@example.com is not in team Team A." in response.content.decode()


def test_light_agents_cannot_change_tickets(client, personas):
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    client.force_login(personas.lisa)
    assert "Update ticket" not in page_of(client, ticket)
    response = client.post(
        f"/inbox/tickets/{ticket.pk}/update/",
        {
            "status": "solved",
            "priority": "normal",
            "team": "",
            "assignee": "",
            "tags": "",
        },
    )
    assert response.status_code == 200
    assert "Only agents and admins change tickets." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_merge_into_another_ticket(client, personas):
    source = personas.ticket_for(personas.alice_user, subject="Duplicate")
    target = personas.ticket_for(personas.alice_user, subject="Original")
    client.force_login(personas.anna)
    response = client.post(  # confirmed: the preview is tests/web/test_safe_actions.py's
        f"/inbox/tickets/{source.pk}/merge/", {"target": target.pk, "confirm": "True"}
    )
    assert response.url == f"/inbox/tickets/{target.pk}/"
    source.refresh_from_db()
    assert source.merged_into == target
    assert f"Anna merged ticket #{source.pk} into this one" in page_of(client, target)


def test_merge_into_an_invisible_or_same_ticket_is_refused(client, personas):
    source = personas.ticket_for(personas.alice_user)
    hidden = personas.ticket_for(personas.bob_user, team=personas.team_b)
    client.force_login(personas.anna)
    response = client.post(f"/inbox/tickets/{source.pk}/merge/", {"target": hidden.pk})
    assert "No ticket with that number that you can see." in response.content.decode()
    response = client.post(f"/inbox/tickets/{source.pk}/merge/", {"target": source.pk})
    assert "Cannot merge a ticket into itself." in response.content.decode()


def test_a_stale_side_panel_only_applies_what_the_agent_changed(client, personas):
    ticket = personas.ticket_for(personas.alice_user)
    client.force_login(personas.anna)
    form = client.get(f"/inbox/tickets/{ticket.pk}/").context["edit"]
    stale = {name: form[name].value() or "" for name in form.fields}
    stale.update({f"initial-{name}": value for name, value in list(stale.items())})
    services.add_message(
        ticket, services.NewMessage("On it"), channel="web", author_user=personas.root
    )  # the reply opens it
    client.post(f"/inbox/tickets/{ticket.pk}/update/", {**stale, "priority": "high"})
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority) == ("open", "high")


def test_htmx_reply_also_refreshes_the_header_and_properties(client, personas):
    ticket = personas.ticket_for(personas.alice_user)
    client.force_login(personas.anna)
    html = client.post(
        f"/inbox/tickets/{ticket.pk}/reply/",
        {"mode": "public", "body": "Hello"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert 'id="ticket-head" hx-swap-oob="true"' in html
    assert '<span class="badge badge-open">Open</span>' in html
    # The properties panel follows too, so its status select does not show the old status.
    assert 'id="ticket-properties" hx-swap-oob="true"' in html
    assert '<option value="open" selected>' in html


def test_email_delivery_problems_read_as_sentences_on_the_timeline(client, personas):
    from helpmesh.core import audit

    ticket = personas.ticket_for(personas.alice_user)
    audit.record(
        "email.send_failed",
        "ticket",
        ticket.pk,
        data={
            "mail": 1,
            "to": ["alice@example.com"],
            "error": "connection refused",
            "will_retry": True,
        },
    )
    audit.record(
        "email.bounced",
        "ticket",
        ticket.pk,
        data={"mail": 1, "recipient": "alice@example.com", "reason": "5.1.1 unknown"},
    )
    client.force_login(personas.anna)
    html = client.get(f"/inbox/tickets/{ticket.pk}/").content.decode()
    assert "could not email alice@example.com: connection refused (will retry)" in html
    assert "got a bounce: mail to alice@example.com was not delivered (5.1.1 unknown)" in html


def test_a_fired_trigger_reads_as_a_sentence_with_its_reason(client, personas):
    from helpmesh.core import audit

    ticket = personas.ticket_for(personas.alice_user)
    audit.record(
        "automation.trigger_fired",
        "ticket",
        ticket.pk,
        data={"trigger": "VIP first", "why": "priority is urgent"},
    )
    client.force_login(personas.root)
    html = client.get(f"/inbox/tickets/{ticket.pk}/").content.decode()
    assert "Helpmesh ran the trigger “VIP first” (priority is urgent)" in html

"""Downloads follow the message's visibility: other customers and internal notes get 404."""

from __future__ import annotations

import pytest

from helpmesh.conversations import pipeline, services
from helpmesh.conversations.attachments import NewAttachment
from helpmesh.conversations.models import Attachment


@pytest.fixture
def alices_file(personas) -> Attachment:
    receipt = pipeline.receive(
        pipeline.Inbound(
            channel="web",
            sender=pipeline.Sender(user=personas.alice_user),
            subject="Broken",
            body_text="See the log.",
            attachments=[NewAttachment("log.txt", b"boom", "text/plain")],
        )
    )
    return receipt.message.attachments.get()


def test_the_requester_downloads_her_file(client, personas, alices_file):
    client.force_login(personas.alice_user)
    response = client.get(f"/attachments/{alices_file.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"boom"
    assert response["Content-Disposition"].startswith('attachment; filename="log.txt"')


def test_another_customer_gets_not_found(client, personas, alices_file):
    client.force_login(personas.bob_user)
    assert client.get(f"/attachments/{alices_file.pk}/").status_code == 404


def test_agents_who_see_the_ticket_download_it(client, personas, alices_file):
    client.force_login(personas.anna)
    assert client.get(f"/attachments/{alices_file.pk}/").status_code == 200


def test_files_on_internal_notes_stay_with_agents(client, personas, alices_file):
    ticket = alices_file.message.ticket
    note = services.add_message(
        ticket,
        services.NewMessage("Trace", attachments=[NewAttachment("trace.txt", b"t")]),
        channel="web",
        author_user=personas.anna,
        internal=True,
    )
    file = note.attachments.get()
    client.force_login(personas.alice_user)
    assert client.get(f"/attachments/{file.pk}/").status_code == 404
    client.force_login(personas.anna)
    assert client.get(f"/attachments/{file.pk}/").status_code == 200


def test_anonymous_visitors_must_sign_in(client, personas, alices_file):
    assert client.get(f"/attachments/{alices_file.pk}/").status_code == 302

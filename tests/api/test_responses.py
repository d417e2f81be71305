"""Ticket answers skip Ninja's response validation (api/responses.py): safe only while the
presenters' dictionaries are exactly what the declared schemas would make of them."""

from django.utils import timezone

from helpmesh.conversations import presenters, schemas
from helpmesh.conversations.models import Ticket


def test_ticket_dicts_are_unchanged_by_their_schema(personas, api):
    agent = api(personas.anna)
    created = agent.post(
        "/tickets",
        {
            "subject": "Phone call",
            "body": "About billing",
            "requester_email": "new.person@example.com",
            "channel": "phone",
            "team_id": personas.team_a.pk,
            "priority": "high",
            "tags": ["callback", "vip"],
        },
    ).json()
    Ticket.objects.filter(pk=created["id"]).update(solved_at=timezone.now(), status="solved")
    personas.ticket_for(personas.alice_user)
    tickets = list(Ticket.objects.select_related("requester").order_by("pk"))

    answers = presenters.ticket_dicts(tickets)

    for answer in answers:
        assert schemas.TicketOut.model_validate(answer).model_dump() == answer
    page = {"items": answers, "next_cursor": None}
    assert schemas.TicketPage.model_validate(page).model_dump() == page


def test_rendered_answers_are_the_apis_json(personas, api):
    client = api(personas.alice_user)
    response = client.post("/tickets", {"subject": "Login", "body": "Broken"})
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json; charset=utf-8"
    created = response.json()
    assert created["created_at"].endswith("Z")  # Ninja's encoder: UTC as Z, milliseconds
    listed = client.get("/tickets").json()
    assert listed == {"items": [created], "next_cursor": None}
    assert client.get(f"/tickets/{created['id']}").json() == created

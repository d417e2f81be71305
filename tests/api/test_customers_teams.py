import json

from helpmesh.conversations.models import Ticket
from helpmesh.customers.models import Customer


def test_customer_crud(personas, api):
    client = api(personas.anna)
    created = client.post(
        "/customers",
        {
            "name": "Dana",
            "email": "Dana@Example.com",
            "identities": [{"kind": "twitter", "value": "@dana"}],
        },
    )
    assert created.status_code == 201, created.json()
    dana = created.json()
    assert dana["email"] == "dana@example.com"
    assert {"kind": "twitter", "value": "dana"} in dana["identities"]
    taken = client.post("/customers", {"email": "dana@example.com"})
    assert taken.status_code == 409 and taken.json()["code"] == "identity_taken"
    patched = client.patch(
        f"/customers/{dana['id']}",
        {"name": "Dana S.", "add_identities": [{"value": "d@x.example"}]},
    )
    assert patched.json()["name"] == "Dana S." and len(patched.json()["identities"]) == 3
    assert [c["id"] for c in client.get("/customers", q="dana").json()] == [dana["id"]]
    assert client.delete(f"/customers/{dana['id']}").status_code == 403  # agents don't delete
    assert api(personas.root).delete(f"/customers/{dana['id']}").status_code == 204
    assert client.get(f"/customers/{dana['id']}").status_code == 404


def test_a_customer_with_tickets_is_merged_not_deleted(personas, api):
    personas.ticket_for(personas.bob_user)
    root = api(personas.root)
    refused = root.delete(f"/customers/{personas.bob.pk}")
    assert refused.status_code == 409 and refused.json()["code"] == "has_tickets"
    merged = root.post(f"/customers/{personas.alice.pk}/merge", {"source_id": personas.bob.pk})
    assert merged.status_code == 200 and merged.json()["tickets"] == 1
    assert Ticket.objects.get().requester == personas.alice


def test_teams(personas, api):
    root = api(personas.root)
    created = root.post("/teams", {"name": "Billing"})
    assert created.status_code == 201
    team_id = created.json()["id"]
    assert root.post("/teams", {"name": "billing"}).status_code == 409
    assert api(personas.anna).post("/teams", {"name": "X"}).status_code == 403
    added = root.post(f"/teams/{team_id}/members", {"user_id": personas.anna.pk})
    assert added.json()["member_ids"] == [personas.anna.pk]
    assert (
        root.post(f"/teams/{team_id}/members", {"user_id": personas.alice_user.pk}).json()["field"]
        == "user_id"
    )
    names = [t["name"] for t in api(personas.anna).get("/teams").json()]
    assert names == ["Billing", "Team A", "Team B"]


def test_tags_are_listed_by_use(personas, api):
    a = personas.ticket_for(personas.alice_user)
    b = personas.ticket_for(personas.alice_user)
    client = api(personas.anna)
    client.patch(f"/tickets/{a.pk}", {"tags": ["refund", "vip"]})
    client.patch(f"/tickets/{b.pk}", {"add_tags": ["refund"]})
    assert client.get("/tags").json() == [
        {"name": "refund", "tickets": 2},
        {"name": "vip", "tickets": 1},
    ]


def test_names_with_the_same_slug_make_distinct_teams(personas, api):
    root = api(personas.root)
    slugs = [root.post("/teams", {"name": name}).json()["slug"] for name in ("!!!", "???", "Ops")]
    assert slugs == ["team", "team-2", "ops"]
    again = root.post("/teams", {"name": "Ops!"})
    assert again.status_code == 201 and again.json()["slug"] == "ops-2"


def test_a_taken_team_name_is_a_409_naming_the_field(personas, api):
    taken = api(personas.root).post("/teams", {"name": "TEAM a"})
    assert taken.status_code == 409
    assert (taken.json()["code"], taken.json()["field"]) == ("exists", "name")


def test_a_customer_needs_a_name_or_an_identity(personas, api):
    client = api(personas.anna)
    before = Customer.objects.count()
    for body in (5, [], "x", None):
        response = client.client.post(
            "/api/v1/customers",
            json.dumps(body),
            content_type="application/json",
            headers=client.headers,
        )
        assert response.status_code == 422, body
    blank = client.post("/customers", {})
    assert blank.status_code == 400
    assert (blank.json()["code"], blank.json()["field"]) == ("invalid", "name")
    assert client.post("/customers", {"name": "   "}).status_code == 400
    assert Customer.objects.count() == before
    assert client.post("/customers", {"name": "Carol"}).status_code == 201
    assert client.post("/customers", {"email": "dan@example.com"}).status_code == 201


def test_a_patch_body_must_be_an_object(personas, api):
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    client = api(personas.anna)
    for path in (f"/tickets/{ticket.pk}", f"/customers/{personas.alice.pk}"):
        response = client.client.patch(
            f"/api/v1{path}", "[]", content_type="application/json", headers=client.headers
        )
        assert response.status_code == 422, path

"""Who sees what, as sentences: customers see their own, agents their teams', admins all."""

import pytest
from django.test import Client


@pytest.fixture
def tickets(personas):
    p = personas
    return {
        "alice_a": p.ticket_for(p.alice_user, team=p.team_a),
        "alice_b": p.ticket_for(p.alice_user, team=p.team_b),
        "bob_a": p.ticket_for(p.bob_user, team=p.team_a),
        "bob_none": p.ticket_for(p.bob_user),
    }


VISIBLE = {
    "alice_user": {"alice_a", "alice_b"},
    "bob_user": {"bob_a", "bob_none"},
    "anna": {"alice_a", "bob_a", "bob_none"},  # team A plus the unassigned queue
    "lisa": {"alice_a", "bob_a", "bob_none"},
    "ben": {"alice_b", "bob_none"},
    "root": {"alice_a", "alice_b", "bob_a", "bob_none"},
}


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_each_persona_lists_exactly_what_they_may_see(personas, tickets, api, who):
    response = api(getattr(personas, who)).get("/tickets")
    names = {
        name for name, t in tickets.items() if t.pk in {i["id"] for i in response.json()["items"]}
    }
    assert names == VISIBLE[who]


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_a_ticket_out_of_sight_answers_404(personas, tickets, api, who):
    client = api(getattr(personas, who))
    for name, ticket in tickets.items():
        expected = 200 if name in VISIBLE[who] else 404
        assert client.get(f"/tickets/{ticket.pk}").status_code == expected, name
        assert client.get(f"/tickets/{ticket.pk}/messages").status_code == expected, name


def test_customers_never_see_internal_notes(personas, tickets, api):
    ticket = tickets["alice_a"]
    note = api(personas.anna).post(
        f"/tickets/{ticket.pk}/messages", {"body": "VIP, be nice", "internal": True}
    )
    assert note.status_code == 201 and note.json()["internal"]
    bodies = [
        m["body"] for m in api(personas.alice_user).get(f"/tickets/{ticket.pk}/messages").json()
    ]
    assert "VIP, be nice" not in bodies
    assert "VIP, be nice" in [
        m["body"] for m in api(personas.anna).get(f"/tickets/{ticket.pk}/messages").json()
    ]


def test_customers_cannot_write_internal_notes_or_edit(personas, tickets, api):
    alice = api(personas.alice_user)
    ticket = tickets["alice_a"]
    assert (
        alice.post(f"/tickets/{ticket.pk}/messages", {"body": "x", "internal": True}).status_code
        == 403
    )
    assert alice.patch(f"/tickets/{ticket.pk}", {"status": "solved"}).status_code == 403


def test_a_light_agent_may_only_add_notes(personas, tickets, api):
    lisa = api(personas.lisa)
    ticket = tickets["alice_a"]
    assert (
        lisa.post(f"/tickets/{ticket.pk}/messages", {"body": "n", "internal": True}).status_code
        == 201
    )
    assert lisa.post(f"/tickets/{ticket.pk}/messages", {"body": "hi"}).status_code == 403
    assert lisa.patch(f"/tickets/{ticket.pk}", {"priority": "high"}).status_code == 403


def test_organization_sharing_shows_colleagues_tickets(personas, tickets, api):
    from helpmesh.customers import services as customers

    org = customers.create_organization("Acme", shares_tickets=True)
    customers.update_customer(personas.alice, organization=org)
    customers.update_customer(personas.bob, organization=org)
    new = personas.ticket_for(personas.bob_user, subject="Shared with my org")
    ids = {i["id"] for i in api(personas.alice_user).get("/tickets").json()["items"]}
    assert new.pk in ids
    assert tickets["bob_a"].pk not in ids  # opened before Bob joined the organization


def test_anonymous_requests_are_refused(db, api):
    response = api(None).get("/tickets")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_only_agents_see_customers_teams_and_tags(personas, api):
    alice = api(personas.alice_user)
    for path in ("/customers", "/teams", "/tags"):
        assert alice.get(path).status_code == 403, path
        assert api(personas.anna).get(path).status_code == 200, path


def test_anonymous_writes_are_401_not_a_csrf_failure(db):
    browser = Client(enforce_csrf_checks=True)
    for method, path in (("post", "/tickets"), ("patch", "/tickets/1"), ("delete", "/customers/1")):
        response = getattr(browser, method)(
            f"/api/v1{path}", {"body": "hi"}, content_type="application/json"
        )
        assert response.status_code == 401, method
        assert response.json()["code"] == "unauthorized"
    bad_token = browser.post(
        "/api/v1/tickets",
        {"body": "hi"},
        content_type="application/json",
        headers={"Authorization": "Bearer hm_nope"},
    )
    assert bad_token.status_code == 401


def test_a_signed_in_browser_still_needs_the_csrf_token(personas):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas.alice_user)
    forged = browser.post("/api/v1/tickets", {"body": "hi"}, content_type="application/json")
    assert forged.status_code == 403
    browser.get("/portal/")  # sets the CSRF cookie, as the web UI does
    token = browser.cookies["csrftoken"].value
    sent = browser.post(
        "/api/v1/tickets",
        {"body": "hi"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert sent.status_code == 201
    assert browser.get("/api/v1/me").json()["email"] == "alice@example.com"

"""Signing in and out, and the front door that sends each user where they work."""

from __future__ import annotations


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    assert client.get("/").url == "/login/"
    assert client.get("/inbox/").url == "/login/?next=/inbox/"
    assert client.get("/portal/requests/").url == "/login/?next=/portal/requests/"


def test_agents_land_in_the_inbox_and_customers_in_the_portal(client, personas):
    client.force_login(personas.anna)
    assert client.get("/").url == "/inbox/"
    client.force_login(personas.alice_user)
    assert client.get("/").url == "/portal/"


def test_customers_who_open_the_inbox_are_sent_to_the_portal(client, personas):
    client.force_login(personas.alice_user)
    assert client.get("/inbox/").url == "/portal/"


def test_sign_in_with_email_and_password_follows_next(client, personas):
    response = client.post(
        "/login/?next=/portal/requests/",
        {"email": "ALICE@example.com", "password": "pw", "next": "/portal/requests/"},
    )
    assert response.status_code == 302
    assert response.url == "/portal/requests/"
    assert client.get("/portal/requests/").status_code == 200


def test_a_wrong_password_shows_an_error_not_a_session(client, personas):
    response = client.post("/login/", {"email": "alice@example.com", "password": "nope"})
    assert response.status_code == 200
    assert b"do not match" in response.content
    assert client.get("/portal/").status_code == 302


def test_next_never_leads_off_site(client, personas):
    response = client.post(
        "/login/", {"email": "anna@example.com", "password": "pw", "next": "https://evil.test/"}
    )
    assert response.url == "/"


def test_sign_out_is_a_post(client, personas):
    client.force_login(personas.anna)
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").url == "/login/"
    assert client.get("/inbox/").status_code == 302

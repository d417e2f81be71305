"""Security headers on every kind of page: CSP (no inline script or style), Permissions-Policy,
and over HTTPS, HSTS and Secure cookies."""

from __future__ import annotations

import pytest
from django.test import Client

from helpmesh.core.security_headers import POLICY

PAGES = {
    "sign-in": (None, "/login/"),
    "portal": ("alice_user", "/portal/"),
    "portal request form": ("alice_user", "/portal/requests/new/"),
    "help center": (None, "/help/"),
    "help center search": (None, "/help/search/?q=printer"),
    "inbox": ("anna", "/inbox/"),
    "admin": ("root", "/admin/"),
    "admin change list": ("root", "/admin/accounts/user/"),
    "API docs": (None, "/api/v1/docs"),
}


def directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.mark.parametrize("kind", PAGES)
def test_every_kind_of_page_has_the_policy(client, personas, kind):
    who, url = PAGES[kind]
    if who:
        client.force_login(getattr(personas, who))
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("text/html")
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert policy["frame-ancestors"] == "'none'"
    assert "camera=()" in response["Permissions-Policy"]


def test_a_ticket_page_has_the_policy(client, personas):
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    client.force_login(personas.anna)
    response = client.get(f"/inbox/tickets/{ticket.pk}/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == POLICY


def test_json_answers_carry_permissions_policy_but_no_page_policy(api, personas):
    response = api(personas.anna).get("/me")
    assert "Content-Security-Policy" not in response
    assert "Permissions-Policy" in response


def test_plain_http_has_no_hsts_and_no_secure_cookies(client, personas):
    response = client.post("/login/", {"email": "anna@example.com", "password": "pw"})
    assert "Strict-Transport-Security" not in response
    assert not response.cookies["sessionid"]["secure"]


def test_over_https_answers_carry_hsts_and_secure_cookies(personas):
    client = Client()
    response = client.post("/login/", {"email": "anna@example.com", "password": "pw"}, secure=True)
    assert response.status_code == 302
    assert response["Strict-Transport-Security"] == "max-age=31536000"
    assert response.cookies["sessionid"]["secure"]
    assert response.cookies["csrftoken"]["secure"]


def test_https_behind_a_proxy_is_declared_by_the_setting(client, personas, settings):
    settings.HELPMESH_HTTPS = True
    response = client.post("/login/", {"email": "anna@example.com", "password": "pw"})
    assert response["Strict-Transport-Security"].startswith("max-age=")
    assert response.cookies["sessionid"]["secure"]


# Documents written to disk and opened on their own (`helpmesh simulate compare`'s report).
SELF_CONTAINED = ("simulate/report.html",)


def test_templates_hold_no_inline_script_handlers_or_styles():
    """The CSP would silently break them: behaviour goes in static files (docs/web.md)."""
    import re
    from pathlib import Path

    import helpmesh

    inline = re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)|\son[a-z]+\s*=|\shx-on|\sstyle\s*=",
        re.IGNORECASE,
    )
    found = []
    for template in Path(helpmesh.__file__).parent.rglob("templates/**/*.html"):
        if "/email/" in str(template) or str(template).endswith(SELF_CONTAINED):
            continue  # read in mail clients or opened as files: never served under our CSP
        for number, line in enumerate(template.read_text().splitlines(), 1):
            if inline.search(line):
                found.append(f"{template}:{number}: {line.strip()}")
    assert found == []

"""Persona fixtures: every permission test reads like a sentence.

two customers (alice, bob), an agent of team A (anna), an agent of team B (ben),
a light agent of team A (lisa) and an admin (root).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from helpmesh.accounts import services as accounts
from helpmesh.accounts.models import Role, Team, User
from helpmesh.conversations import pipeline
from helpmesh.conversations.models import Ticket
from helpmesh.customers import services as customers
from helpmesh.customers.models import Customer


@dataclass
class Personas:
    team_a: Team
    team_b: Team
    anna: User  # agent, team A
    ben: User  # agent, team B
    lisa: User  # light agent, team A
    root: User  # admin
    alice_user: User
    bob_user: User
    alice: Customer
    bob: Customer

    def ticket_for(
        self,
        customer_user: User,
        *,
        team: Team | None = None,
        subject: str = "Printer on fire",
        body: str = "It is on fire.",
    ) -> Ticket:
        receipt = pipeline.receive(
            pipeline.Inbound(
                channel="web",
                sender=pipeline.Sender(user=customer_user),
                subject=subject,
                body_text=body,
                team_id=team.pk if team else None,
            )
        )
        return receipt.ticket


@pytest.fixture(autouse=True)
def fresh_search_vectors():
    """Each test starts with this process's vector catalog empty (the table is the truth)."""
    from helpmesh.search import vectors

    vectors.forget()


@pytest.fixture
def personas(db) -> Personas:
    team_a, team_b = accounts.create_team("Team A"), accounts.create_team("Team B")
    anna = accounts.create_user("anna@example.com", "pw", name="Anna", role=Role.AGENT)
    ben = accounts.create_user("ben@example.com", "pw", name="Ben", role=Role.AGENT)
    lisa = accounts.create_user("lisa@example.com", "pw", name="Lisa", role=Role.LIGHT_AGENT)
    root = accounts.create_user("root@example.com", "pw", name="Root", role=Role.ADMIN)
    accounts.add_to_team(anna, team_a)
    accounts.add_to_team(lisa, team_a)
    accounts.add_to_team(ben, team_b)
    alice_user = accounts.create_user("alice@example.com", "pw", name="Alice", role=Role.CUSTOMER)
    bob_user = accounts.create_user("bob@example.com", "pw", name="Bob", role=Role.CUSTOMER)
    return Personas(
        team_a,
        team_b,
        anna,
        ben,
        lisa,
        root,
        alice_user,
        bob_user,
        customers.customer_for_user(alice_user),
        customers.customer_for_user(bob_user),
    )


class ApiClient:
    """A JSON client that signs in with a bearer token."""

    def __init__(self, user: User | None) -> None:
        self.client = Client()
        self.headers = {}
        if user is not None:
            self.headers["Authorization"] = f"Bearer {accounts.issue_token(user)}"

    def _call(self, method: str, path: str, json=None, headers=None, **params):
        call = getattr(self.client, method)
        extra = {**self.headers, **(headers or {})}
        if method == "get":
            return call(f"/api/v1{path}", params, headers=extra)
        return call(f"/api/v1{path}", json, content_type="application/json", headers=extra)

    def get(self, path: str, **params):
        return self._call("get", path, **params)

    def post(self, path: str, json=None, headers=None):
        return self._call("post", path, json, headers)

    def patch(self, path: str, json=None):
        return self._call("patch", path, json)

    def delete(self, path: str):
        return self._call("delete", path)


@pytest.fixture
def api():
    """``api(user)`` -> a signed-in JSON client; ``api(None)`` is anonymous."""
    return ApiClient

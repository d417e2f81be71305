"""Proactive fixtures: a frozen clock, two components, an organization that uses the API with
two customers on it (one of whom opted out in some tests), and a customer of another org."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from helpmesh.core import clock
from helpmesh.customers import services as customers
from helpmesh.customers.models import Customer, Organization
from helpmesh.proactive import services
from helpmesh.proactive.models import Component

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@dataclass
class Shop:
    api: Component
    dashboard: Component
    acme: Organization
    carol: Customer  # acme, uses the API
    dave: Customer  # acme
    erin: Customer  # another organization


@pytest.fixture
def frozen():
    with clock.frozen(START):
        yield START


@pytest.fixture
def shop(db, frozen) -> Shop:
    api = services.create_component("API")
    dashboard = services.create_component("Dashboard")
    acme = customers.create_organization("Acme", domains="acme.test")
    other = customers.create_organization("Globex", domains="globex.test")
    api.organizations.add(acme)
    carol = customers.create_customer(
        name="Carol", identities=[("email", "carol@acme.test")], organization=acme
    )
    dave = customers.create_customer(
        name="Dave", identities=[("email", "dave@acme.test")], organization=acme
    )
    erin = customers.create_customer(
        name="Erin", identities=[("email", "erin@globex.test")], organization=other
    )
    return Shop(api, dashboard, acme, carol, dave, erin)

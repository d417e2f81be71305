"""Proactive fixtures: a frozen clock, two components, an organization that uses the API with
two customers on it (one of whom opted out in some tests), and a customer of another org."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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


class Endpoint:
    """A real HTTP endpoint on localhost whose answer the test changes."""

    def __init__(self) -> None:
        self.status, self.body, self.delay = 200, "all good", 0.0
        self.hits = 0
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                endpoint.hits += 1
                if endpoint.delay:
                    time.sleep(endpoint.delay)
                body = endpoint.body.encode()
                self.send_response(endpoint.status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/health"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def fail(self, status: int = 503, body: str = "upstream down") -> None:
        self.status, self.body = status, body

    def recover(self) -> None:
        self.status, self.body = 200, "all good"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoint():
    served = Endpoint()
    yield served
    served.close()

"""The SSRF guard: webhooks post to public http(s) addresses only, checked on save and again
right before each delivery connects; an operator's allowlist opens chosen networks."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured

from helpmesh.automation import services, targets, tasks, webhooks
from helpmesh.automation.models import DeliveryState, Webhook, WebhookDelivery
from helpmesh.core import clock

SECRET = "a-long-enough-secret"


class Receiver:
    """A real HTTP endpoint on 127.0.0.1 that records what it was sent."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        received = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append({"path": self.path, "headers": dict(self.headers), "body": body})
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass  # quiet test output

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/helpmesh?source=test"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def dns(monkeypatch):
    """Names resolve to what the test says (no network); IP literals resolve to themselves."""
    answers: dict[str, list[str]] = {}
    real = targets.resolve

    def resolve(host: str, port: int):
        if host in answers:
            return [targets.ipaddress.ip_address(a) for a in answers[host]]
        return real(host, port)

    monkeypatch.setattr(targets, "resolve", resolve)
    return answers


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1/", "loopback"),
        ("http://127.8.9.10:8080/", "loopback"),
        ("http://[::1]/", "loopback"),
        ("http://10.1.2.3/", "private"),
        ("http://172.16.5.4/", "private"),
        ("http://192.168.1.1/", "private"),
        ("http://[fd12:3456::1]/", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[fe80::1]/", "link-local"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://224.0.0.1/", "multicast"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://100.64.0.1/", "not a public address"),
    ],
)
def test_non_public_addresses_are_refused(url, why):
    with pytest.raises(targets.RefusedTarget, match=why):
        targets.check(url)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/", "gopher://example.com/", "https:///x"]
)
def test_only_http_urls_with_a_host_are_accepted(url):
    with pytest.raises(targets.RefusedTarget):
        targets.check(url)


def test_a_public_address_is_accepted_and_pinned(dns):
    dns["crm.example"] = ["93.184.216.34"]
    target = targets.check("https://crm.example/hook?x=1")
    assert (target.host, target.port, target.path, target.address) == (
        "crm.example",
        443,
        "/hook?x=1",
        "93.184.216.34",
    )


def test_a_name_is_refused_if_any_of_its_addresses_is_private(dns):
    dns["split.example"] = ["93.184.216.34", "10.0.0.7"]
    with pytest.raises(targets.RefusedTarget, match=r"split.example resolves to 10.0.0.7"):
        targets.check("https://split.example/")


def test_the_allowlist_opens_only_the_networks_it_names(settings):
    settings.HELPMESH_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32", "10.20.0.0/16"]
    assert targets.check("http://127.0.0.1:9000/").address == "127.0.0.1"
    assert targets.check("http://10.20.3.4/").address == "10.20.3.4"
    with pytest.raises(targets.RefusedTarget):
        targets.check("http://10.21.0.1/")
    with pytest.raises(targets.RefusedTarget):
        targets.check("http://169.254.169.254/")


def test_a_malformed_allowlist_fails_naming_the_setting(settings):
    settings.HELPMESH_WEBHOOK_ALLOWED_NETWORKS = ["10.0.0.0/33"]
    with pytest.raises(ImproperlyConfigured, match="HELPMESH_WEBHOOK_ALLOWED_NETWORKS"):
        targets.check("http://10.0.0.1/")


def test_a_real_receiver_gets_a_signed_delivery_when_allowed(
    personas, receiver, settings, django_capture_on_commit_callbacks
):
    settings.HELPMESH_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    services.save_webhook(
        None,
        {"name": "local", "url": receiver.url, "secret": SECRET, "events": ["ticket.created"]},
        actor=personas.root,
    )
    with django_capture_on_commit_callbacks(execute=True):
        ticket = personas.ticket_for(personas.alice_user)
    (request,) = receiver.requests
    assert request["path"] == "/hooks/helpmesh?source=test"
    assert request["headers"]["X-Helpmesh-Event"] == "ticket.created"
    signature = request["headers"][webhooks.HEADER]
    now = int(clock.now().timestamp())
    assert webhooks.verify(SECRET, request["body"], signature, now=now)
    assert not webhooks.verify("another-secret-entirely", request["body"], signature, now=now)
    assert b'"id": %d' % ticket.pk in request["body"]
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.response_status) == (DeliveryState.DELIVERED, 204)


def test_the_connection_goes_to_the_checked_address_with_the_real_host(
    personas, receiver, settings, dns
):
    settings.HELPMESH_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    dns["receiver.test"] = ["127.0.0.1"]  # not resolvable for real: only the pinned address works
    status = webhooks.post(f"http://receiver.test:{receiver.port}/in", b"{}", {"X-A": "1"})
    assert status == 204
    assert receiver.requests[0]["headers"]["Host"] == f"receiver.test:{receiver.port}"


def test_saving_a_webhook_to_a_local_address_is_refused_naming_the_url(personas, receiver):
    with pytest.raises(services.AutomationError) as refused:
        services.save_webhook(
            None, {"name": "local", "url": receiver.url, "secret": SECRET}, actor=personas.root
        )
    assert (refused.value.field, refused.value.code) == ("url", "unsafe_url")
    assert not Webhook.objects.exists()


def test_a_delivery_to_a_refused_address_fails_at_once_without_connecting(
    personas, receiver, django_capture_on_commit_callbacks
):
    # Saved when it was allowed (or before DNS changed): the delivery checks again.
    Webhook.objects.create(name="stale", url=receiver.url, secret=SECRET)
    with django_capture_on_commit_callbacks(execute=True):
        personas.ticket_for(personas.alice_user)
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == DeliveryState.FAILED and delivery.attempts == 1
    assert delivery.last_error.startswith("refused: 127.0.0.1 is a loopback address")
    assert receiver.requests == []
    assert tasks.retry_webhooks.call() == 0  # no retries knocking on the same door


def test_a_name_that_turns_private_after_saving_is_refused_at_delivery(
    personas, dns, django_capture_on_commit_callbacks
):
    dns["crm.example"] = ["93.184.216.34"]
    services.save_webhook(
        None, {"name": "crm", "url": "https://crm.example/", "secret": SECRET}, actor=personas.root
    )
    dns["crm.example"] = ["169.254.169.254"]  # DNS rebinding towards the metadata service
    with django_capture_on_commit_callbacks(execute=True):
        personas.ticket_for(personas.alice_user)
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == DeliveryState.FAILED
    assert "crm.example resolves to 169.254.169.254, a link-local address" in delivery.last_error


def test_the_django_admin_refuses_a_metadata_url_too(personas, client):
    client.force_login(personas.root)
    response = client.post(
        "/admin/automation/webhook/add/",
        {
            "name": "meta",
            "url": "http://169.254.169.254/latest/meta-data/",
            "secret": SECRET,
            "events": "[]",
            "is_active": "on",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert "169.254.169.254 is a link-local address" in response.content.decode()
    assert not Webhook.objects.exists()


@pytest.fixture
def tls_receiver(receiver, tmp_path, monkeypatch):
    """The receiver behind TLS, serving a certificate from a throwaway CA that this test process
    trusts (``SSL_CERT_FILE``), for whichever name ``serve_as`` says."""
    import trustme  # dev extra

    authority = trustme.CA()
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    contexts: list[ssl.SSLContext] = []

    def serve_as(name: str) -> None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        authority.issue_cert(name).configure_cert(context)
        contexts.append(context)

    accept = receiver.server.get_request

    def get_request():
        sock, address = accept()
        return contexts[-1].wrap_socket(sock, server_side=True), address

    receiver.server.get_request = get_request  # type: ignore[method-assign]
    receiver.serve_as = serve_as  # type: ignore[attr-defined]
    return receiver


def test_https_goes_to_the_pinned_address_and_checks_the_real_hosts_certificate(
    personas, tls_receiver, settings, dns
):
    settings.HELPMESH_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    dns["hooks.example.test"] = ["127.0.0.1"]  # not resolvable for real: only the pin works
    url = f"https://hooks.example.test:{tls_receiver.port}/in"
    tls_receiver.serve_as("hooks.example.test")
    assert webhooks.post(url, b"{}", {"X-A": "1"}) == 204
    assert tls_receiver.requests[0]["headers"]["Host"] == f"hooks.example.test:{tls_receiver.port}"

    tls_receiver.serve_as("someone-else.test")  # the pinned address answers for another name
    with pytest.raises(ssl.SSLCertVerificationError):
        webhooks.post(url, b"{}", {"X-A": "1"})
    assert len(tls_receiver.requests) == 1

"""The public status page, /status.json, the Atom feed and email subscriptions."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

from django.core import mail
from django.test import Client

from helpmesh.core import clock
from helpmesh.proactive import services
from helpmesh.proactive.models import ComponentState, Severity, Subscriber

ATOM = "{http://www.w3.org/2005/Atom}"


def _incident(shop, title="Checkout errors", severity=Severity.MAJOR, **kw):
    return services.open_incident(
        services.NewIncident(title=title, severity=severity, components=[shop.api], **kw)
    )


def test_the_page_shows_components_open_incidents_and_their_timeline(shop):
    incident = _incident(shop, body="We see failed payments.")
    clock.advance(timedelta(minutes=15))
    services.post_update(incident, "A bad deploy; rolling back.", status="identified")
    html = Client().get("/status").content.decode()
    assert "Checkout errors" in html
    assert html.index("A bad deploy; rolling back.") < html.index("We see failed payments.")
    assert "Partial outage" in html and "Dashboard" in html
    assert html.count('class="bar ') == 2 * 90
    # CSP: no script and no inline style on the page.
    assert "<script" not in html and "style=" not in html and "<style" not in html


def test_the_uptime_strip_marks_the_day_of_an_outage(shop):
    clock.advance(timedelta(days=-3))
    shop.api.created_at = clock.now() - timedelta(days=200)
    shop.api.save()
    incident = _incident(shop, severity=Severity.CRITICAL)
    clock.advance(timedelta(hours=6))
    services.resolve_incident(incident)
    clock.advance(timedelta(days=3, hours=-6))
    html = Client().get("/status").content.decode()
    api_strip = html.split('aria-label="API: 90 days"')[1].split("</ol>")[0]
    bars = re.findall(r'class="bar bar-(\w+)"', api_strip)
    assert len(bars) == 90
    assert bars[-4] == "critical" and bars.count("critical") == 1 and bars[-1] == "ok"
    data = Client().get("/status.json").json()
    api = next(c for c in data["components"] if c["name"] == "API")
    # 6 hours down out of 89 days and 9 hours (today runs to 09:00).
    assert api["uptime_90d"] == round(100 * (1 - 6 / (89 * 24 + 9)), 2)
    assert "Past incidents" in html


def test_status_json_for_machines(shop):
    incident = _incident(shop, severity=Severity.CRITICAL)
    data = Client().get("/status.json").json()
    assert data["status"] == ComponentState.MAJOR_OUTAGE
    assert {c["name"]: c["state"] for c in data["components"]} == {
        "API": "major_outage",
        "Dashboard": "operational",
    }
    [listed] = data["incidents"]
    assert listed["id"] == incident.pk and listed["components"] == ["API"]
    assert listed["updates"][0]["status"] == "investigating"


def test_scheduled_maintenance_is_announced_without_changing_state(shop):
    start = clock.now() + timedelta(days=2)
    _incident(
        shop,
        title="Database upgrade",
        severity=Severity.MAINTENANCE,
        scheduled_for=start,
        scheduled_until=start + timedelta(hours=1),
    )
    shop.api.refresh_from_db()
    assert shop.api.state == ComponentState.OPERATIONAL
    html = Client().get("/status").content.decode()
    assert "Scheduled maintenance" in html and "Database upgrade" in html
    data = Client().get("/status.json").json()
    assert data["incidents"] == [] and data["maintenance"][0]["title"] == "Database upgrade"


def test_the_atom_feed_is_valid_atom_with_one_entry_per_update(shop):
    incident = _incident(shop)
    clock.advance(timedelta(minutes=5))
    services.post_update(incident, "Rolling back", status="identified")
    answer = Client().get("/status/feed.atom")
    assert answer["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(answer.content)  # noqa: S314 - our own feed, in a test
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    assert entries[0].find(f"{ATOM}title").text == "Checkout errors: Identified"
    ids = {e.find(f"{ATOM}id").text for e in entries}
    assert len(ids) == 2
    assert all(e.find(f"{ATOM}updated") is not None for e in entries)


def test_subscribe_needs_confirmation_then_gets_notices_until_unsubscribed(
    shop, django_capture_on_commit_callbacks
):
    client = Client()
    assert client.post("/status/subscribe", {"email": "nope"}).status_code == 400
    assert client.post("/status/subscribe", {"email": "fan@example.org"}).status_code == 200
    [confirmation] = mail.outbox
    token = re.search(r"/status/confirm/(\S+)", confirmation.body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        _incident(shop, title="First")
    assert "fan@example.org" not in [m.to[0] for m in mail.outbox[1:]]  # not confirmed yet
    assert client.get(f"/status/confirm/{token}").status_code == 200
    assert Subscriber.objects.get().confirmed_at == clock.now()
    clock.advance(timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        _incident(shop, title="Second")
    notice = next(m for m in mail.outbox if m.to == ["fan@example.org"] and "Second" in m.subject)
    unsubscribe = re.search(r"/status/unsubscribe/(\S+)", notice.body).group(0)
    assert client.get(unsubscribe).status_code == 200  # asks first: link scanners change nothing
    assert Subscriber.objects.get().unsubscribed_at is None
    assert client.post(unsubscribe).status_code == 200
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        _incident(shop, title="Third")
    assert "fan@example.org" not in [m.to[0] for m in mail.outbox[sent:]]
    assert client.get("/status/confirm/unknown").status_code == 404


def test_a_customer_opts_out_from_the_link_in_a_notice(shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _incident(shop, organizations=[shop.acme])
    carol_notice = next(m for m in mail.outbox if m.to == ["carol@acme.test"])
    link = re.search(r"/status/opt-out/(\S+)", carol_notice.body).group(0)
    assert Client().post(link).status_code == 200
    clock.advance(timedelta(days=1))
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        _incident(shop, title="Again", organizations=[shop.acme])
    assert [m.to[0] for m in mail.outbox[sent:]] == ["dave@acme.test"]
    assert Client().post("/status/opt-out/forged").status_code == 404

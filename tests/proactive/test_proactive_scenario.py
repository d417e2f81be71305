"""Issue 13's scenario on the injected clock with a real local HTTP endpoint: it starts failing,
the monitor detects it, an incident opens, the status page shows it, affected customers are
emailed, a customer's ticket about it is linked and answered, the endpoint recovers, the incident
resolves and the linked ticket gets a final update."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.test import Client

from helpmesh.conversations import pipeline
from helpmesh.conversations.models import Message
from helpmesh.core import audit, clock
from helpmesh.proactive import monitors
from helpmesh.proactive.models import IncidentStatus, IncidentTicket


def _write(address: str, subject: str, body: str):
    return pipeline.receive(
        pipeline.Inbound(
            channel="email", sender=pipeline.Sender(value=address), subject=subject, body_text=body
        )
    ).ticket


def _tick(capture) -> None:
    clock.advance(timedelta(seconds=60))
    with capture(execute=True):
        monitors.run_due()


def test_outage_detected_announced_linked_and_resolved(
    shop, endpoint, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    monitors.create_http_monitor(
        "api health", shop.api, endpoint.url, failures_to_open=2, successes_to_resolve=2
    )
    _tick(capture)
    assert "All systems operational" in Client().get("/status").content.decode()

    # The endpoint starts failing: two failed checks in a row open an incident.
    endpoint.fail(503)
    _tick(capture)
    assert not shop.api.incidents.exists()
    _tick(capture)
    incident = shop.api.incidents.get()
    assert incident.status == IncidentStatus.INVESTIGATING
    page = Client().get("/status").content.decode()
    assert incident.title in page and "Partial outage" in page

    # Customers of the organization that uses the API hear first; others do not.
    told = sorted(m.to[0] for m in mail.outbox)
    assert told == ["carol@acme.test", "dave@acme.test"]
    assert "no need to write to us" in mail.outbox[0].body
    assert [e.kind for e in audit.events_for("customer", shop.carol.pk)][-1] == (
        "customer.incident_notice"
    )

    # Carol writes in anyway: her ticket is linked and answered with the current status.
    clock.advance(timedelta(minutes=3))
    with capture(execute=True):
        ticket = _write("carol@acme.test", "API returns 503", "Our calls to the API fail.")
    unrelated = _write("erin@globex.test", "Invoice address", "How do I change my invoice address?")
    link = IncidentTicket.objects.get()
    assert link.ticket == ticket and link.reason == "component API"
    assert not IncidentTicket.objects.filter(ticket=unrelated).exists()
    messages = list(Message.objects.filter(ticket=ticket).order_by("pk"))
    note, reply = messages[1], messages[2]
    assert note.internal and f"incident #{incident.pk}" in note.body_text
    assert not reply.internal and "We know about this problem" in reply.body_text
    assert "Investigating" in reply.body_text
    assert any(
        m.to == ["carol@acme.test"] and "We know about this problem" in m.body for m in mail.outbox
    )

    # The endpoint recovers: two good checks resolve the incident.
    endpoint.recover()
    _tick(capture)
    incident.refresh_from_db()
    assert incident.status != IncidentStatus.RESOLVED
    sent = len(mail.outbox)
    _tick(capture)
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED
    assert "All systems operational" in Client().get("/status").content.decode()

    final = Message.objects.filter(ticket=ticket).order_by("-pk").first()
    assert "the problem is resolved" in final.body_text and not final.internal
    link.refresh_from_db()
    assert link.final_update_at == clock.now()
    resolved_notices = [m for m in mail.outbox[sent:] if m.subject.startswith("[Resolved]")]
    assert sorted(m.to[0] for m in resolved_notices) == ["carol@acme.test", "dave@acme.test"]

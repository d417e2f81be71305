"""Incidents through the services: component states, updates, resolution rules, audit, outreach
with throttling and opt-out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from helpmesh.core import audit, clock
from helpmesh.core.models import AuditEvent
from helpmesh.proactive import outreach, services, signals
from helpmesh.proactive.models import ComponentState, IncidentStatus, Outreach, Severity


def _open(shop, **kw):
    return services.open_incident(
        services.NewIncident(
            title="API errors",
            severity=kw.pop("severity", Severity.MAJOR),
            components=[shop.api],
            organizations=[shop.acme],
            **kw,
        )
    )


def test_opening_an_incident_sets_component_state_and_is_audited(shop):
    incident = _open(shop)
    shop.api.refresh_from_db()
    assert shop.api.state == ComponentState.PARTIAL_OUTAGE
    assert incident.updates.count() == 1
    kinds = [e.kind for e in audit.events_for("incident", incident.pk)]
    assert kinds == ["incident.opened"]
    assert AuditEvent.objects.filter(
        kind="component.state_changed", subject_id=shop.api.pk
    ).exists()
    assert not [p for p in audit.verify_chain() if isinstance(p, audit.ChainProblem)]


def test_worst_open_incident_decides_the_state_and_resolution_restores_it(shop, agent):
    minor = _open(shop, severity=Severity.MINOR)
    critical = _open(shop, severity=Severity.CRITICAL)
    shop.api.refresh_from_db()
    assert shop.api.state == ComponentState.MAJOR_OUTAGE
    services.resolve_incident(critical, actor=agent)
    shop.api.refresh_from_db()
    assert shop.api.state == ComponentState.DEGRADED
    services.resolve_incident(minor, actor=agent)
    shop.api.refresh_from_db()
    assert shop.api.state == ComponentState.OPERATIONAL


def test_updates_move_status_but_not_to_resolved(shop, agent):
    incident = _open(shop)
    services.post_update(incident, "Found a bad deploy", status="identified", actor=agent)
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.IDENTIFIED
    with pytest.raises(services.ProactiveError) as refused:
        services.post_update(incident, "done", status="resolved")
    assert refused.value.field == "status"
    with pytest.raises(services.ProactiveError):
        services.post_update(incident, "  ")


def test_a_signal_does_not_resolve_an_incident_an_agent_took_over(shop, agent):
    incident = signals.fire(shop.api, "alert:1:abc", title="5xx", severity="major", origin="t")
    services.take_over(incident, actor=agent)
    signals.clear("alert:1:abc", by="alert")
    incident.refresh_from_db()
    assert incident.status != IncidentStatus.RESOLVED
    assert services.resolve_incident(incident, actor=agent)
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED and incident.resolved_at == clock.now()


def test_customers_of_affected_organizations_are_emailed_once_each(
    shop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        incident = _open(shop)
    assert sorted(m.to[0] for m in mail.outbox) == ["carol@acme.test", "dave@acme.test"]
    assert "API errors" in mail.outbox[0].subject
    notices = AuditEvent.objects.filter(kind="customer.incident_notice")
    assert {e.subject_id for e in notices} == {shop.carol.pk, shop.dave.pk}
    # Once per incident and kind.
    assert outreach.notify_customers(incident, "opened") == 0


def test_throttle_and_opt_out(shop, django_capture_on_commit_callbacks):
    outreach.opt_out(outreach.opt_out_token(shop.dave))
    with django_capture_on_commit_callbacks(execute=True):
        first = _open(shop)
    assert [m.to[0] for m in mail.outbox] == ["carol@acme.test"]
    assert "/status/opt-out/" in mail.outbox[0].body
    clock.advance(timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):
        _open(shop)  # a second incident within the throttle window: Carol is not told again
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.resolve_incident(first)
    assert [m.to[0] for m in mail.outbox[1:]] == ["carol@acme.test"]
    assert "[Resolved]" in mail.outbox[1].subject
    assert Outreach.objects.filter(customer=shop.carol).count() == 2
    assert outreach.opt_out("forged") is None


@pytest.fixture
def agent(personas):
    return personas.anna

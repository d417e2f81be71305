"""The API contract of issue 13: Alertmanager webhooks (grouped, mixed firing and resolved),
the generic alert, heartbeats, incidents, and their status codes; the CLI's source token."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client

from helpmesh import cli
from helpmesh.core import clock
from helpmesh.proactive import monitors, services
from helpmesh.proactive.models import (
    AlertSource,
    AlertState,
    ComponentState,
    InboundAlert,
    Incident,
    IncidentStatus,
)

FIXTURES = Path(__file__).parent / "fixtures"
ALERTMANAGER = "/api/v1/proactive/alerts/alertmanager"


@pytest.fixture
def token(shop) -> str:
    _, token = services.create_source("prometheus", component=shop.dashboard)
    return token


def post(path: str, body: bytes | str, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    data = body if isinstance(body, bytes) else body.encode()
    return Client().post(path, data, content_type="application/json", headers=headers)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_a_grouped_firing_body_opens_one_incident_on_the_labelled_component(shop, token):
    answer = post(ALERTMANAGER, fixture("alertmanager_firing_grouped.json"), token)
    assert answer.status_code == 200, answer.content
    [incident] = Incident.objects.all()
    assert answer.json() == {"received": True, "incidents": [incident.pk]}
    assert [c.name for c in incident.components.all()] == ["API"]
    assert incident.severity == "critical" and incident.status == IncidentStatus.INVESTIGATING
    assert incident.title == "API 5xx rate above 5%"
    assert len(incident.firing) == 2
    shop.api.refresh_from_db()
    assert shop.api.state == ComponentState.MAJOR_OUTAGE
    assert InboundAlert.objects.get().state == AlertState.PROCESSED


def test_mixed_then_resolved_bodies_resolve_only_when_the_last_alert_clears(shop, token):
    post(ALERTMANAGER, fixture("alertmanager_firing_grouped.json"), token)
    clock.advance(timedelta(minutes=20))
    assert post(ALERTMANAGER, fixture("alertmanager_mixed.json"), token).status_code == 200
    incident = Incident.objects.get()
    assert incident.status != IncidentStatus.RESOLVED and len(incident.firing) == 1
    clock.advance(timedelta(minutes=10))
    assert post(ALERTMANAGER, fixture("alertmanager_resolved.json"), token).status_code == 200
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED
    assert incident.resolved_at == clock.now()
    shop.api.refresh_from_db()
    assert shop.api.state == ComponentState.OPERATIONAL


def test_a_resolved_alert_leaves_an_incident_an_agent_took_over_open(shop, token, api, personas):
    post(ALERTMANAGER, fixture("alertmanager_firing_grouped.json"), token)
    incident = Incident.objects.get()
    assert api(personas.anna).post(f"/incidents/{incident.pk}/take-over").status_code == 200
    post(ALERTMANAGER, fixture("alertmanager_mixed.json"), token)
    post(ALERTMANAGER, fixture("alertmanager_resolved.json"), token)
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.INVESTIGATING


def test_the_source_default_component_serves_alerts_without_a_component_label(shop, token):
    body = json.loads(fixture("alertmanager_firing_grouped.json"))
    for alert in body["alerts"]:
        del alert["labels"]["component"]
    assert post(ALERTMANAGER, json.dumps(body), token).status_code == 200
    assert [c.name for c in Incident.objects.get().components.all()] == ["Dashboard"]


def test_wrong_or_missing_token(shop, token):
    body = fixture("alertmanager_firing_grouped.json")
    assert post(ALERTMANAGER, body, "not-a-token").status_code == 403
    missing = post(ALERTMANAGER, body)
    assert missing.status_code == 401
    assert missing.json()["code"] == "unauthorized"
    assert not Incident.objects.exists() and not InboundAlert.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b.update(version="3"), "version"),
        (lambda b: b.update(alerts=[]), "alerts"),
        (lambda b: b["alerts"][1].update(status="pending"), "alerts[1].status"),
        (lambda b: b["alerts"][0].pop("startsAt"), "alerts[0].startsAt"),
        (lambda b: b["alerts"][0].update(startsAt="yesterday"), "alerts[0].startsAt"),
        (lambda b: b["alerts"][1].update(labels=["x"]), "alerts[1].labels"),
        (
            lambda b: b["alerts"][0]["labels"].update(component="Nope"),
            "alerts[0].labels.component",
        ),
    ],
)
def test_a_malformed_body_is_400_naming_the_field_and_kept(shop, token, change, field):
    body = json.loads(fixture("alertmanager_firing_grouped.json"))
    change(body)
    raw = json.dumps(body).encode()
    answer = post(ALERTMANAGER, raw, token)
    assert answer.status_code == 400
    assert answer.json()["field"] == field
    kept = InboundAlert.objects.get()
    assert bytes(kept.raw) == raw and kept.state == AlertState.REJECTED
    assert field in kept.error
    assert not Incident.objects.exists()  # nothing applied from a body that was refused


def test_a_body_that_is_not_json_is_400_and_kept(shop, token):
    answer = post(ALERTMANAGER, b"{not json", token)
    assert answer.status_code == 400 and answer.json()["field"] == "body"
    assert bytes(InboundAlert.objects.get().raw) == b"{not json"


def test_generic_alert(shop, token):
    path = "/api/v1/proactive/alerts/generic"
    fire = {"key": "db-1", "status": "firing", "title": "Database slow", "severity": "major"}
    answer = post(path, json.dumps(fire), token)
    assert answer.status_code == 200
    incident = Incident.objects.get()
    assert [c.name for c in incident.components.all()] == ["Dashboard"]
    bad = post(path, json.dumps({**fire, "severity": "apocalyptic"}), token)
    assert bad.status_code == 400 and bad.json()["field"] == "severity"
    assert post(path, json.dumps({**fire, "status": "resolved"}), token).status_code == 200
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED


def test_incident_list_contract_and_agents_open_update_resolve(shop, api, personas):
    anna = api(personas.anna)
    opened = anna.post(
        "/incidents",
        {"title": "Login slow", "severity": "major", "components": ["api"], "body": "Looking."},
    )
    assert opened.status_code == 201, opened.content
    incident_id = opened.json()["id"]
    listed = api(None).get("/incidents").json()
    assert listed == {
        "items": [
            {
                "id": incident_id,
                "title": "Login slow",
                "status": "investigating",
                "severity": "major",
                "components": ["API"],
                "opened_at": listed["items"][0]["opened_at"],
                "resolved_at": None,
            }
        ]
    }
    assert listed["items"][0]["opened_at"].startswith("2026-12-01T09:00:00")
    update = anna.post(
        f"/incidents/{incident_id}/updates", {"body": "Fix found", "status": "identified"}
    )
    assert update.status_code == 201 and update.json()["status"] == "identified"
    resolved = anna.post(f"/incidents/{incident_id}/resolve", {"body": "Fixed."})
    assert resolved.status_code == 200 and resolved.json()["resolved_at"]
    assert anna.post(f"/incidents/{incident_id}/resolve", {}).status_code == 409
    assert api(None).get("/incidents", status="open").json() == {"items": []}


def test_incident_input_errors_and_permissions(shop, api, personas):
    assert api(personas.alice_user).post("/incidents", {"title": "x"}).status_code == 403
    assert api(None).post("/incidents", {"title": "x"}).status_code == 401
    anna = api(personas.anna)
    bad_component = anna.post("/incidents", {"title": "x", "components": ["Nope"]})
    assert bad_component.status_code == 400 and bad_component.json()["field"] == "components.0"
    bad_severity = anna.post("/incidents", {"title": "x", "severity": "huge"})
    assert bad_severity.status_code == 400 and bad_severity.json()["field"] == "severity"
    assert anna.get("/incidents/999").status_code == 404
    assert api(None).get("/incidents", status="maybe").json()["field"] == "status"


def test_heartbeat_endpoint(shop):
    monitor, token = monitors.create_heartbeat_monitor("nightly", shop.api, period_seconds=3600)
    clock.advance(timedelta(minutes=30))
    answer = Client().post(f"/api/v1/proactive/heartbeats/{token}")
    assert answer.status_code == 200
    monitor.refresh_from_db()
    assert monitor.last_ping_at == clock.now()
    assert Client().post("/api/v1/proactive/heartbeats/nope").status_code == 404


def test_cli_source_add_prints_a_working_token(shop, capsys):
    args = cli.build_parser().parse_args(
        ["proactive", "source", "add", "--name", "am", "--component", "API"]
    )
    assert args.func(args) == 0
    token = capsys.readouterr().out.strip()
    source = services.source_for_token(token)
    assert source is not None and source.name == "am" and source.default_component == shop.api
    assert AlertSource.objects.count() == 1

"""The routing API: traces and SLAs for agents only, presence for oneself, the model for admins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from helpmesh.core import clock
from helpmesh.routing import absences, services
from helpmesh.routing.models import AgentPresence

MODEL = """
models:
  - name: plain
    active: true
    layers:
      - kind: department
        settings: {default_team: team-a}
sla_policies:
  - {name: all, first_response_minutes: 60}
"""


def test_agents_read_the_trace_and_sla_customers_cannot(personas, api, desk):
    desk.model(MODEL)
    services.set_presence(personas.anna, "online")
    ticket = personas.ticket_for(personas.alice_user)
    trace = api(personas.anna).get(f"/tickets/{ticket.pk}/routing")
    assert trace.status_code == 200
    assert trace.json()[0]["assignee"] == "Anna" and trace.json()[0]["team"] == "team-a"
    sla = api(personas.anna).get(f"/tickets/{ticket.pk}/sla").json()
    assert sla["policy"] == "all" and sla["first_response_due"]
    assert api(personas.alice_user).get(f"/tickets/{ticket.pk}/routing").status_code == 404
    assert api(personas.ben).get(f"/tickets/{ticket.pk}/sla").status_code == 404


def test_agents_set_their_own_presence_and_capacity(personas, api):
    answer = api(personas.ben).post("/me/presence", {"status": "away", "capacity": {"chat": 2}})
    assert answer.status_code == 200 and answer.json()["status"] == "away"
    assert AgentPresence.objects.get(agent=personas.ben).capacity == {"chat": 2}
    assert api(personas.ben).post("/me/presence", {"status": "asleep"}).json()["field"] == "status"
    assert api(personas.alice_user).post("/me/presence", {"status": "online"}).status_code == 403


def test_customers_have_no_presence_to_read(personas, api):
    response = api(personas.alice_user).get("/me/presence")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert api(personas.anna).get("/me/presence").json()["status"] == "offline"


def test_only_admins_read_and_apply_the_model_with_errors_naming_the_key(personas, api):
    doc = {
        "models": [
            {
                "name": "m",
                "active": True,
                "layers": [{"kind": "department", "settings": {"default_team": "team-b"}}],
            }
        ]
    }
    assert api(personas.anna).post("/support-model/apply", {"document": doc}).status_code == 403
    assert api(personas.root).post("/support-model/apply", {"document": doc}).status_code == 200
    exported = api(personas.root).get("/support-model").json()["document"]
    assert exported["models"][0]["layers"][0]["settings"] == {"default_team": "team-b"}
    doc["models"][0]["layers"][0]["kind"] = "chaos"
    bad = api(personas.root).post("/support-model/validate", {"document": doc}).json()
    assert bad["field"] == "models[0].layers[0].kind"
    assert api(personas.root).post("/support-models/m/activate").status_code == 200
    assert api(personas.root).delete("/support-models/m").status_code == 204


def test_a_vacation_hands_open_tickets_to_the_backup(personas, desk):
    desk.model(MODEL)
    backup = desk.agent("Bob Backup", "team-a")
    services.set_presence(personas.anna, "online")
    services.set_presence(backup, "offline")
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with clock.frozen(start):
        ticket = personas.ticket_for(personas.alice_user)
        assert ticket.assignee == personas.anna
        absences.add_absence(
            personas.anna,
            starts_at=start + timedelta(days=1),
            ends_at=start + timedelta(days=8),
            backup=backup,
        )
        clock.advance(timedelta(days=1))
        assert absences.start_due_absences() == 1
        assert absences.start_due_absences() == 0  # claimed once
    ticket.refresh_from_db()
    assert ticket.assignee == backup

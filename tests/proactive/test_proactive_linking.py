"""Which tickets are about an incident (intent, component, wording, time window), and agents
linking, unlinking and solving linked tickets in bulk."""

from __future__ import annotations

from datetime import timedelta

from helpmesh.conversations.models import Ticket
from helpmesh.core import clock
from helpmesh.proactive import linking, services
from helpmesh.proactive.models import IncidentTicket, Severity


def _incident(shop, **kw):
    return services.open_incident(
        services.NewIncident(
            title=kw.pop("title", "Password reset emails delayed"),
            severity=Severity.MAJOR,
            components=[shop.dashboard],
            intents=kw.pop("intents", ["login_problem"]),
        )
    )


def test_match_reasons(shop):
    incident = _incident(shop)
    by_intent = Ticket(custom_fields={"intent": "login_problem"})
    assert linking.match_reason(incident, by_intent, "hello") == "intent login_problem"
    plain = Ticket(custom_fields={})
    assert linking.match_reason(incident, plain, "the dashboard is blank") == "component Dashboard"
    assert linking.match_reason(incident, plain, "my password reset emails never arrive") == (
        "similar wording"
    )
    assert linking.match_reason(incident, plain, "please change my invoice address") == ""
    assert linking.match_reason(incident, plain, "dashboards.example is slow") == ""


def test_only_open_started_incidents_near_the_ticket_are_candidates(shop):
    incident = _incident(shop)
    assert linking.candidates(clock.now()) == [incident]
    # A ticket written well before the incident opened is not about it.
    assert linking.candidates(clock.now() - timedelta(hours=2)) == []
    services.resolve_incident(incident)
    assert linking.candidates(clock.now()) == []


def test_agents_link_unlink_and_solve_in_bulk(shop, personas, api):
    incident = _incident(shop)
    ticket = personas.ticket_for(personas.alice_user, subject="Something else", body="Billing?")
    assert not IncidentTicket.objects.exists()
    anna = api(personas.anna)
    linked = anna.post(f"/incidents/{incident.pk}/tickets", {"ticket_id": ticket.pk})
    assert linked.status_code == 200 and linked.json()["tickets"] == [ticket.pk]
    assert IncidentTicket.objects.get().reason == "agent"
    assert anna.post(f"/incidents/{incident.pk}/tickets", {"ticket_id": 999}).json()["field"] == (
        "ticket_id"
    )
    assert anna.post(f"/incidents/{incident.pk}/solve-tickets").status_code == 409
    anna.post(f"/incidents/{incident.pk}/resolve", {"body": "Mail flows again."})
    solved = anna.post(f"/incidents/{incident.pk}/solve-tickets")
    assert solved.json() == {"solved": 1}
    ticket.refresh_from_db()
    assert ticket.status == "solved"
    assert anna.delete(f"/incidents/{incident.pk}/tickets/{ticket.pk}").status_code == 200
    assert anna.delete(f"/incidents/{incident.pk}/tickets/{ticket.pk}").status_code == 404
    assert (
        api(personas.alice_user)
        .post(f"/incidents/{incident.pk}/tickets", {"ticket_id": ticket.pk})
        .status_code
        == 403
    )

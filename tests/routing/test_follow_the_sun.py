"""Follow-the-sun: a ticket arrives in APAC at 17:55 local, APAC's day ends, EMEA picks it up
with a handoff summary, and the SLA clock (on the EMEA calendar) paused overnight."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from helpmesh.accounts import services as accounts
from helpmesh.core import clock
from helpmesh.routing import notes, services, sla, snapshots, sweeps

MODEL = """
calendars:
  - slug: apac
    timezone: Australia/Sydney
    hours: {mon: ["09:00-18:00"], tue: ["09:00-18:00"], wed: ["09:00-18:00"]}
  - slug: emea
    timezone: Europe/London
    hours: {mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"]}
    holidays: [{date: "2026-03-03", name: Company day}]
teams:
  - {team: apac, calendar: apac, region: APAC}
  - {team: emea, calendar: emea, region: EMEA}
models:
  - name: sun
    active: true
    layers:
      - kind: follow_the_sun
        settings:
          regions: [{name: APAC, team: apac}, {name: EMEA, team: emea}]
sla_policies:
  - {name: standard, first_response_minutes: 120, calendar: emea}
"""


def test_apac_evening_ticket_is_handed_to_emea_with_a_summary(desk):
    desk.team("apac"), desk.team("emea")
    desk.model(MODEL)
    ava = desk.agent("Ava", "apac")
    eve = desk.agent("Eve", "emea")
    # Monday 17:55 in Sydney (AEDT, UTC+11) is 06:55 UTC: APAC open, EMEA not yet.
    with clock.frozen(datetime(2026, 3, 2, 6, 55, tzinfo=UTC)):
        ticket = desk.ticket("Cannot log in", body="My login fails since this morning.")
        assert (ticket.team.slug, ticket.assignee) == ("apac", ava)
        due = sla.due_times_for([ticket])[ticket.pk]["first_response_due"]
        # EMEA calendar: the 120 business minutes start at 09:00 London (09:00 UTC).
        assert due == datetime(2026, 3, 2, 11, 0, tzinfo=UTC)

        clock.advance(timedelta(minutes=10))  # 18:05 Sydney: the APAC day is over
        assert sweeps.hand_off_closed_regions() == 1  # EMEA opens first (09:00 London)
        clock.advance(timedelta(hours=2))  # 09:05 London: nothing left to hand off
        assert sweeps.hand_off_closed_regions() == 0
        # The SLA clock did not run overnight: still due at 11:00 London.
        assert sla.due_times_for([ticket])[ticket.pk]["first_response_due"] == due

    ticket.refresh_from_db()
    assert (ticket.team.slug, ticket.assignee) == ("emea", eve)
    handoff = services.trace_for(ticket)[-1]
    assert handoff["kind"] == "handoff"
    assert any("EMEA (emea) takes it: every region is closed" in x for x in handoff["trace"])
    assert "Last customer message: My login fails since this morning." in handoff["summary"]
    assert "Next step: send the first response" in handoff["summary"]


def test_no_ticket_waits_in_a_closed_region_when_another_is_open(desk):
    desk.team("apac"), desk.team("emea")
    desk.model(MODEL)
    desk.agent("Eve", "emea")
    with clock.frozen(datetime(2026, 3, 2, 12, 0, tzinfo=UTC)):  # 23:00 Sydney, 12:00 London
        ticket = desk.ticket("Invoice copy")
    assert ticket.team.slug == "emea"
    assert any("APAC is closed" in line for line in services.trace_for(ticket)[0]["trace"])


def test_sla_pauses_overnight_and_over_a_holiday(desk):
    desk.team("apac"), desk.team("emea")
    desk.model(MODEL)
    # Monday 16:00 London: 60 business minutes left today, Tuesday is a holiday.
    with clock.frozen(datetime(2026, 3, 2, 16, 0, tzinfo=UTC)):
        ticket = desk.ticket("Late question")
    due = sla.due_times_for([ticket])[ticket.pk]["first_response_due"]
    assert due == datetime(2026, 3, 4, 10, 0, tzinfo=UTC)  # Wednesday 10:00 London


def test_the_handoff_brief_is_an_internal_note_the_customer_never_sees(desk, personas, api, client):
    desk.team("apac"), desk.team("emea")
    desk.model(MODEL)
    desk.agent("Ava", "apac")
    eve = desk.agent("Eve", "emea")
    with clock.frozen(datetime(2026, 3, 2, 6, 55, tzinfo=UTC)):  # 17:55 Sydney
        ticket = personas.ticket_for(
            personas.alice_user, subject="Cannot log in", body="My login fails since today."
        )
        clock.advance(timedelta(minutes=10))  # the APAC day is over
        assert sweeps.hand_off_closed_regions() == 1

    ticket.refresh_from_db()
    note = ticket.messages.get(internal=True)
    assert note.author_user.email == notes.ROUTING_EMAIL
    assert note.body_text == services.trace_for(ticket)[-1]["summary"]
    assert note.body_text.startswith("Handoff apac -> emea (end of day).")
    # Writing the note routed nothing again and answered nobody.
    assert [d["kind"] for d in services.trace_for(ticket)] == ["received", "handoff"]
    assert ticket.first_response_at is None and ticket.status == "new"

    as_eve = api(eve).get(f"/tickets/{ticket.pk}/messages").json()
    as_alice = api(personas.alice_user).get(f"/tickets/{ticket.pk}/messages").json()
    assert (as_eve[-1]["body"], as_eve[-1]["author"], as_eve[-1]["internal"]) == (
        note.body_text,
        "Routing",
        True,
    )
    assert [m["body"] for m in as_alice] == ["My login fails since today."]
    client.force_login(personas.alice_user)
    page = client.get(f"/portal/requests/{ticket.pk}/").content.decode()
    assert "My login fails since today." in page and "Handoff" not in page


def test_the_routing_agent_is_never_routed_to(desk):
    desk.team("apac"), desk.team("emea")
    desk.model(MODEL)
    # Even put in a team by mistake, the system author takes no tickets.
    accounts.add_to_team(notes.routing_agent(), desk.team("emea"))
    with clock.frozen(datetime(2026, 3, 2, 12, 0, tzinfo=UTC)):  # EMEA open
        world = snapshots.load_world(clock.now())
        ticket = desk.ticket("Invoice copy")
    assert notes.routing_agent().pk not in world.agents
    assert (ticket.team.slug, ticket.assignee) == ("emea", None)

"""The ticket page's "Apply and send now" path of the macro card: a form POST, htmx-enhanced, the
result on the timeline (the default "Fill in for review" is in tests/web/test_safe_actions.py)."""

from __future__ import annotations

import pytest

from helpmesh.accounts import services as accounts
from helpmesh.automation.models import Macro


@pytest.fixture
def duplicate(db):
    return Macro.objects.create(
        name="Close as duplicate",
        actions=[{"set_status": "solved"}, {"add_tags": ["duplicate"]}],
        reply="This is a duplicate of an earlier request, {{ requester.name }}.",
    )


def apply(client, ticket, macro, **headers):
    return client.post(
        f"/inbox/tickets/{ticket.pk}/macro/",
        {"macro": macro.pk, "then": "send"},
        headers=headers or None,
    )


def test_the_page_offers_the_active_macros(client, personas, duplicate):
    Macro.objects.create(name="Retired macro", is_active=False)
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    client.force_login(personas.anna)
    html = client.get(f"/inbox/tickets/{ticket.pk}/").content.decode()
    assert 'id="ticket-macros"' in html and "Close as duplicate" in html
    assert "Retired macro" not in html


def test_light_agents_get_no_macro_card(client, personas, duplicate):
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    client.force_login(personas.lisa)
    assert 'id="ticket-macros"' not in client.get(f"/inbox/tickets/{ticket.pk}/").content.decode()
    assert apply(client, ticket, duplicate).status_code == 200  # the page again, with the error
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_applying_a_macro_without_javascript_redirects_to_the_timeline(client, personas, duplicate):
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    client.force_login(personas.anna)
    response = apply(client, ticket, duplicate)
    assert response.status_code == 302 and response.url == f"/inbox/tickets/{ticket.pk}/"
    html = client.get(response.url).content.decode()
    assert "Applied “Close as duplicate”." in html
    assert "Anna applied the macro “Close as duplicate”" in html
    assert "Anna changed status from New to Solved" in html
    assert "This is a duplicate of an earlier request, Alice." in html


def test_an_htmx_apply_answers_the_timeline_and_refreshes_the_side_panel(
    client, personas, duplicate
):
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    client.force_login(personas.anna)
    response = apply(client, ticket, duplicate, HX_Request="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="conversation">')
    assert "Anna applied the macro “Close as duplicate”" in html
    assert 'id="ticket-properties" hx-swap-oob="true"' in html
    assert 'id="ticket-macros" hx-swap-oob="true"' in html
    assert "Applied “Close as duplicate”" in html


def test_another_teams_ticket_is_not_found(client, personas, duplicate):
    ticket = personas.ticket_for(personas.bob_user, team=personas.team_b)
    client.force_login(personas.anna)
    assert apply(client, ticket, duplicate).status_code == 404


def test_a_macro_that_cannot_apply_shows_why_on_the_card(client, personas):
    team = accounts.create_team("Escalations")
    broken = Macro.objects.create(name="Escalate", actions=[{"assign_team": team.slug}])
    team.delete()
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    client.force_login(personas.anna)
    response = apply(client, ticket, broken)
    assert response.status_code == 200
    assert "This macro cannot be applied: actions[0].assign_team: no team" in (
        response.content.decode()
    )
    ticket.refresh_from_db()
    assert ticket.team == personas.team_a


def test_a_macro_that_hands_the_ticket_to_another_team_leaves_the_agent_following(client, personas):
    handover = Macro.objects.create(name="To team B", actions=[{"assign_team": "team-b"}])
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    client.force_login(personas.anna)
    assert apply(client, ticket, handover).url == f"/inbox/tickets/{ticket.pk}/"
    ticket.refresh_from_db()
    assert ticket.team == personas.team_b
    assert personas.anna in ticket.collaborators.all()  # she handed it on: she follows it

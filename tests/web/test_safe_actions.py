"""Safe actions on the ticket page: escalating or reassigning keeps the agent following the
ticket, merge previews what moves before it merges, and a macro is reviewed before it is sent."""

from __future__ import annotations

import pytest

from helpmesh.automation.models import Macro
from helpmesh.conversations import services
from helpmesh.conversations.models import Message, Ticket
from helpmesh.conversations.services import TicketChanges
from helpmesh.routing import services as routing
from helpmesh.routing import snapshots, yaml_io

TIERS = """
models:
  - name: two tiers
    active: true
    layers:
      - kind: tiered
        settings: {levels: [team-a, team-b]}
"""


@pytest.fixture
def tiers(personas):
    snapshots.forget_model()
    yaml_io.apply_document(yaml_io.load(TIERS))
    for agent in (personas.anna, personas.ben):
        routing.set_presence(agent, "online")
    return personas


def test_an_agent_who_escalates_keeps_reading_the_ticket_as_a_follower(client, tiers):
    ticket = tiers.ticket_for(tiers.alice_user)
    client.force_login(tiers.anna)
    client.post(f"/inbox/tickets/{ticket.pk}/escalate/", {"note": "Needs a database fix"})
    ticket.refresh_from_db()
    assert (ticket.team, ticket.assignee) == (tiers.team_b, tiers.ben)
    assert tiers.anna in ticket.collaborators.all()
    page = client.get(f"/inbox/tickets/{ticket.pk}/")
    assert page.status_code == 200 and "Needs a database fix" in page.content.decode()


def test_an_agent_who_reassigns_to_another_team_keeps_following(client, personas):
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    client.force_login(personas.anna)
    response = client.post(
        f"/inbox/tickets/{ticket.pk}/update/",
        {
            "status": "new",
            "initial-status": "new",
            "priority": "normal",
            "initial-priority": "normal",
            "team": personas.team_b.pk,
            "initial-team": personas.team_a.pk,
            "assignee": personas.ben.pk,
            "initial-assignee": "",
            "tags": "",
            "initial-tags": "",
        },
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.team, ticket.assignee) == (personas.team_b, personas.ben)
    assert list(ticket.collaborators.all()) == [personas.anna]
    assert client.get(f"/inbox/tickets/{ticket.pk}/").status_code == 200


def test_handing_on_within_ones_own_team_adds_no_follower(personas):
    from helpmesh.accounts import services as accounts
    from helpmesh.accounts.models import Role

    ada = accounts.create_user("ada@example.com", "pw", name="Ada", role=Role.AGENT)
    accounts.add_to_team(ada, personas.team_a)
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    services.update_ticket(ticket, TicketChanges(assignee=personas.anna), actor=personas.anna)
    services.update_ticket(ticket, TicketChanges(assignee=ada), actor=personas.anna)
    assert not ticket.collaborators.exists()  # Anna still sees team A's tickets
    # Nor does an admin, who sees every ticket anyway.
    services.update_ticket(ticket, TicketChanges(team=personas.team_b), actor=personas.root)
    assert not ticket.collaborators.exists()


def test_merge_shows_what_will_move_and_merges_only_when_confirmed(client, personas):
    source = personas.ticket_for(personas.alice_user, team=personas.team_a, subject="Dup")
    target = personas.ticket_for(personas.alice_user, team=personas.team_a, subject="Original")
    services.add_message(
        source,
        services.NewMessage(
            "See the log", attachments=[services.files.NewAttachment("log.txt", b"x", "text/plain")]
        ),
        channel="web",
        author_user=personas.anna,
    )
    services.add_message(
        source,
        services.NewMessage("Same as #2"),
        channel="web",
        author_user=personas.anna,
        internal=True,
    )
    services.update_ticket(source, TicketChanges(add_tags=["printer"]), actor=personas.anna)
    client.force_login(personas.anna)

    preview = client.post(f"/inbox/tickets/{source.pk}/merge/", {"target": target.pk})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert f"Merge #{source.pk} into #{target.pk}" in html and "Original" in html
    assert "Moves 2 messages, 1 internal note and 1 attachment, and adds the tags printer." in html
    assert "This cannot be undone." in html and "Confirm merge" in html
    source.refresh_from_db()
    assert source.merged_into is None and Message.objects.filter(ticket=source).count() == 3

    done = client.post(
        f"/inbox/tickets/{source.pk}/merge/", {"target": target.pk, "confirm": "True"}
    )
    assert done.status_code == 302 and done.url == f"/inbox/tickets/{target.pk}/"
    source.refresh_from_db()
    assert source.merged_into == target and source.status == "closed"


@pytest.fixture
def solve_macro(db):
    return Macro.objects.create(
        name="Solve with thanks",
        actions=[{"set_status": "solved"}, {"add_tags": ["thanked"]}, {"notify": "team"}],
        reply="Thanks {{ requester.name }}, this is fixed now.",
    )


def test_a_macro_fills_the_reply_box_and_fields_for_review_and_sends_nothing(
    client, personas, solve_macro
):
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    client.force_login(personas.anna)
    response = client.post(f"/inbox/tickets/{ticket.pk}/macro/", {"macro": solve_macro.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thanks Alice, this is fixed now.</textarea>" in html  # in the reply box
    assert '<option value="solved" selected>' in html  # the side panel shows the macro's status
    assert 'name="tags" value="thanked"' in html
    assert 'name="initial-status" value="new"' in html  # saving sends only the macro's changes
    assert "nothing is sent or saved yet" in html and "send a notification" in html
    ticket.refresh_from_db()
    assert ticket.status == "new" and not ticket.tags.exists()
    assert ticket.messages.count() == 1  # nothing posted

    # The agent edits the draft and sends it, then saves the reviewed fields.
    client.post(
        f"/inbox/tickets/{ticket.pk}/reply/",
        {"mode": "public", "body": "Thanks Alice, fixed: clear the cache once more."},
    )
    client.post(
        f"/inbox/tickets/{ticket.pk}/update/",
        {
            "status": "solved",
            "initial-status": "open",
            "priority": "normal",
            "initial-priority": "normal",
            "team": personas.team_a.pk,
            "initial-team": personas.team_a.pk,
            "assignee": "",
            "initial-assignee": "",
            "tags": "thanked",
            "initial-tags": "",
        },
    )
    ticket.refresh_from_db()
    assert ticket.status == "solved" and [t.name for t in ticket.tags.all()] == ["thanked"]
    assert ticket.messages.last().body_text == "Thanks Alice, fixed: clear the cache once more."


def test_apply_and_send_is_an_explicit_choice(client, personas, solve_macro):
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    client.force_login(personas.anna)
    response = client.post(
        f"/inbox/tickets/{ticket.pk}/macro/", {"macro": solve_macro.pk, "then": "send"}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "solved"
    assert ticket.messages.last().body_text == "Thanks Alice, this is fixed now."


def test_a_broken_macro_is_refused_on_review_too(client, personas):
    broken = Macro.objects.create(name="Gone", actions=[{"assign_agent": "nobody@example.com"}])
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    client.force_login(personas.anna)
    response = client.post(f"/inbox/tickets/{ticket.pk}/macro/", {"macro": broken.pk})
    assert "This macro cannot be applied: actions[0].assign_agent" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).assignee is None


def test_system_authors_are_not_offered_as_assignees(client, personas):
    from helpmesh.automation.actions import automation_user
    from helpmesh.routing.notes import routing_agent

    routing_agent(), automation_user()
    ticket = personas.ticket_for(personas.alice_user, team=personas.team_a)
    client.force_login(personas.anna)
    page = client.get(f"/inbox/tickets/{ticket.pk}/")
    names = [u.email for u in page.context["edit"].fields["assignee"].queryset]
    assert "anna@example.com" in names
    assert not [n for n in names if n.endswith("@helpmesh.invalid")]

"""The inbox list: who sees which tickets, filters, search, sort, pages and bulk actions."""

from __future__ import annotations

import pytest

from helpmesh.conversations import services
from helpmesh.conversations.models import Ticket
from helpmesh.conversations.services import TicketChanges
from helpmesh.routing import yaml_io


def listed(client, **params) -> list[int]:
    """The ticket ids the inbox shows for ``params``, in order."""
    response = client.get("/inbox/", params)
    assert response.status_code == 200
    return [t.pk for t in response.context["page"].rows]


@pytest.fixture
def three(personas):
    """A ticket of team A, one of team B and one with no team yet."""
    return (
        personas.ticket_for(personas.alice_user, team=personas.team_a, subject="Team A printer"),
        personas.ticket_for(personas.bob_user, team=personas.team_b, subject="Team B invoice"),
        personas.ticket_for(personas.alice_user, subject="Shared queue question"),
    )


def test_anna_sees_team_a_and_teamless_tickets_but_not_team_b(client, personas, three):
    a, b, shared = three
    client.force_login(personas.anna)
    assert set(listed(client)) == {a.pk, shared.pk}
    assert b.pk not in listed(client, view="teams")
    assert set(listed(client, view="all")) == {a.pk, shared.pk}
    assert b"Team B invoice" not in client.get("/inbox/").content


def test_the_admin_sees_every_ticket(client, personas, three):
    client.force_login(personas.root)
    assert set(listed(client, view="all")) == {t.pk for t in three}


def test_views_mine_unassigned_and_teams(client, personas, three):
    a, _, shared = three
    services.update_ticket(a, TicketChanges(assignee=personas.anna), actor=personas.anna)
    client.force_login(personas.anna)
    assert listed(client, view="mine") == [a.pk]
    assert listed(client, view="unassigned") == [shared.pk]
    assert listed(client, view="teams") == [a.pk]
    counts = client.get("/inbox/").context["counts"]
    assert counts == {"mine": "1", "unassigned": "1", "teams": "1", "all": "2"}


def test_filters_narrow_the_list(client, personas, three):
    a, _, shared = three
    services.update_ticket(
        a, TicketChanges(status="open", priority="urgent", add_tags=["VIP"]), actor=personas.anna
    )
    client.force_login(personas.anna)
    assert listed(client, priority="urgent") == [a.pk]
    assert listed(client, tag="vip") == [a.pk]
    assert listed(client, team=personas.team_a.pk) == [a.pk]
    assert listed(client, status="new") == [shared.pk]
    assert listed(client, status="open") == [a.pk]
    assert listed(client, channel="email") == []


def test_sort_by_priority_puts_urgent_first(client, personas, three):
    a, _, shared = three
    services.update_ticket(a, TicketChanges(priority="urgent"), actor=personas.anna)
    services.update_ticket(shared, TicketChanges(priority="low"), actor=personas.anna)
    client.force_login(personas.anna)
    assert listed(client, sort="priority") == [a.pk, shared.pk]
    assert listed(client, sort="created") == [shared.pk, a.pk]


def test_search_finds_words_in_subject_and_messages(client, personas, three):
    a, b, _ = three
    client.force_login(personas.anna)
    assert listed(client, q="printer") == [a.pk]
    assert listed(client, q="invoice") == []  # team B's ticket stays hidden from a search too
    client.force_login(personas.root)
    assert listed(client, q="invoi") == [b.pk]


def test_htmx_search_returns_only_the_list(client, personas, three):
    client.force_login(personas.anna)
    response = client.get("/inbox/", {"q": "printer"}, headers={"HX-Request": "true"})
    assert b"<html" not in response.content
    assert b"Team A printer" in response.content


def test_pages_of_fifty_without_counting_everything(client, personas):
    for i in range(51):
        personas.ticket_for(personas.alice_user, subject=f"Ticket {i}")
    client.force_login(personas.anna)
    first = client.get("/inbox/").context["page"]
    assert len(first.rows) == 50 and first.has_next
    second = client.get("/inbox/", {"page": 2}).context["page"]
    assert len(second.rows) == 1 and not second.has_next


def test_bulk_assign_status_and_tag(client, personas, three):
    a, _, shared = three
    client.force_login(personas.anna)
    response = client.post(
        "/inbox/bulk/",
        {
            "ids": [a.pk, shared.pk],
            "assignee": personas.anna.pk,
            "status": "pending",
            "add_tag": "billing",
            "next": "/inbox/?view=mine",
        },
    )
    assert response.url == "/inbox/?view=mine"
    for ticket in Ticket.objects.filter(pk__in=[a.pk, shared.pk]):
        assert (ticket.assignee, ticket.status) == (personas.anna, "pending")
        assert [t.name for t in ticket.tags.all()] == ["billing"]
    page = client.get(response.url)
    assert "Updated 2 tickets." in page.content.decode()


def test_bulk_reports_refusals_and_skips_hidden_tickets(client, personas, three):
    a, b, _ = three
    client.force_login(personas.anna)
    response = client.post(
        "/inbox/bulk/", {"ids": [a.pk, b.pk], "assignee": personas.ben.pk}, follow=True
    )
    text = response.content.decode()
    assert f"#{a.pk}: ben@example.com is not in team Team A" in text
    assert Ticket.objects.get(pk=b.pk).assignee is None  # not visible to anna: never touched


def test_bulk_without_a_change_asks_for_one(client, personas, three):
    client.force_login(personas.anna)
    response = client.post("/inbox/bulk/", {"ids": [three[0].pk]}, follow=True)
    assert "Choose an assignee, a status or a tag" in response.content.decode()


def test_inbox_queries_do_not_grow_with_the_page(client, personas, django_assert_max_num_queries):
    # SLA clocks on every ticket: the SLA column loads them in one query for the whole page.
    yaml_io.apply_document({"sla_policies": [{"name": "All", "first_response_minutes": 60}]})
    client.force_login(personas.anna)

    def queries_for(n: int, **params) -> int:
        for i in range(n):
            ticket = personas.ticket_for(personas.alice_user, team=personas.team_a, subject=f"T{i}")
            services.update_ticket(
                ticket,
                TicketChanges(assignee=personas.anna, add_tags=["a", "b"]),
                actor=personas.anna,
            )
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = client.get("/inbox/", params)
            assert response.status_code == 200
        assert len(response.context["page"].slas) == len(response.context["page"].rows)
        return len(captured.captured_queries)

    ten = queries_for(10)
    sixty = queries_for(50)
    assert ten == sixty
    assert queries_for(0, sort="due") == ten
    with django_assert_max_num_queries(ten):
        client.get("/inbox/", {"sort": "priority", "tag": "a", "q": "T1"})

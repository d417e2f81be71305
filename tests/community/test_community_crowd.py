"""The crowd layer: a community question waits for the crowd inside its time box, then goes to
staff under the SLA clock that started with the question; solutions and staff answers flow both
ways between the topic and its ticket. Pure policy first, then stories on the injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from helpmesh.accounts import services as accounts
from helpmesh.accounts.models import Role
from helpmesh.community import crowd, services
from helpmesh.community.models import CrowdOffer, PendingNotice, Topic
from helpmesh.conversations import services as tickets
from helpmesh.conversations.models import Ticket
from helpmesh.core import clock
from helpmesh.routing import services as routing
from helpmesh.routing import sla, snapshots, validation, yaml_io
from helpmesh.routing.facts import AgentState, TeamState, TicketFacts, World
from helpmesh.routing.policies import decide
from helpmesh.routing.spec import LayerSpec, ModelSpec
from helpmesh.routing.validation import SpecError

ASKED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CROWD = LayerSpec("community", {"time_box_minutes": 120})
STAFF = LayerSpec("department", {"default_team": "support"})
MODEL = ModelSpec("crowd first", (CROWD, STAFF))

YAML = """
teams:
  - {team: support}
models:
  - name: crowd first
    active: true
    layers:
      - kind: community
        settings: {time_box_minutes: 120, offer_to: 2}
      - kind: department
        settings: {default_team: support}
sla_policies:
  - name: normal
    when: {priority: [low, normal, high, urgent]}
    first_response_minutes: 240
    resolution_minutes: 1440
"""


def world() -> World:
    agents = {7: AgentState(7, "Sue", frozenset({"support"}), presence="online")}
    return World({"support": TeamState(1, "support", agent_ids=(7,))}, agents)


def facts(state: str, channel: str = "community", **fields) -> TicketFacts:
    return TicketFacts(
        1, channel, created_at=ASKED, community=state, community_since=ASKED, fields=fields
    )


# -- the pure policy -------------------------------------------------------------------------


def test_inside_the_time_box_the_crowd_holds_the_question_and_names_its_experts():
    decision = decide(
        MODEL,
        facts("open", community_offered="Bob (3 accepted answers)"),
        world(),
        ASKED + timedelta(minutes=119),
    )

    assert decision.held_by == "community"
    assert decision.team is None and decision.assignee_id is None
    assert decision.trace[1] == (
        "community: the crowd has it until 2026-03-02 11:00 UTC (time box 120 min); "
        "offered to Bob (3 accepted answers)"
    )


def test_when_the_time_box_ends_unsolved_the_staff_layers_take_it():
    decision = decide(MODEL, facts("open"), world(), ASKED + timedelta(minutes=120))

    assert decision.held_by is None
    assert decision.team == "support" and decision.assignee_id == 7
    assert decision.trace[1].startswith("community: not solved by the crowd when its time box")


def test_a_solved_question_stays_with_the_crowd_and_an_escalated_one_goes_to_staff():
    assert decide(MODEL, facts("solved"), world(), ASKED + timedelta(days=3)).held_by
    escalated = decide(MODEL, facts("escalated"), world(), ASKED + timedelta(minutes=5))
    assert escalated.held_by is None and escalated.team == "support"


def test_tickets_that_never_went_to_the_crowd_skip_the_layer():
    decision = decide(MODEL, facts("", channel="email"), world(), ASKED)
    assert decision.team == "support"
    assert decision.trace[1] == "community: email questions do not go to the crowd; skipped"


def test_the_layer_needs_a_whole_positive_time_box():
    layer = {"kind": "community", "settings": {"time_box_minutes": 0}}
    with pytest.raises(SpecError, match=r"layers\[0\].settings.time_box_minutes"):
        validation.check_document({"models": [{"name": "m", "layers": [layer]}]})
    missing = {"kind": "community", "settings": {}}
    with pytest.raises(SpecError, match="time_box_minutes"):
        validation.check_document({"models": [{"name": "m", "layers": [missing]}]})


# -- the live path ---------------------------------------------------------------------------


@pytest.fixture
def crowd_desk(db, personas, settings):
    settings.HELPMESH_COMMUNITY_APPROVE_FIRST = 0  # these stories are not about moderation
    snapshots.forget_model()
    support = accounts.create_team("support")
    yaml_io.apply_document(yaml_io.load(YAML))
    sue = accounts.create_user("sue@example.com", "pw", name="Sue", role=Role.AGENT)
    accounts.add_to_team(sue, support)
    routing.set_presence(sue, "online")
    services.create_category("Questions", is_default=True)
    yield sue
    snapshots.forget_model()


def ask(user, title="Refund for a double charge", tags=("billing",)) -> Topic:
    topic = services.ask(user, title=title, body=f"{title}: what should I do?", tags=list(tags))
    topic.refresh_from_db()
    return topic


def test_a_question_becomes_a_held_ticket_dated_at_the_question(crowd_desk, personas):
    with clock.frozen(ASKED):
        topic = ask(personas.alice_user)

    ticket = Ticket.objects.get(pk=topic.ticket_id)
    assert ticket.channel == "community" and ticket.created_at == ASKED
    assert ticket.team_id is None and ticket.assignee_id is None
    assert ticket.custom_fields["community"] == "open"
    trace = routing.trace_for(ticket)[-1]["trace"]
    assert any(line.startswith("community: the crowd has it until") for line in trace)
    due = sla.due_times_for([ticket])[ticket.pk]
    assert due["first_response_due"] == ASKED + timedelta(minutes=240)


def test_unsolved_when_the_time_box_ends_it_escalates_with_the_same_sla_due(crowd_desk, personas):
    with clock.frozen(ASKED):
        topic = ask(personas.alice_user)
    ticket = Ticket.objects.get(pk=topic.ticket_id)
    due_before = sla.due_times_for([ticket])[ticket.pk]["first_response_due"]
    with clock.frozen(ASKED + timedelta(minutes=30)):
        services.reply(topic, personas.bob_user, "Maybe try again tomorrow?")
        assert crowd.escalate_due() == 0  # still the crowd's turn
    with clock.frozen(ASKED + timedelta(minutes=121)):
        assert crowd.escalate_due() == 1
        assert crowd.escalate_due() == 0  # claimed once

    ticket.refresh_from_db()
    topic.refresh_from_db()
    assert ticket.team.slug == "support" and ticket.assignee == crowd_desk
    assert ticket.custom_fields["community"] == "escalated"
    assert topic.escalated_at == ASKED + timedelta(minutes=121)
    assert sla.due_times_for([ticket])[ticket.pk]["first_response_due"] == due_before
    decisions = routing.trace_for(ticket)
    assert [d["kind"] for d in decisions] == ["received", "escalate"]
    assert "the crowd has it until" in " ".join(decisions[0]["trace"])
    assert "not solved by the crowd" in " ".join(decisions[1]["trace"])
    assert "From the community" in decisions[1]["summary"]


def test_a_staff_answer_on_the_ticket_is_posted_back_and_accepting_it_solves_the_ticket(
    crowd_desk, personas
):
    with clock.frozen(ASKED):
        topic = ask(personas.alice_user)
    with clock.frozen(ASKED + timedelta(minutes=121)):
        crowd.escalate_due()
    ticket = Ticket.objects.get(pk=topic.ticket_id)
    with clock.frozen(ASKED + timedelta(minutes=130)):
        tickets.add_message(
            ticket,
            tickets.NewMessage("We refunded the second charge today."),
            channel="community",
            author_user=crowd_desk,
        )
    answer = topic.posts.get(is_question=False)
    assert answer.is_official and answer.author == crowd_desk
    assert answer.body == "We refunded the second charge today."

    services.accept(topic, answer, personas.alice_user)

    ticket.refresh_from_db()
    assert ticket.status == "solved"
    assert ticket.custom_fields["community"] == "solved"
    assert ticket.custom_fields["community_solved_by"] == "staff"


def test_a_member_solution_inside_the_time_box_solves_the_ticket_without_staff(
    crowd_desk, personas
):
    with clock.frozen(ASKED):
        topic = ask(personas.alice_user)
    with clock.frozen(ASKED + timedelta(minutes=20)):
        answer = services.reply(topic, personas.bob_user, "Open Billing, then Refund.")
        services.accept(topic, answer, personas.alice_user)
    with clock.frozen(ASKED + timedelta(minutes=200)):
        assert crowd.escalate_due() == 0

    ticket = Ticket.objects.get(pk=topic.ticket_id)
    assert ticket.status == "solved" and ticket.team_id is None
    assert ticket.custom_fields["community_solved_by"] == "member"


def test_the_askers_follow_up_on_the_topic_reaches_the_ticket(crowd_desk, personas):
    with clock.frozen(ASKED):
        topic = ask(personas.alice_user)
    with clock.frozen(ASKED + timedelta(minutes=5)):
        services.reply(topic, personas.alice_user, "I forgot: it was card ending 4242.")
    ticket = Ticket.objects.get(pk=topic.ticket_id)
    bodies = list(ticket.messages.values_list("body_text", flat=True))
    assert bodies[-1] == "I forgot: it was card ending 4242."


def test_experts_with_accepted_answers_on_the_tags_are_offered_the_question(crowd_desk, personas):
    with clock.frozen(ASKED - timedelta(days=10)):
        earlier = ask(personas.alice_user, "Charged twice in May")
        answer = services.reply(earlier, personas.bob_user, "Ask for a refund in Billing.")
        services.accept(earlier, answer, personas.alice_user)
    carol = accounts.create_user("carol@example.com", "pw", name="Carol", role=Role.CUSTOMER)
    with clock.frozen(ASKED):
        topic = ask(carol, "Double charge on my card")

    offers = list(CrowdOffer.objects.filter(topic=topic).values_list("member__name", "reason"))
    assert offers == [("Bob", "1 accepted answer on billing")]
    notice = PendingNotice.objects.get(user=personas.bob_user, post__topic=topic)
    assert notice.reason == "offered"
    ticket = Ticket.objects.get(pk=topic.ticket_id)
    trace = " ".join(routing.trace_for(ticket)[-1]["trace"])
    assert "offered to Bob (1 accepted answer on billing)" in trace


def test_without_a_community_layer_a_question_stays_in_the_forum(db, personas, settings):
    settings.HELPMESH_COMMUNITY_APPROVE_FIRST = 0
    snapshots.forget_model()
    services.create_category("Questions", is_default=True)
    topic = ask(personas.alice_user)
    assert topic.ticket_id is None
    assert not Ticket.objects.filter(channel="community").exists()


# -- the API ---------------------------------------------------------------------------------


def test_crowd_metrics_count_who_solved_what_for_staff_only(crowd_desk, personas, api):
    with clock.frozen(ASKED):
        by_member = ask(personas.alice_user, "Refund for a double charge")
        ask(personas.alice_user, "Invoice address is wrong", tags=())
    with clock.frozen(ASKED + timedelta(minutes=30)):
        answer = services.reply(by_member, personas.bob_user, "Billing, then Refund.")
        services.accept(by_member, answer, personas.alice_user)
    with clock.frozen(ASKED + timedelta(minutes=121)):
        crowd.escalate_due()

    with clock.frozen(ASKED + timedelta(days=1)):
        figures = api(crowd_desk).get("/community/metrics?days=7").json()
        assert api(personas.alice_user).get("/community/metrics").status_code == 403
    assert figures["questions"] == 2 and figures["answered"] == 1
    assert figures["answer_rate"] == 0.5
    assert figures["solved_by_members"] == 1 and figures["solved_by_staff"] == 0
    assert figures["escalated"] == 1
    assert figures["median_minutes_to_first_answer"] == 30.0
    assert figures["top_contributors"][0]["name"] == "Bob"
    assert figures["top_contributors"][0]["accepted"] == 1


def test_a_topic_made_private_becomes_a_staff_ticket_with_the_thread(crowd_desk, personas, api):
    with clock.frozen(ASKED):
        topic = ask(personas.alice_user, "My card number is in this question")
        services.reply(topic, personas.bob_user, "Please remove it, this is public!")
    assert (
        api(personas.bob_user).post(f"/community/topics/{topic.pk}/make-private").status_code == 403
    )

    response = api(crowd_desk).post(f"/community/topics/{topic.pk}/make-private")

    assert response.status_code == 201
    ticket = Ticket.objects.get(pk=response.json()["id"])
    topic.refresh_from_db()
    assert topic.ticket_id == ticket.pk and topic.visibility == "removed"
    assert ticket.team.slug == "support"  # staff have it now, the crowd's turn is over
    assert api(None).get(f"/community/topics/{topic.pk}").status_code in (403, 404)


def test_a_solved_ticket_is_published_as_a_solved_topic_only_with_consent(
    crowd_desk, personas, api
):
    ticket = personas.ticket_for(
        personas.alice_user,
        subject="Export to CSV fails",
        body="Hi, I am Alice (alice@example.com, +49 170 1234567): CSV export fails.",
    )
    tickets.add_message(
        ticket,
        tickets.NewMessage("Hi Alice, turn off the 'compact' option, then export again."),
        channel="web",
        author_user=crowd_desk,
    )
    tickets.update_ticket(ticket, tickets.TicketChanges(status="solved"), actor=crowd_desk)
    refused = api(crowd_desk).post(f"/community/tickets/{ticket.pk}/publish", {})
    assert refused.status_code == 400 and refused.json()["field"] == "consent"

    response = api(crowd_desk).post(f"/community/tickets/{ticket.pk}/publish", {"consent": True})

    assert response.status_code == 201
    topic = Topic.objects.get(pk=response.json()["id"])
    question = topic.posts.get(is_question=True).body
    assert "alice@example.com" not in question and "1234567" not in question
    assert "Alice" not in question and "[name]" in question
    assert topic.status == "solved" and topic.accepted_post.body.startswith("Hi [name], turn off")
    assert topic.ticket_id is None  # the ticket stays private; the topic stands alone

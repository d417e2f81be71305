"""The demo seeds a realistic desk once, through the real services."""

from django.contrib.auth import authenticate

from helpmesh.conversations.models import Message, Status, Ticket
from helpmesh.core import clock
from helpmesh.core.audit import ChainProblem, verify_chain
from helpmesh.demo import runner, seed
from helpmesh.routing.models import RoutingDecision, SupportModel, TicketSla


def test_seed_creates_the_documented_logins_and_a_lived_in_desk(db):
    counts = seed.seed(tickets=60, customer_count=30)
    assert counts["tickets"] == 60 and counts["customers"] == 30
    for email, role in runner.LOGINS:
        user = authenticate(email=email, password="demo")
        assert user is not None and user.role == role, email
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert {Status.NEW, Status.SOLVED} <= statuses
    assert Message.objects.filter(internal=True).exists()
    assert Ticket.objects.exclude(first_response_at=None).exists()
    assert not [p for p in verify_chain() if isinstance(p, ChainProblem)]


def test_demo_tickets_are_routed_and_carry_sla_clocks_from_their_own_time(db):
    seed.seed(tickets=60, customer_count=30, days=14)  # all within the routed window
    assert SupportModel.objects.get(is_active=True).name == "demo-departments"
    received = RoutingDecision.objects.filter(kind="received").select_related("ticket")
    assert received.count() == Ticket.objects.count() == 60
    for decision in received:
        # Routed when the ticket came in (backdated), by a department rule, to a real agent.
        assert decision.created_at == decision.ticket.created_at
        assert decision.rule.startswith(("department/", "tiered/"))
        assert decision.assignee_id is not None and decision.trace
    assert {d.ticket.team.slug for d in received} >= {"billing", "shipping", "accounts"}

    slas = TicketSla.objects.select_related("ticket", "policy")
    assert slas.count() == 60
    assert {s.policy.name for s in slas} >= {"Normal", "High"}
    for sla in slas.exclude(first_response_due=None):
        assert sla.policy.name.lower() == sla.ticket.priority
        assert sla.first_response_due > sla.ticket.created_at  # due from its own time
    answered = slas.exclude(ticket__first_response_at=None)
    assert answered and all("first_response" in s.state.get("met", []) for s in answered)


def test_seeding_again_keeps_the_data(db):
    runner.seed_if_empty(tickets=20)
    before = Ticket.objects.count()
    runner.seed_if_empty(tickets=20)
    assert Ticket.objects.count() == before == 20


def test_older_history_is_filed_straight_into_teams(db):
    seed.seed(tickets=40, customer_count=20, days=90)
    routed = set(
        RoutingDecision.objects.filter(kind="received").values_list("ticket_id", flat=True)
    )
    old = Ticket.objects.exclude(pk__in=routed)
    assert old.exists() and routed  # both kinds exist over 90 days
    assert not old.filter(team=None).exists()
    assert all(t.created_at < clock.now() - seed.ROUTED_HISTORY for t in old)

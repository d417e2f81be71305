"""The demo seeds a realistic desk once, through the real services."""

from django.contrib.auth import authenticate

from helpmesh.conversations.models import Message, Status, Ticket
from helpmesh.core.audit import ChainProblem, verify_chain
from helpmesh.demo import runner, seed


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


def test_seeding_again_keeps_the_data(db):
    runner.seed_if_empty(tickets=20)
    before = Ticket.objects.count()
    runner.seed_if_empty(tickets=20)
    assert Ticket.objects.count() == before == 20

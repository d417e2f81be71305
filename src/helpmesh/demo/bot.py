"""The demo's answer-bot history: conversations spread over the demo's days, each played
through ``bot.services`` (real searches against the demo help center, real hand-off tickets).

The plan cycles through the outcomes a desk sees: answered and confirmed, answered but not
solved, asked for a person, a never-automate topic, nothing good enough to answer. Whether
the bot answers is the bot's own decision; the plan only says what the customer asks and says.
A handed-off ticket older than two days was answered and solved by the agent routing chose.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from helpmesh.bot import services as bot
from helpmesh.conversations import services as tickets
from helpmesh.conversations.models import Status, Ticket
from helpmesh.core import clock
from helpmesh.customers.models import Customer

# (what the customer does after an answer: "yes", "no" or "" (leaves), question)
PLAN: list[tuple[str, str]] = [
    ("yes", "How do I download my invoices and receipts?"),
    ("no", "My package arrived damaged, what can I do?"),
    ("", "Can I talk to someone please?"),
    ("yes", "Which payment methods do you accept?"),
    ("", "I want to file a chargeback for last month's payment"),
    ("yes", "How do I return an item?"),
    ("no", "Two-factor codes are not arriving on my phone"),
    ("", "The barcode scanner in our warehouse beeps twice"),
    ("yes", "How can I change the delivery address of my order?"),
    ("", "What are the API rate limits?"),
    ("yes", "How do I add my VAT number to an invoice?"),
    ("", "agent please"),
    ("no", "I was charged twice for my subscription"),
    ("yes", "How do I cancel my subscription?"),
    ("", "Our lawyer needs the legal terms for a billing dispute"),
    ("yes", "How do I rotate an API key?"),
]
CHANNELS = ["portal", "chat", "web"]
STAFF_ANSWER = (
    "Thanks for the details, and for trying the help center first. I've looked at your account "
    "and sorted it out on our side; let me know if anything still looks wrong."
)


def seed(start: datetime, days: int, people: list[Customer], *, count: int) -> int:
    """Play ``count`` conversations evenly over ``days`` from ``start``; returns how many."""
    rng = random.Random(7)  # its own stream: the ticket history does not shift with it
    step = timedelta(days=days) / max(count, 1)
    for index in range(count):
        after, question = PLAN[index % len(PLAN)]
        at = start + step * index + timedelta(minutes=rng.randint(0, 600))
        _conversation(rng, at, question, after, rng.choice(people))
    return count


def _conversation(
    rng: random.Random, at: datetime, question: str, after: str, customer: Customer
) -> None:
    user = customer.user if customer.user_id else None
    email = "" if user else customer.primary_address()
    with clock.frozen(at):
        reply = bot.ask(question, user=user, channel=rng.choice(CHANNELS), email=email)
    if not reply.handoff and after:
        with clock.frozen(at + timedelta(minutes=rng.randint(1, 4))):
            reply = bot.feedback(reply.conversation, solved=after == "yes")
    if reply.ticket is not None:
        _staff_answer(reply.ticket, at + timedelta(minutes=rng.randint(20, 240)))


def _staff_answer(ticket: Ticket, at: datetime) -> None:
    ticket.refresh_from_db()
    agent = ticket.assignee
    if agent is None or at > clock.now() - timedelta(days=2):
        return  # recent or unassigned: it waits in the inbox like any new ticket
    with clock.frozen(at):
        tickets.add_message(
            ticket, tickets.NewMessage(STAFF_ANSWER), channel=ticket.channel, author_user=agent
        )
        tickets.update_ticket(ticket, tickets.TicketChanges(status=Status.SOLVED), actor=agent)

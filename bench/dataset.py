"""Fill a fresh helpmesh database with realistic tickets, fast, for the read benchmarks.

People who sign in (admin, agents, the benchmark customer) and teams are made through the real
services. The volume (customers, identities, tickets, messages) is bulk-inserted: the services
would take hours for 100k tickets because each write appends to the audit chain. Bulk rows skip
the audit chain, so ``helpmesh audit verify`` is meaningless on a benchmark database.

``search_text`` is filled exactly as ``conversations.search.document``/``appended`` would; the
full-text index follows by itself (SQLite triggers, PostgreSQL generated column).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

PASSWORD = "bench-password-1"
TEAMS = ["Billing", "Technical", "Accounts", "Shipping"]
BATCH = 2000
TICKETS_PER_CUSTOMER = 5

# Topics: (weight, subject templates, sentences). Weights are uneven, as in a real queue, so
# search words range from rare (a few hundred tickets in 100k) to common (a tenth of them).
TOPICS: list[tuple[int, list[str], list[str]]] = [
    (
        14,
        ["Refund for order {n}", "Charged twice for invoice {n}", "Invoice {n} is wrong"],
        [
            "I was charged twice this month and would like a refund.",
            "The invoice shows the wrong VAT number for our company.",
            "Can you send a corrected invoice with our billing address?",
            "The refund has not reached my credit card yet.",
        ],
    ),
    (
        12,
        ["Cannot log in", "Password reset email never arrives", "Locked out of my account"],
        [
            "The password reset link says it has expired.",
            "I never receive the reset email, not even in spam.",
            "After three attempts my account was locked.",
            "Two-factor codes from the authenticator app are rejected.",
        ],
    ),
    (
        10,
        ["Order {n} has not arrived", "Tracking number for order {n}", "Parcel damaged"],
        [
            "The tracking page has not changed for five days.",
            "The courier left the parcel at the wrong address.",
            "The box arrived crushed and the screen is cracked.",
            "Could you ship a replacement by express delivery?",
        ],
    ),
    (
        9,
        ["Export to CSV fails", "Report export times out", "Excel export has broken accents"],
        [
            "The CSV export stops at ten thousand rows.",
            "Exporting the monthly report ends with a timeout error.",
            "Accented names are garbled when I open the export in Excel.",
            "The scheduled export email contains an empty attachment.",
        ],
    ),
    (
        8,
        ["Android app crashes on start", "iPhone app freezes", "Mobile notifications missing"],
        [
            "The Android app crashes right after the splash screen.",
            "Since the last update the iPhone app freezes on the dashboard.",
            "Push notifications stopped working on my phone.",
            "Reinstalling the mobile app did not help.",
        ],
    ),
    (
        7,
        ["Webhook deliveries failing", "API returns 500", "Rate limit too low for our integration"],
        [
            "Our webhook endpoint receives duplicate deliveries.",
            "The API returns an internal server error for large payloads.",
            "We hit the rate limit during the nightly synchronization.",
            "The API token stopped working after the key rotation.",
        ],
    ),
    (
        6,
        ["Upgrade our subscription", "Cancel subscription", "Change plan to annual billing"],
        [
            "We would like to upgrade to the business plan.",
            "Please cancel the subscription at the end of the term.",
            "Can we switch from monthly to annual billing?",
            "How many seats does the enterprise plan include?",
        ],
    ),
    (
        5,
        ["SSO login with Okta fails", "SAML assertion rejected", "Azure AD single sign-on"],
        [
            "The SAML assertion is rejected with an invalid audience.",
            "Users provisioned through Okta cannot sign in.",
            "Single sign-on with Azure AD loops back to the login page.",
            "Please enable SSO enforcement for our domain.",
        ],
    ),
    (
        4,
        ["Printer driver not found", "Label printer prints blank pages", "Barcode scanner offline"],
        [
            "The label printer prints blank pages since the firmware update.",
            "The printer driver is missing on Windows eleven.",
            "The barcode scanner disconnects every few minutes.",
            "Thermal labels come out shifted to the left.",
        ],
    ),
    (
        3,
        ["GDPR data request", "Delete my personal data", "Data processing agreement"],
        [
            "Under GDPR I request a copy of all personal data you hold.",
            "Please delete my account and all associated personal data.",
            "Our legal team needs a signed data processing agreement.",
            "Where is customer data stored and who are the subprocessors?",
        ],
    ),
    (
        2,
        ["Calendar sync duplicates events", "Outlook plugin missing", "Zapier trigger broken"],
        [
            "The calendar sync creates duplicate events every hour.",
            "The Outlook plugin disappeared from the ribbon.",
            "The Zapier trigger no longer fires for new records.",
            "Google Calendar shows events in the wrong timezone.",
        ],
    ),
]
GENERIC = [
    "Thanks in advance for your help.",
    "This is urgent for our team.",
    "I attached a screenshot of the error.",
    "We are on the latest version.",
    "It worked fine until last week.",
    "Please advise on next steps.",
    "Our account manager suggested I contact support.",
    "Kind regards.",
]
AGENT_REPLIES = [
    "Thanks for reaching out, I am looking into this now.",
    "Could you send us the exact error message and the time it happened?",
    "I have escalated this to our engineering team.",
    "This should be fixed now, please let us know if it happens again.",
]
FIRST_NAMES = [
    "Ada",
    "Bruno",
    "Chloe",
    "Dmitri",
    "Elena",
    "Farid",
    "Greta",
    "Hiro",
    "Ines",
    "Jonas",
    "Kemal",
    "Lucia",
    "Mateo",
    "Nadia",
    "Oskar",
    "Priya",
    "Quentin",
    "Rosa",
]
LAST_NAMES = [
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Tanaka",
    "Silva",
    "Novak",
    "Haddad",
    "Kowalski",
    "Fischer",
    "Rossi",
    "Nguyen",
    "Murphy",
    "Costa",
    "Berg",
    "Iyer",
    "Duarte",
]
# Query strings for the search scenario: single words and two-word queries, rare to common.
SEARCH_WORDS = [
    "refund",
    "invoice",
    "password",
    "tracking",
    "export",
    "android",
    "webhook",
    "subscription",
    "saml",
    "printer",
    "gdpr",
    "calendar",
    "timeout",
    "crash",
    "refund card",
    "export csv",
    "okta",
    "urgent",
    "parcel",
    "zapier",
]


@dataclass
class Actors:
    """The accounts the benchmark signs in as, and the team layout."""

    admin_email: str
    agent_email: str
    customer_email: str
    agent_team_id: int
    team_ids: list[int]
    agent_ids: dict[int, int]  # team id -> an agent of that team (for assignments)


def create_actors() -> Actors:
    """Admin, agents (one per team) and a customer, through the real account services."""
    from helpmesh.accounts import services as accounts
    from helpmesh.accounts.models import Role
    from helpmesh.customers import services as customers

    teams = [accounts.create_team(name) for name in TEAMS]
    accounts.create_user("admin@bench.test", PASSWORD, name="Bench Admin", role=Role.ADMIN)
    agent_ids = {}
    for index, team in enumerate(teams):
        email = "agent@bench.test" if index == 0 else f"agent{index}@bench.test"
        agent = accounts.create_user(
            email, PASSWORD if index == 0 else None, name=f"Agent {index}", role=Role.AGENT
        )
        accounts.add_to_team(agent, team)
        agent_ids[team.pk] = agent.pk
    customer_user = accounts.create_user(
        "customer@bench.test", PASSWORD, name="Bench Customer", role=Role.CUSTOMER
    )
    customers.customer_for_user(customer_user)
    return Actors(
        "admin@bench.test",
        "agent@bench.test",
        "customer@bench.test",
        teams[0].pk,
        [t.pk for t in teams],
        agent_ids,
    )


def _ticket_text(rng: random.Random) -> tuple[str, list[str]]:
    """A subject and the customer's first message, built from a topic's phrases."""
    weights = [t[0] for t in TOPICS]
    _, subjects, sentences = rng.choices(TOPICS, weights=weights)[0]
    subject = rng.choice(subjects).format(n=rng.randint(100000, 999999))
    body = rng.sample(sentences, rng.randint(1, 3)) + rng.sample(GENERIC, rng.randint(1, 2))
    return subject, body


def _bulk_customers(rng: random.Random, count: int, now: datetime) -> list[int]:
    """``count`` customers with one email identity each; returns their ids."""
    from helpmesh.customers.models import Customer, CustomerIdentity

    ids: list[int] = []
    for start in range(0, count, BATCH):
        rows = []
        for _ in range(start, min(count, start + BATCH)):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            rows.append(Customer(name=name, created_at=now, updated_at=now))
        created = Customer.objects.bulk_create(rows, batch_size=BATCH)
        CustomerIdentity.objects.bulk_create(
            [
                CustomerIdentity(
                    customer=c, kind="email", value=f"c{start + i}@example.org", is_primary=True
                )
                for i, c in enumerate(created)
            ],
            batch_size=BATCH,
        )
        ids.extend(c.pk for c in created)
    return ids


def _ticket_row(rng: random.Random, actors: Actors, customer_id: int, now: datetime):
    """One unsaved Ticket and the (author kind, text, at) of its messages."""
    from helpmesh.conversations import search
    from helpmesh.conversations.models import Ticket

    created = now - timedelta(seconds=rng.randint(3600, 365 * 86400))
    subject, sentences = _ticket_text(rng)
    first = " ".join(sentences)
    messages = [("customer", first, created)]
    at = created
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        at = at + timedelta(minutes=rng.randint(5, 600))
        messages.append(("agent", rng.choice(AGENT_REPLIES), at))
    team_id = None if rng.random() < 0.1 else rng.choice(actors.team_ids)
    assignee_id = actors.agent_ids[team_id] if team_id and rng.random() < 0.5 else None
    text = search.document(subject, first)
    for _, body, _ in messages[1:]:
        text = search.appended(text, body)
    ticket = Ticket(
        subject=subject,
        channel=rng.choice(["email", "web", "api", "chat"]),
        status=rng.choice(["new", "open", "pending", "solved", "closed", "closed"]),
        priority=rng.choice(["low", "normal", "normal", "high", "urgent"]),
        requester_id=customer_id,
        team_id=team_id,
        assignee_id=assignee_id,
        created_at=created,
        updated_at=at,
        status_changed_at=at,
        last_customer_message_at=created,
        message_count=len(messages),
        search_text=text,
    )
    return ticket, messages


def _insert_batch(rows: list) -> int:
    """Insert a batch of (ticket, messages) pairs; returns the number of messages."""
    from helpmesh.conversations.models import Message, Ticket
    from helpmesh.conversations.sanitize import text_to_html

    tickets = Ticket.objects.bulk_create([t for t, _ in rows], batch_size=BATCH)
    messages = [
        Message(
            ticket_id=ticket.pk,
            channel=ticket.channel,
            body_text=body,
            body_html=text_to_html(body),
            created_at=at,
            author_customer_id=ticket.requester_id if kind == "customer" else None,
            author_user_id=ticket.assignee_id if kind == "agent" else None,
        )
        for ticket, (_, thread) in zip(tickets, rows, strict=True)
        for kind, body, at in thread
    ]
    Message.objects.bulk_create(messages, batch_size=BATCH)
    return len(messages)


def fill(actors: Actors, tickets: int, *, seed: int = 42, progress=None) -> dict[str, int]:
    """Insert ``tickets`` tickets with 1-3 messages each; returns row counts."""
    from django.db import transaction

    rng = random.Random(seed)
    now = datetime.now(UTC)
    customer_ids = _bulk_customers(rng, max(1, tickets // TICKETS_PER_CUSTOMER), now)
    message_count = 0
    for start in range(0, tickets, BATCH):
        size = min(BATCH, tickets - start)
        rows = [_ticket_row(rng, actors, rng.choice(customer_ids), now) for _ in range(size)]
        with transaction.atomic():
            message_count += _insert_batch(rows)
        if progress:
            progress(start + size)
    return {"customers": len(customer_ids), "tickets": tickets, "messages": message_count}


def analyze() -> None:
    """Refresh the planner's statistics, as autovacuum would on a live PostgreSQL."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

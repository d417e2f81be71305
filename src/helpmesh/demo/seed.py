"""Seed a realistic support desk through the real services (so the audit chain is real too).

The demo's support model and SLA policies (``demo.support_model``) are applied before the first
ticket, and tickets come in through the intake pipeline in the order they were opened, so each is
routed and gets SLA clocks at its own (backdated) time, as it would have live.

Demo logins (password ``demo``): admin@example.com, agent@example.com, alice@example.com,
bob@example.com.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache

from django.contrib.auth.hashers import make_password
from django.db.models import prefetch_related_objects

from helpmesh.accounts import services as accounts
from helpmesh.accounts.models import Role, Team, User
from helpmesh.conversations import pipeline, services
from helpmesh.conversations.models import Channel, Priority, Status, Ticket
from helpmesh.core import audit, clock
from helpmesh.customers import services as customers
from helpmesh.customers.models import Customer, IdentityKind
from helpmesh.demo import bot, catalog, community, knowledge, support_model
from helpmesh.routing import services as routing
from helpmesh.routing import sla

PASSWORD = "demo"  # noqa: S105 - the documented demo password
# Tickets opened within this window arrive through the pipeline and the live support model
# (routing trace, SLA clocks); older ones are filed directly into their team, and start their SLA
# clocks there and then, as every ticket does on arrival.
ROUTED_HISTORY = timedelta(days=21)


@cache
def _hash() -> str:
    # Every demo login shares one password: hash it once (argon2 costs ~0.2 s a time).
    return make_password(PASSWORD)


CHANNEL_MIX = [
    (Channel.EMAIL, 45),
    (Channel.WEB, 30),
    (Channel.CHAT, 12),
    (Channel.API, 5),
    (Channel.PHONE, 5),
    (Channel.SOCIAL, 3),
]
CAPACITY = 40  # open tickets per channel an agent takes before routing passes them by
ESCALATE_SHARE = 0.3  # of Technical Support bug reports an agent hands to Engineering


def is_seeded() -> bool:
    return User.objects.filter(email="admin@example.com").exists()


def seed(
    *,
    tickets: int = 2000,
    customer_count: int = 200,
    days: int = 90,
    progress: Callable[[int], None] | None = None,
    rng_seed: int = 42,
) -> dict[str, int]:
    """Create teams, agents, customers, the support model and ``tickets`` tickets over ``days``."""
    rng = random.Random(rng_seed)
    start = clock.now() - timedelta(days=days)
    with clock.frozen(start - timedelta(days=1)), audit.unit():
        teams = _teams()
        agents = _agents(teams)
        people = _customers(rng, customer_count)
        support_model.apply()  # before any ticket: every ticket is routed and gets SLA clocks
        knowledge.seed()  # the help center: categories and articles, published and indexed
        community.seed(until=start + timedelta(days=days))  # months of forum history
    prefetch_related_objects(people, "identities")  # their addresses, read once per ticket
    # Tickets arrive in the order they were opened, so routing sees each one's load at its time.
    offsets = sorted(rng.randint(0, days * 86400 - 3600) for _ in range(tickets))
    made = 0
    for batch_start in range(0, tickets, 100):
        with audit.unit():  # one chain append per hundred tickets
            for offset in offsets[batch_start : batch_start + 100]:
                _ticket(rng, start + timedelta(seconds=offset), teams, agents, people)
                made += 1
                if progress:
                    progress(1)
    bot.seed(start, days, people, count=tickets // 50)  # the answer bot's history (2%)
    # The present: the bot first, then the community, then staff (after the history above, so
    # months-old community questions do not all land on staff at the first sweep).
    support_model.switch_to_self_service_first()
    return {
        "teams": len(teams),
        "agents": len({a.pk for members in agents.values() for a in members}),
        "customers": len(people),
        "tickets": made,
    }


def _teams() -> dict[str, Team]:
    every = {**catalog.TEAMS, **catalog.ESCALATION_TEAMS}
    return {name: accounts.create_team(name, description=about) for name, about in every.items()}


def _agents(teams: dict[str, Team]) -> dict[str, list[User]]:
    accounts.create_user(
        "admin@example.com", None, password_hash=_hash(), name="Ada Admin", role=Role.ADMIN
    )
    light = accounts.create_user(
        "collab@example.com",
        None,
        password_hash=_hash(),
        name="Casey Collaborator",
        role=Role.LIGHT_AGENT,
    )
    accounts.add_to_team(light, teams["Technical Support"])
    by_team: dict[str, list[User]] = {name: [] for name in teams}
    for email, name, team_names in catalog.AGENTS:
        agent = accounts.create_user(email, None, password_hash=_hash(), name=name, role=Role.AGENT)
        for team_name in team_names:
            accounts.add_to_team(agent, teams[team_name], is_lead=email == "agent@example.com")
            by_team[team_name].append(agent)
        accounts.set_skills(agent, {t.lower().replace(" ", "-"): 3 for t in team_names})
        routing.set_presence(agent, "online", default_capacity=CAPACITY)
    return by_team


def _customers(rng: random.Random, count: int) -> list[Customer]:
    orgs = [
        customers.create_organization(name, domains=domain, shares_tickets=i == 0)
        for i, (name, domain) in enumerate(catalog.ORGANIZATIONS)
    ]
    people = []
    for email, name in (("alice@example.com", "Alice Anders"), ("bob@example.com", "Bob Brown")):
        user = accounts.create_user(
            email, None, password_hash=_hash(), name=name, role=Role.CUSTOMER
        )
        people.append(customers.customer_for_user(user))
    seen = {"alice@example.com", "bob@example.com"}
    while len(people) < count:
        first, last = rng.choice(catalog.FIRST_NAMES), rng.choice(catalog.LAST_NAMES)
        org = rng.choice(orgs) if rng.random() < 0.4 else None
        domain = (
            org.domains if org else rng.choice(["mail.example", "post.example", "inbox.example"])
        )
        email = f"{first}.{last}{rng.randint(1, 99)}@{domain}".lower()
        if email in seen:
            continue
        seen.add(email)
        people.append(
            customers.create_customer(
                name=f"{first} {last}", identities=[(IdentityKind.EMAIL, email)], organization=org
            )
        )
    return people


def _ticket(
    rng: random.Random,
    opened: datetime,
    teams: dict[str, Team],
    agents: dict[str, list[User]],
    people: list[Customer],
) -> Ticket:
    topic = rng.choice(list(catalog.TOPICS))
    subject, body, tags = rng.choice(catalog.TOPICS[topic])
    requester = people[0] if rng.random() < 0.01 else rng.choice(people)
    channel = rng.choices([c for c, _ in CHANNEL_MIX], [w for _, w in CHANNEL_MIX])[0]
    fill = {
        "amount": f"€{rng.randint(9, 400)}.{rng.randint(0, 99):02d}",
        "ref": f"{rng.choice('ABCDEFGH')}-{rng.randint(10000, 99999)}",
        "vat": f"DE{rng.randint(100000000, 999999999)}",
        "version": f"4.{rng.randint(0, 9)}.1",
    }
    priority = rng.choices(Priority.values, [15, 60, 20, 5])[0]
    if clock.now() - opened > ROUTED_HISTORY:
        # Long-closed history: filed straight into its team (routing every one of 2,000 tickets
        # through the live model would triple the seed time for tickets nobody works any more).
        with clock.frozen(opened):
            ticket, _ = services.create_ticket(
                requester=requester,
                subject=subject,
                channel=channel,
                priority=priority,
                message=services.NewMessage(body.format(**fill)),
                team=teams[topic],
                tags=tags,
            )
            # Skipping routing skips the pipeline's step that starts the clocks: start them here,
            # at arrival, so the replies and status changes below meet and pause them as live.
            sla.attach(ticket)
    else:
        with clock.frozen(opened):
            # The customer writes in; the pipeline's steps route it and start its SLA clocks.
            receipt = pipeline.receive(
                pipeline.Inbound(
                    channel=channel,
                    sender=pipeline.Sender("email", requester.primary_address(), requester.name),
                    subject=subject,
                    body_text=body.format(**fill),
                    received_at=opened,
                    priority=priority,
                    tags=tags,
                )
            )
        ticket = receipt.ticket
    _work(rng, ticket, topic, tags, agents, opened)
    return ticket


def _work(
    rng: random.Random,
    ticket: Ticket,
    topic: str,
    tags: list[str],
    agents: dict[str, list[User]],
    opened: datetime,
) -> None:
    """Play out a plausible life for the ticket: replies, notes, escalation, a final status."""
    now = clock.now()
    age = now - opened
    at = opened + timedelta(minutes=rng.randint(5, 600))
    if at > now or rng.random() < 0.08:
        return  # still new and untouched (routing may have assigned it already)
    # Routing assigned the least-loaded agent; when nobody was free, a team member pulls it.
    team = ticket.team.name if ticket.team else topic
    agent = next((a for a in agents[team] if a.pk == ticket.assignee_id), None)
    agent = agent or rng.choice(agents[team])
    with clock.frozen(at):
        if ticket.assignee_id is None:
            services.update_ticket(ticket, services.TicketChanges(assignee=agent), actor=agent)
        if rng.random() < 0.25:
            services.add_message(
                ticket,
                services.NewMessage(rng.choice(catalog.INTERNAL_NOTES)),
                channel=ticket.channel,
                author_user=agent,
                internal=True,
            )
        fix = rng.choice(catalog.FIXES[topic])
        reply = rng.choice(catalog.AGENT_REPLIES).format(
            name=(ticket.requester.name or "there").split()[0],
            fix=fix,
            fix_cap=fix[0].upper() + fix[1:],
        )
        services.add_message(
            ticket, services.NewMessage(reply), channel=ticket.channel, author_user=agent
        )
    if "bug" in tags and team == "Technical Support":
        agent = _maybe_escalate(rng, ticket, agent, at + timedelta(minutes=rng.randint(10, 90)))
    at += timedelta(hours=rng.randint(1, 48))
    if at < now and rng.random() < 0.45:
        with clock.frozen(at):
            services.add_message(
                ticket,
                services.NewMessage(rng.choice(catalog.CUSTOMER_FOLLOW_UPS)),
                channel=ticket.channel,
                author_customer=ticket.requester,
            )
        at += timedelta(hours=rng.randint(1, 24))
    _finish(rng, ticket, agent, at, now, age)


def _maybe_escalate(rng: random.Random, ticket: Ticket, agent: User, at: datetime) -> User:
    """Some Technical Support bug reports go to Engineering with a handoff note (tier 2)."""
    if at >= clock.now() or rng.random() >= ESCALATE_SHARE:
        return agent
    with clock.frozen(at):
        routing.escalate(ticket, actor=agent, note=rng.choice(catalog.HANDOFF_NOTES))
    ticket.refresh_from_db()
    return ticket.assignee or agent


def _finish(
    rng: random.Random, ticket: Ticket, agent: User, at: datetime, now: datetime, age: timedelta
) -> None:
    if at >= now:
        return
    roll = rng.random()
    if age > timedelta(days=4) and roll < 0.8:
        target = [Status.SOLVED, Status.CLOSED] if age > timedelta(days=10) else [Status.SOLVED]
    elif age > timedelta(days=4) and roll < 0.95:
        # The long tail waits on the customer or a third party: SLA clocks paused, not overdue.
        target = [rng.choice([Status.PENDING, Status.ON_HOLD])]
    elif roll < 0.5:
        target = [rng.choice([Status.PENDING, Status.ON_HOLD, Status.OPEN])]
    else:
        return
    with clock.frozen(at):
        for status in target:
            services.update_ticket(ticket, services.TicketChanges(status=status), actor=agent)

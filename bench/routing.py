"""Routing decisions per second with 100 agents and 10k open tickets (docs/routing.md).

    .venv/bin/python bench/routing.py               # pure policy + full path on SQLite
    .venv/bin/python bench/routing.py --pure-only   # the policy alone, no database

1. The pure policy (``routing.policies.decide``) over 10,000 ticket snapshots against one world
   of 100 agents in 5 teams (departments -> skills with relaxation -> round robin / least loaded):
   what the simulator replays.
2. The live path on a fresh SQLite database holding 10,000 open tickets: the whole world
   (``snapshots.load_world``, what a sweep loads once, aggregating every agent's load), one
   ticket's world (``snapshots.world_for``: the chosen team's agents only), and ``route_ticket``
   on new tickets (facts from the database, decide, apply through conversations.services,
   trace, audit), first on a shared snapshot, then loading its own world each time.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

TEAMS = ["billing", "tech", "accounts", "shipping", "general"]
SKILLS = ["postgres", "networking", "invoices", "refunds", "api", "language:fr", "language:de"]
INTENTS = ["billing", "outage", "shipping", "login", "other"]
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
MODEL = {
    "name": "bench",
    "active": True,
    "layers": [
        {
            "kind": "department",
            "settings": {"default_team": "general"},
            "rules": [
                {"name": f"{t}", "when": {"intent": i, "min_confidence": 0.7}, "then": {"team": t}}
                for t, i in zip(TEAMS, INTENTS, strict=True)
            ],
        },
        {
            "kind": "skills",
            "settings": {"relax_after_minutes": [30, 60, 120]},
            "rules": [
                {
                    "name": "db",
                    "when": {"tags_any": ["database"]},
                    "then": {"skills": {"postgres": 3}},
                },
                {"name": "fr", "when": {"language": "fr"}, "then": {"language": "fr"}},
            ],
        },
    ],
}


def build_world(rng: random.Random):
    from helpmesh.routing.facts import AgentState, TeamState, World

    agents = {}
    for i in range(100):
        team = TEAMS[i % len(TEAMS)]
        skills = {s: rng.randint(1, 5) for s in rng.sample(SKILLS, 3)}
        agents[i + 1] = AgentState(
            id=i + 1,
            name=f"agent{i + 1}",
            teams=frozenset({team}),
            presence=rng.choice(["online", "online", "online", "away", "offline"]),
            capacity={"chat": 3},
            load={"email": rng.randint(0, 25)},
            skills=skills,
        )
    teams = {
        t: TeamState(
            id=n,
            slug=t,
            assignment="least_loaded" if n % 2 else "round_robin",
            agent_ids=tuple(a.id for a in agents.values() if t in a.teams),
        )
        for n, t in enumerate(TEAMS)
    }
    return World(teams, agents)


def build_facts(rng: random.Random, n: int):
    from helpmesh.routing.facts import TicketFacts

    return [
        TicketFacts(
            id=i,
            channel="email",
            intent=rng.choice(INTENTS),
            intent_confidence=rng.random(),
            tags=frozenset(rng.sample(["database", "vip", "x"], 1)),
            language=rng.choice(["en", "fr", "de"]),
            created_at=NOW - timedelta(minutes=rng.randint(0, 200)),
        )
        for i in range(n)
    ]


def bench_pure(tickets: int) -> float:
    from helpmesh.routing.policies import decide
    from helpmesh.routing.spec import model_from_dict

    rng = random.Random(7)
    world, facts, model = build_world(rng), build_facts(rng, tickets), model_from_dict(MODEL)
    started = time.perf_counter()
    for item in facts:
        decide(model, item, world, NOW)
    elapsed = time.perf_counter() - started
    rate = tickets / elapsed
    print(f"pure policy: {tickets} decisions, 100 agents: {elapsed:.2f}s = {rate:,.0f} decisions/s")
    return rate


def bench_live(open_tickets: int, routed: int) -> None:
    os.environ["HELPMESH_HOME"] = tempfile.mkdtemp(prefix="helpmesh-bench-")
    os.environ["HELPMESH_TASKS_IMMEDIATE"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpmesh.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from helpmesh.core import clock
    from helpmesh.routing import snapshots

    with clock.frozen(NOW):
        _seed(open_tickets)
        started = time.perf_counter()
        world = snapshots.load_world(NOW)
        print(
            f"world snapshot with {open_tickets} open tickets: {time.perf_counter() - started:.3f}s"
        )
        _one_ticket_worlds()
        _route_new(routed, world)


def _one_ticket_worlds() -> None:
    from helpmesh.conversations.models import Ticket
    from helpmesh.routing import snapshots

    model = snapshots.active_model()
    assert model is not None
    whole, narrow = [], []
    for ticket in Ticket.objects.order_by("id")[:100]:
        facts = snapshots.facts_for(ticket)
        started = time.perf_counter()
        snapshots.load_world(NOW)
        whole.append(time.perf_counter() - started)
        started = time.perf_counter()
        snapshots.world_for(model, facts, NOW)
        narrow.append(time.perf_counter() - started)
    print(
        f"one ticket's world, median: every agent (load_world) "
        f"{statistics.median(whole) * 1000:.1f} ms, its team's agents (world_for) "
        f"{statistics.median(narrow) * 1000:.1f} ms"
    )


def _seed(open_tickets: int) -> None:
    from helpmesh.accounts import services as accounts
    from helpmesh.accounts.models import Role, User
    from helpmesh.conversations.models import Ticket
    from helpmesh.customers import services as customers
    from helpmesh.routing import services, yaml_io

    rng = random.Random(7)
    teams = {t: accounts.create_team(t) for t in TEAMS}
    yaml_io.apply_document({"models": [MODEL]})
    agents = []
    for i in range(100):
        user = accounts.create_user(f"agent{i}@bench.test", None, name=f"agent{i}", role=Role.AGENT)
        accounts.add_to_team(user, teams[TEAMS[i % len(TEAMS)]])
        accounts.set_skills(user, {s: rng.randint(1, 5) for s in rng.sample(SKILLS, 3)})
        services.set_presence(user, "online", default_capacity=1000)
        agents.append(user)
    customer, _ = customers.identify("email", "load@bench.test")
    Ticket.objects.bulk_create(
        Ticket(
            subject=f"t{i}",
            channel="email",
            requester=customer,
            team=teams[TEAMS[i % 5]],
            assignee=agents[i % 100],
            status="open",
            created_at=NOW,
            updated_at=NOW,
            status_changed_at=NOW,
        )
        for i in range(open_tickets)
    )
    assert User.objects.count() >= 100


def _route_new(routed: int, world) -> None:
    from helpmesh.conversations.models import Ticket
    from helpmesh.customers.models import Customer
    from helpmesh.routing import services

    customer = Customer.objects.first()
    fresh = Ticket.objects.bulk_create(
        Ticket(
            subject=f"new{i}",
            channel="email",
            requester=customer,
            created_at=NOW,
            updated_at=NOW,
            status_changed_at=NOW,
            custom_fields={"intent": INTENTS[i % 5], "intent_confidence": 0.9},
        )
        for i in range(routed)
    )
    started = time.perf_counter()
    for ticket in fresh:
        services.route_ticket(ticket, world=world)
    elapsed = time.perf_counter() - started
    print(
        f"live route_ticket (facts + decide + apply + trace + audit), shared snapshot: "
        f"{routed} in {elapsed:.2f}s = {routed / elapsed:,.0f} decisions/s"
    )
    started = time.perf_counter()
    for ticket in fresh[:50]:
        services.route_ticket(ticket, kind="reroute")
    elapsed = time.perf_counter() - started
    print(
        f"live route_ticket with a fresh world snapshot each time: {50 / elapsed:,.1f} decisions/s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--routed", type=int, default=500)
    parser.add_argument("--pure-only", action="store_true")
    args = parser.parse_args()
    bench_pure(args.tickets)
    if not args.pure_only:
        bench_live(args.tickets, args.routed)
    return 0


if __name__ == "__main__":
    sys.exit(main())

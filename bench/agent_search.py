"""The agents' search at scale: p50/p95 of the inbox's search over N tickets.

    .venv/bin/python bench/agent_search.py --tickets 100000 [--db postgres] [--queries 400]

The desk is ``bench/dataset.py``'s (100k tickets with 1-3 messages, 20k customers, four teams),
plus an internal note on one ticket in ten, a tag on one in five and an organization for one
customer in ten. Queries rotate through what agents type: ticket numbers (``#N`` and ``N``),
requester names and emails, organization names, tags, words and prefixes of messages and notes,
typos, and operators alone and with words. Each query is timed in-process as the inbox runs it
(``web.queries``: filters, the agents' search, sort, ranking, one page of 50 with its rows'
relations and SLA column), as the admin (sees all) and as a team agent, after 20 warm-ups.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
PG = "postgres://postgres:helpmesh@127.0.0.1:5432/helpmesh_bench_agent_search"
NOTES = [
    "Checked the ledger: chargeback opened with the acquirer.",
    "Customer is on the enterprise plan, loop in the account manager.",
    "Reproduced on staging, engineering ticket filed.",
    "Courier confirmed the parcel is held at the depot.",
]
ORGS = ["Umbrella Corp", "Initech", "Globex", "Soylent", "Hooli", "Vandelay Industries"]
TAGS = ["vip", "billing", "bug", "churn-risk", "gdpr"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    _database(args.db)
    import django

    django.setup()
    from django.core.management import call_command

    import dataset

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    actors = dataset.create_actors()
    counts = dataset.fill(actors, args.tickets)
    _extras(random.Random(7))
    dataset.analyze()
    print(f"filled {counts} in {time.perf_counter() - started:.0f} s")
    queries = _queries(random.Random(3))
    for email in (actors.admin_email, actors.agent_email):
        timings = _run(email, queries, args.queries)
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"{args.db}, {args.tickets:,} tickets, {email.split('@')[0]}: agent search p50 "
            f"{statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms "
            f"over {len(timings)} queries"
        )
    return 0


def _database(db: str) -> None:
    os.environ["HELPMESH_HOME"] = tempfile.mkdtemp(prefix="helpmesh-bench-agent-search-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "helpmesh.settings"
    if db == "postgres":
        env = {**os.environ, "PGPASSWORD": "helpmesh"}
        base = ["-h", "127.0.0.1", "-U", "postgres"]
        name = "helpmesh_bench_agent_search"
        subprocess.run(["dropdb", *base, "--if-exists", name], env=env, check=True)
        subprocess.run(["createdb", *base, name], env=env, check=True)
        os.environ["HELPMESH_DATABASE_URL"] = PG


def _extras(rng: random.Random) -> None:
    """Notes, tags and organizations in bulk (the services would audit each one)."""
    from django.db import transaction
    from django.db.models import OuterRef, Subquery

    from helpmesh.conversations.models import Message, Tag, Ticket
    from helpmesh.customers.models import Customer, Organization

    now = Ticket.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
    orgs = [Organization.objects.create(name=n, domains="", created_at=now) for n in ORGS]
    tags = [Tag.objects.create(name=n) for n in TAGS]
    with transaction.atomic():
        members = [pk for pk in Customer.objects.values_list("pk", flat=True) if rng.random() < 0.1]
        for i, org in enumerate(orgs):
            Customer.objects.filter(pk__in=members[i :: len(orgs)]).update(organization=org)
        of_requester = Customer.objects.filter(pk=OuterRef("requester_id")).values("organization")
        Ticket.objects.update(organization_id=Subquery(of_requester))
        notes, tagged = [], []
        for pk, assignee in Ticket.objects.values_list("pk", "assignee_id"):
            if rng.random() < 0.1:
                note = rng.choice(NOTES)
                notes.append(
                    Message(
                        ticket_id=pk,
                        channel="email",
                        body_text=note,
                        body_html=note,
                        internal=True,
                        author_user_id=assignee,
                        created_at=now,
                    )
                )
            if rng.random() < 0.2:
                tagged.append(Ticket.tags.through(ticket_id=pk, tag_id=rng.choice(tags).pk))
        Message.objects.bulk_create(notes, batch_size=2000)
        Ticket.tags.through.objects.bulk_create(tagged, batch_size=2000)


def _queries(rng: random.Random) -> list[str]:
    import dataset
    from helpmesh.conversations.models import Ticket
    from helpmesh.customers.models import CustomerIdentity

    ids = list(Ticket.objects.values_list("pk", flat=True))
    emails = list(CustomerIdentity.objects.values_list("value", flat=True)[:5000])
    words = [w for w in dataset.SEARCH_WORDS if " " not in w]
    typo = [w[:2] + w[3:] for w in words if len(w) >= 6]  # one letter dropped
    made: list[str] = []
    for _ in range(40):
        made += [
            f"#{rng.choice(ids)}",
            str(rng.choice(ids)),
            rng.choice(dataset.FIRST_NAMES),
            f"{rng.choice(dataset.FIRST_NAMES)} {rng.choice(dataset.LAST_NAMES)}",
            rng.choice(emails),
            rng.choice(ORGS).split()[0],
            rng.choice(dataset.SEARCH_WORDS),
            rng.choice(words)[:4],  # a prefix
            rng.choice(typo),
            rng.choice(["chargeback", "staging", "depot"]),  # words of internal notes
            f"tag:{rng.choice(TAGS)}",
            f"status:open assignee:me {rng.choice(words)}",
            f"status:unsolved org:{rng.choice(ORGS).split()[0].lower()}",
        ]
    rng.shuffle(made)
    return made


def _run(email: str, queries: list[str], count: int) -> list[float]:
    from helpmesh.accounts.models import User
    from helpmesh.accounts.services import team_ids_of
    from helpmesh.conversations import agent_search
    from helpmesh.conversations.permissions import visible_tickets
    from helpmesh.web import queries as inbox

    user = User.objects.get(email=email)

    def search(q: str) -> None:
        # What queries.inbox does for the list (its sidebar counts do not depend on the query).
        base = inbox.in_view(visible_tickets(user), "all", user, team_ids_of(user))
        tickets = inbox.sorted_by(inbox.filtered(base, {"q": q}, user), "updated")
        inbox.page(agent_search.ranked(tickets, q), 1)

    for q in queries[:20]:
        search(q)
    timings = []
    for i in range(count):
        q = queries[i % len(queries)]
        t0 = time.perf_counter()
        search(q)
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    return timings


if __name__ == "__main__":
    sys.exit(main())

"""A community topic page with 200 replies, rendered through Django's test client.

    .venv/bin/python bench/community_topic_page.py [--replies 200] [--renders 200]

Builds, in a throwaway SQLite home (the embedded default), one public question with
``--replies`` replies (Markdown with emphasis, lists and code; a third by staff, so marked
official), votes on them and an accepted answer, all written through ``community.services``.
Then renders the topic page ``--renders`` times as a signed-in customer (votes, accept and
reply forms shown) after 10 warm-ups, and prints p50/p95, the queries per render and the first
render's time (before this process had rendered any of the bodies' Markdown).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BODY = (
    "Try this first:\n\n1. Open **Settings → Billing**.\n2. Press *Download invoices*.\n\n"
    "If it still fails, run `helpmesh doctor` and paste the output. Reply {n}."
)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replies", type=int, default=200)
    parser.add_argument("--renders", type=int, default=200)
    args = parser.parse_args()
    os.environ["HELPMESH_HOME"] = tempfile.mkdtemp(prefix="helpmesh-bench-topic-page-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "helpmesh.settings"
    os.environ.setdefault("HELPMESH_SEARCH_SEMANTIC", "off")  # the page, not the index
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    topic, reader = _build(args.replies)
    return _measure(topic, reader, args.renders)


def _build(replies: int):
    from helpmesh.accounts import services as accounts
    from helpmesh.accounts.models import Role
    from helpmesh.community import indexing, services
    from helpmesh.core import clock

    root = accounts.create_user("root@bench.example", "pw", name="Root", role=Role.ADMIN)
    staff = accounts.create_user("agent@bench.example", "pw", name="Agent", role=Role.AGENT)
    members = [
        accounts.create_user(f"m{i}@bench.example", "pw", name=f"Member {i}", role=Role.CUSTOMER)
        for i in range(20)
    ]
    services.create_category("Questions & answers", is_default=True)
    at = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    with clock.frozen(at), indexing.batched():
        topic = services.ask(members[0], title="Invoices do not download", body=BODY.format(n=0))
        _approve(topic.posts.get(), root)
        posts = []
        for n in range(1, replies + 1):
            clock.advance(timedelta(minutes=13))  # members stay within the rate limits
            author = staff if n % 3 == 0 else members[1 + n % 19]
            post = services.reply(topic, author, BODY.format(n=n))
            posts.append(_approve(post, root))
        for n, post in enumerate(posts[:60]):
            clock.advance(timedelta(minutes=1))
            services.vote(post, members[(n + 3) % 20], 1 if n % 4 else -1)
        services.accept(topic, posts[len(posts) // 2], members[0])
    topic.refresh_from_db()
    return topic, members[5]


def _approve(post, moderator):
    from helpmesh.community import services

    if post.visibility == "pending":
        services.publish(post, moderator)
    return post


def _measure(topic, reader, renders: int) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(reader)
    started = time.perf_counter()
    assert client.get(topic.path).status_code == 200  # no body rendered yet in this process
    cold = (time.perf_counter() - started) * 1000
    for _ in range(9):
        assert client.get(topic.path).status_code == 200
    timings = []
    for _ in range(renders):
        started = time.perf_counter()
        response = client.get(topic.path)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(topic.path)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"topic page, {topic.reply_count} replies, {renders} renders: "
        f"p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, "
        f"{len(queries.captured_queries)} queries; the first render {cold:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Re-awarding badges over a long history: ``badges.rebadge()`` against 1M ledger rows.

    .venv/bin/python bench/community_rebadge.py [--events 1000000] [--members 20000]

Writes, into a throwaway SQLite home, what the badge rules read: members (with trust levels),
tagged topics, answers spread over a year (so streaks exist), and the reputation ledger: upvotes,
downvotes, acceptances, flags and 5% reversals pointing at earlier rows. Rows go in with plain
``executemany`` (the bench times rebadge, not the ORM's inserts). Prints the rebadge time, the
awards made, and a second run's time (nothing to change: the steady-state cost).
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

KINDS = [  # (kind, points, weight) of the rows that are not reversals
    ("answer_upvoted", 10, 60),
    ("question_upvoted", 5, 12),
    ("downvoted", -2, 10),
    ("answer_accepted", 15, 10),
    ("accepted_answer", 2, 5),
    ("flag_upheld", 1, 3),
]
TAGS = 30
START = datetime(2025, 12, 1, tzinfo=UTC)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--answers", type=int, default=200_000)
    parser.add_argument("--topics", type=int, default=50_000)
    args = parser.parse_args()
    os.environ["HELPMESH_HOME"] = tempfile.mkdtemp(prefix="helpmesh-bench-rebadge-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "helpmesh.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from rich.progress import Progress

    from helpmesh.community import badges

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    counts = generate(args, random.Random(11))
    print(f"generated {counts} in {time.perf_counter() - started:.0f}s")

    for run in ("first", "second"):
        with Progress() as progress:
            bar = progress.add_task(f"rebadge ({run} run)", total=None)
            started = time.perf_counter()
            result = badges.rebadge(
                lambda done, total, bar=bar: progress.update(bar, completed=done, total=total)
            )
            elapsed = time.perf_counter() - started
        print(f"rebadge {run} run: {elapsed:.1f}s over {args.events:,} ledger rows: {result}")
    return 0


def _insert(model: Any, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    from django.db import connection, transaction

    table = model._meta.db_table
    # Table and column names come from the models, never from input.
    places = ", ".join("%s" for _ in columns)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({places})"  # noqa: S608
    batch: list[Sequence[Any]] = []
    total = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) == 20_000:
                cursor.executemany(sql, batch)
                total, batch = total + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
            total += len(batch)
    return total


def _at(rng: random.Random) -> str:
    moment = START + timedelta(seconds=rng.randrange(365 * 86400))
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def generate(args: argparse.Namespace, rng: random.Random) -> dict[str, int]:
    from helpmesh.accounts.models import User
    from helpmesh.community.models import Category, Member, Post, ReputationEvent, Tag, Topic

    users = [
        User(email=f"member{n}@example.com", name=f"Member {n}", password="!")
        for n in range(args.members)
    ]
    User.objects.bulk_create(users, batch_size=5000)
    ids = list(User.objects.order_by("pk").values_list("pk", flat=True))
    joined = START.strftime("%Y-%m-%d %H:%M:%S")
    levels = [0] * 70 + [1] * 20 + [2] * 7 + [3] * 3
    _insert(
        Member,
        [
            "user_id",
            "reputation",
            "trust_level",
            "status",
            "approved_posts",
            "notify",
            "bio",
            "joined_at",
        ],
        ((uid, 0, rng.choice(levels), "active", 0, "immediate", "", joined) for uid in ids),
    )
    category = Category.objects.create(name="Q&A", slug="qa", is_default=True)
    tags = Tag.objects.bulk_create(Tag(name=f"tag-{n}") for n in range(TAGS))
    topic_columns = [
        "category_id",
        "kind",
        "title",
        "slug",
        "author_id",
        "status",
        "visibility",
        "created_at",
        "last_activity_at",
        "reply_count",
        "view_count",
        "score",
    ]
    _insert(
        Topic,
        topic_columns,
        (
            (
                category.pk,
                "question",
                f"Question {n}",
                f"question-{n}",
                rng.choice(ids),
                "open",
                "visible",
                _at(rng),
                _at(rng),
                0,
                0,
                0,
            )
            for n in range(args.topics)
        ),
    )
    topic_ids = list(Topic.objects.values_list("pk", flat=True))
    _insert(
        Topic.tags.through,
        ["topic_id", "tag_id"],
        ((tid, rng.choice(tags).pk) for tid in topic_ids),
    )
    post_columns = [
        "topic_id",
        "author_id",
        "body",
        "is_question",
        "is_official",
        "visibility",
        "held_reason",
        "score",
        "revision",
        "created_at",
        "updated_at",
    ]
    # A fifth of the members write most answers, as in any community.
    regulars = ids[: max(1, len(ids) // 5)]

    def answer() -> tuple[Any, ...]:
        at = _at(rng)
        author = rng.choice(regulars) if rng.random() < 0.8 else rng.choice(ids)
        return (
            rng.choice(topic_ids),
            author,
            "An answer.",
            False,
            False,
            "visible",
            "",
            0,
            1,
            at,
            at,
        )

    _insert(Post, post_columns, (answer() for _ in range(args.answers)))
    posts = list(Post.objects.values_list("pk", "author_id"))
    kinds = [k for k, _, weight in KINDS for _ in range(weight)]
    points = {k: p for k, p, _ in KINDS}
    originals = int(args.events * 0.95)

    def event() -> tuple[Any, ...]:
        kind = rng.choice(kinds)
        post, author = rng.choice(posts)
        member = author if kind != "flag_upheld" else rng.choice(ids)
        return (member, kind, points[kind], post, None, _at(rng))

    columns = ["member_id", "kind", "points", "post_id", "reverses_id", "created_at"]
    _insert(ReputationEvent, columns, (event() for _ in range(originals)))
    first = ReputationEvent.objects.order_by("pk").values_list("pk", flat=True).first() or 0
    reversed_ids = rng.sample(range(first, first + originals), args.events - originals)
    originals_rows = ReputationEvent.objects.in_bulk(reversed_ids)

    def reversal(pk: int) -> tuple[Any, ...]:
        row = originals_rows[pk]
        return (row.member_id, "vote_withdrawn", -row.points, row.post_id, pk, _at(rng))

    _insert(ReputationEvent, columns, (reversal(pk) for pk in reversed_ids))
    return {
        "members": len(ids),
        "topics": len(topic_ids),
        "answers": len(posts),
        "ledger_rows": ReputationEvent.objects.count(),
    }


if __name__ == "__main__":
    raise SystemExit(main())

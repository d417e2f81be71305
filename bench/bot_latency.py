"""How long the answer bot takes to decide: answer (with its source) or hand off.

    .venv/bin/python bench/bot_latency.py [--questions 300] [--semantic auto|off]

A throwaway home gets the demo's help center (40 published articles, embedded); each question
(the demo's bot questions and its ticket subjects, reworded) goes through ``bot.judge.judge``
exactly as ``POST /bot/ask`` calls it: never-automate check, triage's out-of-scope check when a
model is trained, the search, the confidence and the answer drawn from the best article. Reports
the median and 95th percentile after 20 warm-ups (target: a decision under 150 ms).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--semantic", choices=["auto", "off"], default="auto")
    args = parser.parse_args()
    os.environ["HELPMESH_HOME"] = tempfile.mkdtemp(prefix="helpmesh-bench-bot-")
    os.environ["HELPMESH_SEARCH_SEMANTIC"] = args.semantic
    os.environ.setdefault("HELPMESH_SEARCH_ENCODER_DIR", str(ROOT / ".helpmesh" / "search-encoder"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "helpmesh.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from helpmesh.accounts import services as accounts
    from helpmesh.accounts.models import Role
    from helpmesh.bot import judge
    from helpmesh.demo import bot as demo_bot
    from helpmesh.demo import catalog, knowledge

    call_command("migrate", verbosity=0)
    admin = accounts.create_user("admin@example.com", "pw", name="Admin", role=Role.ADMIN)
    articles = knowledge.seed(admin)
    subjects = [s for topics in catalog.TOPICS.values() for s, _, _ in topics]
    questions = [q for _, q in demo_bot.PLAN] + [s.replace("my", "our") for s in subjects]
    policy = judge.default_policy()
    rng = random.Random(1)
    for question in questions[:20]:
        judge.judge(question, viewer=None, policy=policy)
    timings, answered = [], 0
    for _ in range(args.questions):
        question = rng.choice(questions)
        started = time.perf_counter()
        verdict = judge.judge(question, viewer=None, policy=policy)
        timings.append((time.perf_counter() - started) * 1000)
        answered += verdict.answered
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"bot decision over {articles} articles, semantic {args.semantic}: p50 "
        f"{statistics.median(timings):.1f} ms, p95 {p95:.1f} ms over {args.questions} questions "
        f"({answered} answered, {args.questions - answered} handed off)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

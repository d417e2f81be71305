"""Choose the bot's confidence thresholds on data (docs/bot.md).

    .venv/bin/python bench/bot_calibrate.py [--data /work/shared/data]

StackFAQ's 125 FAQs become help-center articles (title = the question, body = the answers);
its 625 dev queries are questions the bot should answer with the right FAQ, and CLINC150's 100
``oos_val`` queries are out-of-scope questions it must hand off. Each question goes through
``search.engine.search`` as the bot calls it; the top hit's confidence is kept, then the
threshold maximizing right answers (top hit right, confidence >= t) + right hand-offs
(top hit wrong or out of scope, confidence < t) is chosen. Twice: with embeddings (the
``semantic`` score, HELPMESH_BOT_MIN_CONFIDENCE) and lexical only (the share of question words
found, HELPMESH_BOT_MIN_LEXICAL_CONFIDENCE). A two-fold split (choose on one half, score the
other) says how well the choice carries to questions it was not chosen on.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


@dataclass(frozen=True)
class Row:
    confidence: float
    right: bool  # the top hit is the FAQ this question asks (never for out-of-scope ones)
    in_scope: bool


def best_threshold(rows: list[Row]) -> tuple[float, int]:
    """The threshold (an observed confidence, or 0) with the most right decisions."""
    best, best_score = 0.0, -1
    for threshold in sorted({0.0, *(r.confidence for r in rows)}):
        score = score_at(rows, threshold)
        if score > best_score:
            best, best_score = threshold, score
    return best, best_score


def score_at(rows: list[Row], threshold: float) -> int:
    return sum(r.right if r.confidence >= threshold else not r.right for r in rows)


def report(name: str, rows: list[Row]) -> dict[str, float]:
    threshold, score = best_threshold(rows)
    answered = [r for r in rows if r.confidence >= threshold]
    oos = [r for r in rows if not r.in_scope]
    shuffled = rows[:]
    random.Random(0).shuffle(shuffled)
    half = len(shuffled) // 2
    folds = [(shuffled[:half], shuffled[half:]), (shuffled[half:], shuffled[:half])]
    held_out = sum(score_at(test, best_threshold(fit)[0]) for fit, test in folds)
    figures = {
        "threshold": round(threshold, 4),
        "right_decisions": score / len(rows),
        "held_out_right_decisions": held_out / len(rows),
        "answered_share": len(answered) / len(rows),
        "answer_precision": sum(r.right for r in answered) / max(1, len(answered)),
        "top1_in_scope": sum(r.right for r in rows if r.in_scope) / sum(r.in_scope for r in rows),
        "oos_handed_off": sum(r.confidence < threshold for r in oos) / max(1, len(oos)),
    }
    print(f"\n{name}: {len(rows)} questions ({len(oos)} out of scope)")
    for key, value in figures.items():
        print(f"  {key:26} {value:.4f}" if key != "threshold" else f"  {key:26} {value}")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="/work/shared/data")
    args = parser.parse_args()
    data = Path(args.data)
    os.environ["HELPMESH_HOME"] = tempfile.mkdtemp(prefix="helpmesh-bench-bot-")
    os.environ.setdefault("HELPMESH_SEARCH_ENCODER_DIR", str(ROOT / ".helpmesh" / "search-encoder"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "helpmesh.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from helpmesh.bot import answers, judge
    from helpmesh.search import engine, services, vectors
    from helpmesh.search.documents import Document

    call_command("migrate", verbosity=0)
    faqs = [json.loads(line) for line in (data / "stackfaq/faq_collection.jsonl").open()]
    queries = [json.loads(line) for line in (data / "stackfaq/dev_queries.jsonl").open()]
    clinc = json.loads((data / "clinc150/data_full_train_val.json").read_text())
    questions = [(q["query"], q["faq_id"]) for q in queries]
    questions += [(text, None) for text, _ in clinc["oos_val"]]
    services.index_documents(
        [
            Document("article", f["faq_id"] + 1, f["question"], "\n\n".join(f["answers"]), "/")
            for f in faqs
        ]
    )
    caught = [q for q, _ in questions if answers.asks_for_human(q)]
    never = judge.DEFAULT_NEVER_AUTOMATE
    topics = [q for q, _ in questions if answers.never_automate(q, None, never)]
    print(f"phrase rules on these questions: {len(caught)} ask for a person, {len(topics)} touch")
    print(f"a never-automate topic (examples: {(caught + topics)[:3]})")

    def rows(semantic: bool) -> list[Row]:
        out = []
        for text, faq_id in questions:
            hits = engine.search(text, kinds=judge.KINDS, limit=5, source="bench", log=False).hits
            if not hits:
                out.append(Row(0.0, False, faq_id is not None))
                continue
            top = hits[0]
            if semantic:
                confidence = float(top.semantic or 0.0)
            else:
                body = judge.document_text(top.kind, top.id)
                confidence = answers.lexical_confidence(text, top.title, body)
            right = faq_id is not None and top.id == faq_id + 1
            out.append(Row(confidence, right, faq_id is not None))
        return out

    results = {"semantic": report("semantic (MiniLM cosine of the top hit)", rows(True))}
    settings.HELPMESH_SEARCH_SEMANTIC = "off"
    vectors.forget()
    results["lexical"] = report("lexical only (share of the question's words found)", rows(False))
    print("\n" + json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

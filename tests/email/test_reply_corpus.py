"""The public email_reply_parser corpora (GitHub's and Zapier's), checked against expectations.json.

Each key of a case is one assertion; see the ``field_meanings`` in the JSON files. The files are
vendored in fixtures/reply_corpus/ (sources and MIT licences in its README.md).
"""

from __future__ import annotations

import gzip
import json
import re
import time
from pathlib import Path

import pytest

from helpmesh.channels.email import reply

CORPUS = Path(__file__).parent / "fixtures" / "reply_corpus"
SETS = ["github_email_reply_parser", "zapier_email-reply-parser"]


def _cases():
    for name in SETS:
        path = CORPUS / name / "expectations.json"
        for filename, case in json.loads(path.read_text())["cases"].items():
            yield pytest.param(name, filename, case, id=f"{name.split('_')[0]}/{filename}")


def _flags(parsed: reply.ParsedReply, attribute: str) -> list[bool]:
    return [getattr(f, attribute) for f in parsed.fragments]


def check(case: dict, text: str, *, stripped: bool = False) -> None:
    """Assert every expectation in ``case`` about ``text``.

    ``stripped``: compare fragments stripped, as the Python port the Zapier set was written for
    reports them (the GitHub set keeps the Ruby gem's exact fragment text).
    """
    started = time.perf_counter()
    parsed = reply.read(text)
    elapsed = time.perf_counter() - started
    frags = [f.content.strip() if stripped else f.content for f in parsed.fragments]
    if "fragments" in case:
        assert len(frags) == case["fragments"], frags
    for attribute in ("quoted", "signature", "hidden"):
        if attribute in case:
            assert _flags(parsed, attribute) == case[attribute], (attribute, frags)
    for index, expected in case.get("frag_equals", {}).items():
        assert frags[int(index)] == expected
    for index, needles in case.get("frag_contains", {}).items():
        for needle in needles:
            assert needle in frags[int(index)]
    for index, patterns in case.get("frag_search_multiline", {}).items():
        for pattern in patterns:
            assert re.search(pattern, frags[int(index)], re.M), (pattern, frags[int(index)])
    for index, patterns in case.get("frag_match_start", {}).items():
        for pattern in patterns:
            assert re.match(pattern, frags[int(index)]), (pattern, frags[int(index)])
    visible = parsed.reply
    if "reply_equals" in case:
        assert visible == case["reply_equals"]
    if "reply_strip_equals" in case:
        assert visible.strip() == case["reply_strip_equals"]
    for needle in case.get("reply_contains", []):
        assert needle in visible
    for needle in case.get("reply_not_contains", []):
        assert needle not in visible
    if case.get("reply_equals_visible_text"):
        # Upstream shows quoted fragments between answers; issue 18 wants the reply to be the
        # unquoted text wherever it is (interleaved answers), so quoted fragments are left out.
        joined = "\n".join(f.content for f in parsed.fragments if f.is_reply).rstrip()
        assert visible == joined.lstrip("\n")
    if "max_seconds" in case:
        assert elapsed < case["max_seconds"]


@pytest.mark.parametrize(("corpus", "filename", "case"), list(_cases()))
def test_corpus_expectation(corpus, filename, case):
    check(case, _email(corpus, filename), stripped=corpus.startswith("zapier"))


def _email(corpus: str, filename: str) -> str:
    """The fixture's exact text (CRLF kept); the 767 kB stress case is stored gzipped."""
    path = CORPUS / corpus / "emails" / filename
    if not path.exists():
        with gzip.open(f"{path}.gz", "rt", encoding="utf-8", newline="") as packed:
            return packed.read()
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def test_every_set_is_in_the_repository():
    # The cases come from the repository: a clone without the development data runs all of them.
    assert len(list(_cases())) == 42


def test_inline_cases_and_input_untouched():
    data = json.loads((CORPUS / SETS[0] / "expectations.json").read_text())
    for case in data.get("inline_cases", []):
        text = case["input"]
        before = str(text)
        parsed = reply.read(text)
        assert text == before
        if "reply_equals" in case:
            assert parsed.reply == case["reply_equals"]

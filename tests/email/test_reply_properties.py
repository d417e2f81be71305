# ruff: noqa: RUF001 - real attribution lines in many scripts
"""Properties of reply extraction on generated bodies built from real mail's pieces.

Whatever the layout: nothing is lost (reply + quoted history + signature hold every word of the
body), nothing is invented, extraction never raises, and its time grows linearly with the body.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter

from emails import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

from helpmesh.channels.email import reply

MANIFEST = json.loads(
    (
        __import__("pathlib").Path(__file__).parent / "fixtures" / "reply_cases" / "manifest.json"
    ).read_text(encoding="utf-8")
)

# The pieces replies are made of, as clients write them.
ATTRIBUTIONS = [
    "On Tue, Mar 12, 2024 at 10:15 AM Helpmesh Support <support@helpmesh.test> wrote:",
    "Am 12.03.2024 um 10:15 schrieb Helpmesh Support <support@helpmesh.test>:",
    "12 марта 2024 г., в 10:15, Иван Петров <ivan@example.ru> написал(а):",
    "вт, 12 мар. 2024 г. в 10:15, Helpmesh Support <support@helpmesh.test>:",
    '12.03.2024, 10:15, "Helpmesh Support" <support@helpmesh.test>:',
    "Helpmesh Support <support@helpmesh.test> 于2024年3月12日周二 10:15写道：",
    "2024년 3월 12일 (화) 오전 10:15, Helpmesh Support <support@helpmesh.test>님이 작성:",
    "On Tue, Mar 12, 2024 at 10:15 AM Helpmesh Support",
    "<support@helpmesh.test> wrote:",
]
PIECES = [
    *ATTRIBUTIONS,
    "From: Helpmesh Support <support@helpmesh.test>",
    "Sent: Tuesday, March 12, 2024 10:15 AM",
    "Von: Helpmesh Support",
    "Gesendet: Dienstag, 12. März 2024 10:15",
    "To: Anna <anna@example.com>",
    "Subject: Router",
    "-----Original Message-----",
    "_" * 32,
    "-" * 40,
    "-- ",
    "--",
    "__",
    "Sent from my iPhone",
    "Best regards,",
    "С уважением,",
    "Mit freundlichen Grüßen",
    "Thanks, Anna",
    "Anna",
    "Anna Clarke",
    "Head of IT",
    "+44 7700 900123",
    "www.example.com",
    "> quoted line",
    ">> deeper quoted line",
    ">",
    "",
    "",
]
LINE_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # str.split("\n") keeps these
WORDS = st.text(
    alphabet=st.characters(exclude_categories=("Cs",), exclude_characters=LINE_BREAKS),
    max_size=60,
)
LINE = st.one_of(st.sampled_from(PIECES), WORDS, WORDS.map(lambda w: f"> {w}"))
BODY = st.lists(LINE, max_size=40).map("\n".join)
DELIMITER = re.compile(r"^(?:--|_+)$")


def _words(text: str) -> Counter[str]:
    return Counter(text.split())


@given(BODY, st.sampled_from(["", "Anna Clarke", "Иван Петров", "山田 花子"]))
@settings(max_examples=400, deadline=None)
def test_reply_quote_and_signature_hold_every_word_of_the_body(body, sender):
    _assert_covers(body, reply.read(body, sender, "anna@example.com"))


def _assert_covers(body: str, parsed: reply.ParsedReply) -> None:
    parts = _words(parsed.reply) + _words(parsed.quote) + _words(parsed.signature)
    missing = _words(body) - parts
    assert all(DELIMITER.match(word) for word in missing), missing  # only "--" may go
    assert not parts - _words(body)  # and nothing is made up


@given(BODY)
@settings(max_examples=200, deadline=None)
def test_the_reply_never_contains_quoted_lines(body):
    assert not any(line.startswith(">") for line in reply.read(body).reply.split("\n"))


@given(st.text(max_size=3000), st.text(max_size=40))
@settings(max_examples=300, deadline=None)
def test_extraction_never_raises(text, sender):
    parsed = reply.read(text, sender, sender)
    assert isinstance(parsed.reply + parsed.quote + parsed.signature, str)


def test_the_fixtures_keep_every_word_too():
    from helpmesh.channels.email.parser import parse

    for filename in MANIFEST:
        mail = parse((FIXTURES / "reply_cases" / filename).read_bytes())
        sender = mail.sender.name if mail.sender else ""
        _assert_covers(mail.text, reply.read(mail.text, sender, ""))


def _seconds(body: str) -> float:
    started = time.process_time()
    reply.read(body, "Anna Clarke", "anna@example.com")
    return time.process_time() - started


def test_time_grows_linearly_with_the_body():
    # Every kind of line, repeated: attributions, header blocks, rules, quotes, sign-offs.
    block = "\n".join([*PIECES, "Some words the customer typed.", "12.03.2024 10:15 note:"])
    small, large = block * 200, block * 1600  # 8x the size
    _seconds(small)  # warm the regex caches
    small_time = min(_seconds(small) for _ in range(3))
    large_time = min(_seconds(large) for _ in range(3))
    assert large_time < 8 * small_time * 3, (small_time, large_time)  # quadratic would be 64x


def test_many_rules_and_colon_lines_stay_linear():
    hostile = ("text\n" + "_" * 40 + "\n12.03.2024 10:15 x <a@b.c>:\n\n\n") * 3000
    assert _seconds(hostile) < 2.0

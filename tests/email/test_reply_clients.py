# ruff: noqa: RUF001, SIM905 - real attribution lines in many scripts
"""Reply and signature extraction on real-format replies of each client and language.

The fixtures in fixtures/reply_cases/ were written by this project (``build.py`` there; no other
project's test mail): Gmail, Apple Mail, Thunderbird, Outlook (desktop, web, iOS), Mail.ru,
Yandex and Yahoo layouts in 19 languages, with the reply and signature each must give in
``manifest.json``.
"""

from __future__ import annotations

import json

import pytest
from emails import FIXTURES

from helpmesh.channels.email import quotes, reply
from helpmesh.channels.email.htmltext import html_to_text
from helpmesh.channels.email.parser import parse

CASES = FIXTURES / "reply_cases"
MANIFEST = json.loads((CASES / "manifest.json").read_text(encoding="utf-8"))
LANGUAGES = "en de fr es it nl pt pl ru uk sv no da fi cs tr ja zh ko".split()


@pytest.mark.parametrize("filename", sorted(MANIFEST))
def test_each_client_and_language_gives_the_exact_reply_and_signature(filename):
    expected = MANIFEST[filename]
    mail = parse((CASES / filename).read_bytes())
    assert mail.reply == expected["reply"]
    assert mail.signature == expected["signature"]
    assert "Helpmesh Support" not in mail.reply  # nothing of the quoted history


def test_the_fixtures_cover_every_language_and_at_least_ten_clients():
    assert {case["language"] for case in MANIFEST.values()} >= set(LANGUAGES)
    assert len({case["client"] for case in MANIFEST.values()}) >= 10


@pytest.mark.parametrize(
    "line",
    [
        "12 марта 2024 г., в 10:15, Иван Петров <ivan@example.ru> написал(а):",
        "Пн, 12 мар. 2024 г. в 10:15, Иван Петров <ivan@example.ru>:",
        '12.03.2024, 10:15, "Иван Петров" <ivan@example.ru>:',
        "Вторник, 12 марта 2024, 10:15 +03:00 от Иван Петров <ivan@example.ru>:",
        "12.03.2024 10:15, Иван Петров пишет:",
        "Den tis 12 mars 2024 kl 10:15 skrev Erik <erik@example.se>:",
        "ti 12. maalisk. 2024 klo 10.15 Aino Virtanen (aino@example.fi) kirjoitti:",
        "út 12. 3. 2024 v 10:15 odesílatel Tomáš <t@example.cz> napsal:",
        "12 Mar 2024 Sal, 10:15 tarihinde Ayşe <a@example.com.tr> şunu yazdı:",
        "2024년 3월 12일 (화) 오전 10:15, 김민준 <m@example.kr>님이 작성:",
        "王伟 <wang@example.cn> 于2024年3月12日周二 10:15写道：",
        "2024/03/12 10:15、山田 花子 <h@example.jp>のメール:",
    ],
)
def test_attribution_lines_without_a_known_lead_are_found_above_a_quote(line):
    parsed = reply.read(f"Neue Antwort.\n\n{line}\n> alt\n> älter\n")
    assert parsed.reply == "Neue Antwort."
    assert line in parsed.quote


def test_an_attribution_over_unquoted_history_needs_an_address_or_a_date():
    dated = "вт, 12 мар. 2024 г. в 10:15, Helpmesh <s@helpmesh.test>:\nСтарый текст."
    assert reply.read(f"Ответ.\n\n{dated}").reply == "Ответ."
    # The sender's own sentence ending in "wrote:" with plain text under it is kept.
    own = "Here is what my colleague wrote:\nThe printer is on fire."
    assert reply.read(own).reply == own


@pytest.mark.parametrize(
    ("labels", "language"),
    [
        (("Von", "Gesendet", "An", "Betreff"), "de"),
        (("De ", "Envoyé ", "À ", "Objet "), "fr"),
        (("От", "Отправлено", "Кому", "Тема"), "ru"),
        (("Від", "Надіслано", "Кому", "Тема"), "uk"),
        (("Lähettäjä", "Lähetetty", "Vastaanottaja", "Aihe"), "fi"),
        (("Kimden", "Gönderildi", "Kime", "Konu"), "tr"),
        (("보낸 사람", "보낸 날짜", "받는 사람", "제목"), "ko"),
        (("寄件者", "寄件日期", "收件者", "主旨"), "zh-TW"),
    ],
)
def test_outlook_header_blocks_in_each_language_end_the_reply(labels, language):
    sender, sent, to, subject = labels
    body = (
        f"Reply ({language}).\n\n{sender}: Support <s@helpmesh.test>\n{sent}: 12.03.2024 10:15\n"
        f"{to}: Kunde <k@example.com>\n{subject}: Router\n\nOld text.\n"
    )
    assert reply.read(body).reply == f"Reply ({language})."


def test_a_bare_rule_separates_the_history_but_a_short_list_footer_does_not():
    history = "Hello,\nplease restart.\nThe light should be green.\nRegards\nSupport"
    for rule in ("_" * 32, "-" * 40):
        assert reply.read(f"Done, still orange.\n\n{rule}\n{history}").reply == (
            "Done, still orange."
        )
    footer = "Answer.\n\n" + "_" * 40 + "\nlist mailing list\nlist@example.com\n"
    assert reply.read(footer).reply == "Answer."  # the footer is a signature, not history
    assert "list@example.com" in reply.read(footer).signature


def test_html_hr_is_a_rule_line():
    text = html_to_text("<div>New words</div><hr><div>old</div>")
    assert text.split("\n")[-3:] == ["_" * 32, "", "old"]


def test_bottom_posted_and_interleaved_replies_keep_only_the_new_text():
    bottom = "On Tue, 12 Mar 2024 10:15, Support wrote:\n> restart it\n\nDone.\n"
    assert reply.read(bottom).reply == "Done."
    interleaved = "> first question\n\nanswer one\n\n> second question\n\nanswer two\n"
    parsed = reply.read(interleaved)
    assert parsed.reply == "answer one\n\nanswer two"
    assert "first question" in parsed.quote and "second question" in parsed.quote


@pytest.mark.parametrize(
    ("body", "sender", "signature"),
    [
        ("Works now.\n\nBest regards,\nAnna", "", "Best regards,\nAnna"),
        (
            "Läuft.\n\nMit freundlichen Grüßen\nJörg Müller",
            "",
            "Mit freundlichen Grüßen\nJörg Müller",
        ),
        ("Работает.\n\nС уважением,\nИван", "", "С уважением,\nИван"),
        ("Works now.\n\nAnna", "Anna Clarke", "Anna"),
        ("Works now.\n\nAnna", "", "Anna"),  # a shared mailbox: a lone name still signs
        ("Works now.\n\n王伟", "", "王伟"),
        ("Works now.\nThanks, Anna", "Anna Clarke", "Thanks, Anna"),
        (
            "Works now.\n\nDana Smith\nHead of IT\nAcme Ltd.\n+1 555 0100 200\nwww.acme.example",
            "",
            "Dana Smith\nHead of IT\nAcme Ltd.\n+1 555 0100 200\nwww.acme.example",
        ),
    ],
)
def test_signatures_without_a_delimiter(body, sender, signature):
    parsed = reply.read(body, sender, "")
    assert parsed.signature == signature
    assert parsed.reply == body.split("\n")[0]


@pytest.mark.parametrize(
    ("body", "sender"),
    [
        ("Can you call me?\n\nPlease Help", ""),  # title case, but no name
        ("Yes\n\nOK", "Anna Clarke"),
        ("Thanks", ""),  # the whole reply is never a signature
        ("It broke after:\n\nReboot\nUpdate\nReboot", "Anna Clarke"),
        ("Anna wrote the report yesterday and it is wrong.", "Anna Clarke"),
    ],
)
def test_text_that_only_looks_like_a_signature_stays_in_the_reply(body, sender):
    parsed = reply.read(body, sender, "")
    assert parsed.reply == body and parsed.signature == ""


def test_phrase_tables_cover_every_language():
    from helpmesh.channels.email import quote_phrases

    for table in (
        quote_phrases.ATTRIBUTION_VERBS,
        quote_phrases.HEADER_FROM_LABELS,
        quote_phrases.HEADER_OTHER_LABELS,
        quote_phrases.ORIGINAL_MESSAGE,
        quote_phrases.SIGN_OFFS,
    ):
        assert set(LANGUAGES) <= set(table)
    assert quotes.ORIGINAL_MESSAGE.match("-----Původní zpráva-----")
    assert quotes.SIGN_OFF.match("Ystävällisin terveisin,")


def test_format_flowed_is_joined_as_the_reader_sees_it():
    from helpmesh.channels.email.flowed import unflow

    wire = "A long \r\nline.\r\n>> quoted \r\n>> more\r\n-- \r\nAnna\r\n"
    assert unflow(wire) == "A long line.\n>> quoted more\n-- \nAnna\n"
    assert unflow("split \nword", delsp=True) == "splitword"
    assert unflow(" >not a quote") == ">not a quote"  # space-stuffed


def test_an_attribution_wrapped_after_the_date_is_one_line_again():
    body = "New.\n\nвт, 12 мар. 2024 г. в 10:15,\nHelpmesh <s@helpmesh.test>:\n\n> старое\n"
    parsed = reply.read(body)
    assert parsed.reply == "New."
    assert parsed.quote.startswith("вт, 12 мар. 2024 г. в 10:15, Helpmesh <s@helpmesh.test>:")

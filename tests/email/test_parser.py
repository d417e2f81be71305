# ruff: noqa: RUF001 - real mail text in many scripts
"""``parse`` on real messages: headers, charsets, bodies, attachments, classification."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from emails import FIXTURES, eml

from helpmesh.channels.email.parser import parse


def test_gmail_reply_headers_and_reply():
    mail = parse(eml("gmail_reply.eml")).as_json()
    assert mail["message_id"] == "<CAF3xk+Vq1=gmail-reply-1@mail.gmail.com>"
    assert mail["in_reply_to"] == "<ticket-1-abc@helpmesh.test>"
    assert mail["references"] == ["<ticket-1-abc@helpmesh.test>"]
    assert mail["from"] == {"name": "Alice Example", "address": "alice@example.com"}
    assert mail["cc"] == [{"name": "Carol", "address": "carol@example.com"}]
    assert mail["date"] == "2024-03-05T10:12:31+00:00"
    assert mail["reply"] == "Thanks, that worked – the printer is cool again."
    assert mail["signature"] == "Alice"  # the sender's name closing the reply (issue 18)
    assert "Please unplug it" in mail["text"]
    assert mail["auto_submitted"] is False and mail["bounce"] is False
    assert mail["errors"] == []


def test_outlook_header_block_in_german_and_8bit_latin1_headers():
    mail = parse(eml("outlook_reply_cp1252.eml"))
    assert mail.subject == "AW: Rechnung für März"
    assert mail.sender.name == "Müller, Jörg"
    assert mail.reply.endswith("bitte nochmal senden.") and mail.signature == "Grüße\nJörg"
    assert "Von:" not in mail.reply and "anbei" not in mail.reply


def test_original_message_delimiter():
    mail = parse(eml("outlook_original_message.eml"))
    assert mail.reply == "Still locked, sorry."
    assert mail.signature == "Dana Smith\nHead of IT"  # the sender's name and title (issue 18)


def test_apple_mail_german_signature_and_html_sanitized():
    mail = parse(eml("apple_mail_de.eml"))
    assert mail.reply == "Die Lieferung ist angekommen, danke!"
    assert mail.signature == "Von meinem iPhone gesendet"
    assert "<script" not in mail.html and "onerror" not in mail.html
    assert ' src="https://tracker' not in mail.html  # remote images wait for consent
    assert 'data-src="https://tracker' in mail.html


def test_html_only_thunderbird_french():
    mail = parse(eml("html_only_thunderbird_fr.eml"))
    assert mail.subject == "Re: Problème de connexion"
    assert mail.sender.name == "Françoise Dupont"
    assert mail.reply == "Bonjour,\n\nCela ne marche toujours pas. ici"
    assert mail.signature == "Françoise Dupont\nACME SA"
    assert "Essayez" in mail.text and "javascript:" not in mail.html and "onclick" not in mail.html


def test_asian_and_cyrillic_charsets():
    japanese = parse(eml("japanese_iso2022jp.eml"))
    assert japanese.subject == "問い合わせ" and japanese.sender.name == "山田 太郎"
    assert japanese.reply == "お世話になっております。\nパスワードを忘れました。"
    chinese = parse(eml("chinese_gb2312.eml"))
    assert chinese.reply == "我的订单还没有到。" and chinese.signature == "发自我的iPhone"
    russian = parse(eml("russian_koi8r.eml"))
    assert russian.subject == "Проблема" and russian.reply == "Не работает вход."


def test_spanish_wrapped_attribution():
    assert parse(eml("spanish_reply.eml")).reply == "Sí, el pedido llegó roto."


def test_mislabeled_missing_and_unknown_charsets_are_read_and_reported():
    mislabeled = parse(eml("mislabeled_charset.eml"))
    assert mislabeled.subject == "Café order"
    assert mislabeled.text.strip() == "I ordered a café crème – it never came."
    assert parse(eml("missing_charset.eml")).text.strip() == "Smart quotes “here” and naïve."
    unknown = parse(eml("unknown_charset.eml"))
    assert unknown.text.strip() == "Hello été" and unknown.errors


def test_attachments_rfc2231_tnef_inline_and_nested_message():
    attachments = parse(eml("rfc2231_tnef_nested.eml")).as_json()["attachments"]
    assert [(a["filename"], a["content_type"], a["inline"]) for a in attachments] == [
        ("Rechnung für März.pdf", "application/pdf", False),
        ("winmail.dat", "application/ms-tnef", False),
        ("über.png", "image/png", True),
        ("Broken widget.eml", "message/rfc822", False),
    ]
    assert attachments[2]["content_id"] == "logo123@example.com"
    assert all(a["size"] > 0 for a in attachments)


def test_automatic_mail_is_flagged():
    assert parse(eml("out_of_office.eml")).auto_submitted
    assert parse(eml("mailing_list.eml")).auto_submitted


def test_bounce_names_the_failed_recipient():
    mail = parse(eml("bounce_dsn.eml")).as_json()
    assert mail["bounce"] is True and mail["auto_submitted"] is True
    assert mail["bounce_recipient"] == "gone@example.com"


def test_a_broken_message_still_yields_what_could_be_read():
    mail = parse(eml("broken_structure.eml")).as_json()
    assert mail["errors"]
    assert mail["date"] is None and mail["from"] is None


def test_cli_prints_one_line_per_file_in_order_and_fails_only_on_unreadable(tmp_path):
    files = [str(FIXTURES / "gmail_reply.eml"), str(FIXTURES / "broken_structure.eml")]
    env_home = {"HELPMESH_HOME": str(tmp_path)}
    done = _run(["mail", "parse", "--json", *files], env_home)
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert done.returncode == 0
    assert [line["file"] for line in lines] == files
    assert lines[0]["subject"] == "Re: [#1] Printer on fire"
    missing = _run(["mail", "parse", "--json", files[0], str(tmp_path / "nope.eml")], env_home)
    assert missing.returncode != 0 and len(missing.stdout.splitlines()) == 2


def _run(args, extra_env):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPMESH_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "helpmesh.cli", *args],
        env={**env, **extra_env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

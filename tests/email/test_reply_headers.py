# ruff: noqa: RUF001 - real subjects in many scripts
"""Legacy header charsets decoded as mail clients do (fixtures/header_charsets/, see its README)."""

from __future__ import annotations

import json

import pytest
from emails import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

from helpmesh.channels.email import charsets, headers
from helpmesh.channels.email.parser import parse

HEADERS = FIXTURES / "header_charsets"


@pytest.mark.parametrize(
    ("filename", "subject", "sender"),
    [
        ("raw_gbk_foxmail.eml", "关于订单的问题（急）", "王伟"),
        ("raw_gbk_no_hint.eml", "订单问题", ""),
        ("raw_shift_jis.eml", "お問い合わせ：ログインできません", "山田 太郎"),
        ("encoded_shift_jis_gb2312.eml", "Re: 请查收發票", "山田 太郎"),
        ("raw_koi8r.eml", "Не работает вход в кабинет", ""),
        ("raw_cp1251.eml", "Ваш заказ №123 не доставлен", ""),
        ("split_encoded_words.eml", "Ошибка при оплате заказа", "Jörg Müller"),
        ("raw_euc_kr.eml", "주문 문의드립니다", ""),
    ],
)
def test_legacy_and_split_headers_read_as_the_sender_wrote_them(filename, subject, sender):
    raw = (HEADERS / filename).read_bytes()
    mail = parse(raw)
    assert mail.subject == subject
    assert mail.sender is not None and mail.sender.name == sender
    assert mail.raw == raw  # the raw header stays in the stored message


def test_a_broken_encoded_word_stays_as_written_and_an_unknown_label_is_guessed():
    mail = parse((HEADERS / "broken_encoded_word.eml").read_bytes())
    assert mail.subject == "=?utf-8?B?!!!?= Привет"
    json.dumps(mail.as_json())


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("你好，我的订单还没有到", "gbk"),
        ("お問い合わせ", "euc_jp"),
        ("問い合わせ", "shift_jis"),
        ("주문 문의드립니다", "euc_kr"),
        ("我們的訂單", "big5"),
        ("Проблема со входом", "koi8_r"),
        ("Проблема со входом", "cp1251"),
        ("Zażółć gęślą jaźń", "cp1250"),
        ("Rechnung für März", "cp1252"),
    ],
)
def test_unlabeled_bytes_are_read_in_the_charset_whose_text_is_plausible(text, codec):
    assert charsets.guess(text.encode(codec)) == text


def test_the_message_charset_is_the_first_guess_for_raw_header_bytes():
    # These two bytes are valid both as Shift_JIS and as GBK; the body's charset decides.
    data = "亜".encode("cp932")
    assert charsets.guess(data, ["shift_jis"]) == "亜"
    assert charsets.guess(data, ["gbk"]) == data.decode("gbk") != "亜"


@given(st.binary(max_size=200))
@settings(max_examples=300, deadline=None)
def test_header_decoding_never_raises(data):
    text = data.decode("latin-1")
    headers.decode_words(text)
    headers.decode_words(f"=?utf-8?B?{text}?= =?gb2312?Q?{text}?=")
    charsets.guess(data, ["shift_jis", "x-bogus"])

"""Turn the bytes of a body or header into text, whatever the sender claimed the charset was.

Mail arrives with every charset Python knows, with aliases Python does not know
(``ks_c_5601-1987``, ``x-unknown``), mislabeled (UTF-8 sent as ``iso-8859-1``) and unlabeled.
Decoding never raises: the last resort is windows-1252, which maps every byte.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable

# Names seen in real mail that Python's codec registry does not resolve (or resolves badly).
ALIASES = {
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-8-e": "iso-8859-8",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "big5": "big5hkscs",
    "shift-jis": "cp932",
    "shift_jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "euc-jp": "euc_jis_2004",
    "iso-2022-jp": "iso2022_jp_ext",
    "x-mac-roman": "mac_roman",
    "macintosh": "mac_roman",
    "unicode-1-1-utf-7": "utf-7",
    "utf8": "utf-8",
    "x-unknown": "",
    "unknown-8bit": "",
    "unknown": "",
    "default": "",
    "us-ascii": "",  # 8-bit bytes labeled ASCII: guess
    "ascii": "",
    "iso-8859-1": "windows-1252",  # senders mean cp1252 (smart quotes in 0x80-0x9f)
    "latin1": "windows-1252",
    "latin-1": "windows-1252",
}


def codec_for(label: str | None) -> str:
    """The Python codec for a charset label, or "" when it must be guessed."""
    name = (label or "").strip().strip('"').strip("'").lower().partition("*")[0]  # RFC 2231 lang
    if not name:
        return ""
    name = ALIASES.get(name, name)
    if not name:
        return ""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return ""


def decode(data: bytes, label: str | None = None) -> tuple[str, bool]:
    """Decode ``data``; returns (text, clean) where clean is False if we had to guess or replace."""
    codec = codec_for(label)
    if data.isascii() and not codec.startswith(("iso2022", "utf_7", "utf-7", "hz")):
        return data.decode("ascii"), True
    if codec and codec not in ("cp1252", "windows-1252"):
        try:
            return data.decode(codec), True
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        text = data.decode("utf-8")
        return text, bool(codec) and codec in ("utf-8", "cp1252")
    except UnicodeDecodeError:
        pass
    if codec:
        return data.decode(codec, errors="replace"), codec == "cp1252"
    return data.decode("windows-1252", errors="replace"), False


# Legacy charsets that 8-bit headers without a label arrive in, tried in this order when neither
# UTF-8 nor the message's own charsets read them (ties go to the earlier one).
LEGACY = ("gb18030", "cp932", "euc_jis_2004", "cp949", "big5hkscs", "cp1251", "koi8_r", "cp1250")


def guess(data: bytes, hints: Iterable[str] = ()) -> str:
    """Text of unlabeled 8-bit bytes (a raw header), read as a mail client would.

    UTF-8 when the bytes are valid UTF-8; else the message's own charsets (``hints``: a client
    that writes raw 8-bit headers writes them in its body charset) when they read the bytes as
    plausible text; else the legacy charset whose reading looks most like text in its script;
    windows-1252 as the last resort. Never raises.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for hint in hints:
        codec = codec_for(hint)
        if not codec or codec in ("utf-8", "ascii"):
            continue
        text = _strict(data, codec)
        if text is not None and plausibility(text) >= 0:
            return text
    high_bytes = sum(1 for byte in data if byte > 0x7F) or 1
    best, best_score = data.decode("windows-1252", errors="replace"), float("-inf")
    for codec in (*LEGACY, "cp1252"):
        text = _strict(data, codec)
        if text is None:
            continue
        score = plausibility(text) * _non_ascii(text) / high_bytes  # per byte: fair across widths
        if codec in _JAPANESE and any("\u3040" <= char <= "\u30ff" for char in text):
            score += 0.3  # GB2312 has the JIS kana rows too: kana means Japanese
        if score > best_score:
            best, best_score = text, score
    return best


_JAPANESE = ("cp932", "euc_jis_2004")


def _non_ascii(text: str) -> int:
    return sum(1 for char in text if not char.isascii())


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def plausibility(text: str) -> float:
    """How much ``text`` reads like real writing in one script (per non-ASCII character).

    Scores per character are about 2 for a two-byte script and 1 for a one-byte one, so that
    ``guess`` can compare readings per byte.

    Right readings give common letters of one script (kana for Japanese, Hangul syllables
    alone for Korean, GB2312 Hanzi, lower-case Cyrillic words); wrong ones give half-width
    katakana, box drawing, private-use and rare characters, Cyrillic or Hanzi glued to Latin
    letters, runs of accented Latin letters, and Hangul mixed with Hanja.
    """
    score, counted, previous = 0.0, 0, ""
    hangul = hanzi = 0
    for char in text:
        if char.isascii():
            if not char.isprintable() and char not in "\t\r\n":
                score -= 5
            previous = char
            continue
        counted += 1
        point = ord(char)
        if 0x3040 <= point <= 0x30FF or 0xFF01 <= point <= 0xFF5E:  # kana, full-width forms
            score += 2
        elif 0xAC00 <= point <= 0xD7A3:
            hangul += 1
            score += 2 if _encodable(char, "euc_kr") else 0.4  # the 2,350 common syllables
        elif 0x4E00 <= point <= 0x9FFF:
            hanzi += 1
            score += 2 if _encodable(char, "gb2312") else 0.4
            if previous.isascii() and (previous.isalpha() or previous == " "):
                score -= 1  # Hanzi glued to Latin letters or between spaces: a wrong reading
        elif 0x0400 <= point <= 0x04FF:
            score += _cyrillic(char, previous)
        elif 0x00C0 <= point <= 0x00FF:
            score += -1 if 0x00C0 <= ord(previous or " ") <= 0x00FF else 0.5
        elif 0xFF61 <= point <= 0xFF9F or 0x2500 <= point <= 0x259F:
            score -= 2
        elif 0xE000 <= point <= 0xF8FF or 0x3400 <= point <= 0x4DBF or point == 0xFFFD:
            score -= 3
        elif 0x0080 <= point <= 0x00BF:
            score -= 1
        previous = char
    if hangul and hanzi:
        score -= 2 * min(hangul, hanzi)  # Korean is written in Hangul; a mix is a wrong reading
    return score / counted if counted else 0.0


def _cyrillic(char: str, previous: str) -> float:
    if previous.isascii() and previous.isalpha():
        return -2  # "Mьller": a Latin word read as Cyrillic
    if char.isupper() and "\u0400" <= previous <= "\u04ff" and previous.isalpha():
        return -1  # capitals inside a word: KOI8-R read as windows-1251 or the reverse
    return 1 if char.islower() else 0.5


def _encodable(char: str, codec: str) -> bool:
    """Whether ``char`` is in a national standard's basic set (its common characters)."""
    try:
        return len(char.encode(codec)) == 2  # euc_kr spells rare syllables in 8 bytes
    except UnicodeEncodeError:
        return False

"""Turn the bytes of a body or header into text, whatever the sender claimed the charset was.

Mail arrives with every charset Python knows, with aliases Python does not know
(``ks_c_5601-1987``, ``x-unknown``), mislabeled (UTF-8 sent as ``iso-8859-1``) and unlabeled.
Decoding never raises: the last resort is windows-1252, which maps every byte.
"""

from __future__ import annotations

import codecs

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
    name = (label or "").strip().strip('"').strip("'").lower()
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

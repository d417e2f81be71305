# ruff: noqa: RUF001, RUF003 - mail clients write these languages; the look-alike letters are real
"""The patterns that find quoted history and signatures, compiled from ``quote_phrases``.

The phrases themselves (and where they come from) are data in ``quote_phrases.py``: a new client
or language is an entry there, not a change here or in the algorithm (``reply.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from helpmesh.channels.email import quote_phrases as phrases


def _alternation(groups: Iterable[Iterable[str]], *, escape: bool = False) -> str:
    seen: dict[str, None] = {}
    for group in groups:
        for phrase in group:
            seen[re.escape(phrase) if escape else phrase] = None
    # Longest first, so "Enviado el" wins over "Enviado" and "a écrit" over "écrit".
    return "|".join(sorted(seen, key=len, reverse=True))


_VERBS = _alternation(phrases.ATTRIBUTION_VERBS.values())
# An attribution line: a verb, optionally the sender or the date after it, and a final colon.
ATTRIBUTION = re.compile(r"(?:" + _VERBS + r")(?:[\s,(][^\n]{0,200}?)?\s*[:：]\s*$", re.IGNORECASE)
# The classic full-line forms ("On <date>, <name> wrote:"), kept for clients that write no date.
_QUOTE_HEADERS = [
    r"On\s.+\swrote\s?:",
    r"On\s.+wrote:",  # some clients glue the address to "wrote"
    r"Am\s.+\s(?:schrieb|geschrieben)\s?.*:",
    r"Le\s.+\sa\s+[ée]crit\s?:",
    r"El\s.+\sescribi[óo](?:\s+lo\s+siguiente)?\s?:",
    r"Op\s.+\s(?:schreef|heeft\s.+\sgeschreven)\s?.*:",
    r"(?:Em|No dia)\s.+\sescreveu\s?:",
    r"(?:Il|In data)\s.+\sha\s+scritto\s?:",
    r"(?:W dniu|Dnia)\s.+\s(?:napisał|napisała|pisze|napisał\(a\))\s?:",
    r".+\s(?:пишет|написал|написала|написал\(а\))\s?:",
    r".+(?:のメッセージ|さんは書きました|が書きました|は書きました|wrote)\s?[:：]",
    r".+(?:写道|寫道)\s?[:：]",
    r"\d{4}[年/.-]\s?\d{1,2}[月/.-].+[:：]",  # ja/zh date-first attributions ending in a colon
]
QUOTE_HEADER = re.compile(r"^\s*(?:" + "|".join(_QUOTE_HEADERS) + r")\s*$", re.IGNORECASE)
# A line that may begin a wrapped attribution (checked before trying to join lines).
QUOTE_HEADER_START = re.compile(
    r"^\s*(?:" + _alternation(phrases.ATTRIBUTION_LEADS.values()) + r")\s", re.IGNORECASE
)

# What an attribution written by a machine carries: an address, a time of day, a year.
EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
TIME = re.compile(r"(?<!\d)\d{1,2}[:.h]\d{2}(?!\d)|(?:午前|午後|上午|下午|오전|오후)\s?\d")
YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)|(?<!\d)\d{1,2}[./-]\d{1,2}[./-]\d{2}(?!\d)")

# Outlook-style header blocks: "From: ..." followed by "Sent:"/"Date:"/"To:"/"Subject:" lines.
_FROM = _alternation(phrases.HEADER_FROM_LABELS.values(), escape=True)
_OTHER = _alternation(phrases.HEADER_OTHER_LABELS.values(), escape=True)
HEADER_FROM = re.compile(r"^\s*\*?\s*(?:" + _FROM + r")\s*\*?\s*[:：]\s*\*?\s*\S", re.IGNORECASE)
HEADER_OTHER = re.compile(r"^\s*\*?\s*(?:" + _OTHER + r")\s*\*?\s*[:：]", re.IGNORECASE)

ORIGINAL_MESSAGE = re.compile(
    r"^\s*[-_=]{2,}\s*(?:"
    + _alternation(phrases.ORIGINAL_MESSAGE.values(), escape=True)
    + r")\s*[-_=]{2,}\s*$",
    re.IGNORECASE,
)
FORWARD_MARKER = re.compile(
    r"^\s*(?:-{2,}\s*(?:Forwarded message|Weitergeleitete Nachricht|Message transféré|"
    r"Mensaje reenviado|Doorgestuurd bericht|Mensagem encaminhada|Messaggio inoltrato|"
    r"Wiadomość przekazana dalej|Пересылаемое сообщение|転送されたメッセージ|转发的邮件)\s*-{2,}|"
    r"Begin forwarded message:|Anfang der weitergeleiteten Nachricht:|"
    r"Début du message réexpédié :?|Inicio del mensaje reenviado:)\s*$",
    re.IGNORECASE,
)
SEPARATOR = re.compile(r"^\s*[-_=]{5,}\s*$")
# A title framed by dashes ("---------- Původní e-mail ----------"), in any language: over a
# header block it belongs to the history.
FRAMED_TITLE = re.compile(r"^\s*[-=]{2,}\s*\S.{0,80}?\s*[-=]{2,}\s*$")
# Zoho's attribution: framed by dashes, no colon ("---- On <date> <sender> wrote ----").
FRAMED_ATTRIBUTION = re.compile(
    r"^\s*-{2,}\s*(?=.*(?:" + _VERBS + r"))(.{10,300}?)\s*-{2,}\s*$", re.IGNORECASE
)
# A horizontal rule that on its own separates the reply from the history (Outlook writes 32
# underscores; HTML <hr> is rendered as that line by ``htmltext``; text clients use dashes).
RULE = re.compile(r"^\s*(?:_{10,}|-{20,}|={20,}|—{10,})\s*$")

MOBILE_SIGNATURE = re.compile(
    r"^\s*(?:" + "|".join(phrases.MOBILE_SIGNATURES) + r")\s*$", re.IGNORECASE
)

# A closing formula on its own line, with its punctuation ("Best regards,", "С уважением!").
_SIGN_OFFS = _alternation(phrases.SIGN_OFFS.values(), escape=True)
SIGN_OFF = re.compile(r"^\s*(?:" + _SIGN_OFFS + r")\s*[,.!。！、]*\s*$", re.IGNORECASE)
# The same with a name after it on the same line ("Thanks, Anna", "Cheers - Bob").
SIGN_OFF_WITH_NAME = re.compile(
    r"^\s*(?:" + _SIGN_OFFS + r")\s*[,!.]?\s*[-–—]?\s*(\w[\w.'-]*(?:\s\w[\w.'-]*){0,2})\s*$",
    re.IGNORECASE,
)
PHONE = re.compile(
    r"(?:\+|\(0|\b0)\d[\d\s()./-]{6,}\d|\b(?:tel|phone|mobile|fax|mob|m|t|p)\b\.?\s*:"
)
URL = re.compile(r"https?://|www\.\w|\b[\w-]+\.(?:com|org|net|de|fr|ru|io|co|example)\b")

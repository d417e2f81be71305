"""The bot's pure judgement: how sure it is, what it says, and when a person must answer.

No database, no settings: ``bot.services`` passes the thresholds and phrase lists in, and
``bench/bot_calibrate.py`` calls the same functions to choose the thresholds.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_WORD = re.compile(r"\w+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_HEADING = re.compile(r"^ {0,3}#{1,6}\s.*$", re.MULTILINE)
_MARKDOWN_NOISE = re.compile(r"^ {0,3}([-*+]|\d+[.)]|>) +|[*_`~]{1,3}", re.MULTILINE)
MAX_SENTENCES = 3
MAX_ANSWER_CHARS = 420

# Words too common to say whether a document is about the question (English and a few others).
STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been being
    do does did doing have has had i me my we our you your he she it its they them their this
    that these those there here what which who whom how why when where can could should would
    will shall may might must not no yes so than then too very just about into over under again
    any all some each other such only own same get got also le la les un une des de du et est
    pour que qui dans en der die das und ist ein eine zu el los las y es por con""".split()  # noqa: SIM905
)

# Asking for a person: a request in English ("can I talk to someone", "I need a human"), a
# phrase in another language, or a bare word in a short message ("agent!", "humain svp").
_PEOPLE = r"(human|person|agent|someone|somebody|representative|operator|staff|people)"
HUMAN_REQUEST = re.compile(
    rf"\b(talk|speak|chat|connect me|put me through)\b.{{0,20}}\b{_PEOPLE}\b"
    rf"|\b(want|need|get)\b.{{0,8}}\b(a|an|some|real)\s+{_PEOPLE}\b"
    r"|\b(real person|human being|live agent|customer service)\b"
)
HUMAN_PHRASES = (
    "parler à quelqu'un", "parler a quelqu'un", "parler à un conseiller", "parler à un humain",
    "parler à une personne", "mit jemandem sprechen", "mit einem menschen",
    "mit einem mitarbeiter", "hablar con alguien", "hablar con una persona",
    "hablar con un agente", "parlare con qualcuno", "parlare con un operatore",
    "falar com alguém", "falar com um atendente", "iemand spreken", "met een medewerker",
)  # fmt: skip
HUMAN_WORDS = (
    "human", "agent", "person", "someone", "operator", "humain", "conseiller", "mensch",
    "mitarbeiter", "humano", "persona", "operador", "operatore", "atendente", "medewerker",
)  # fmt: skip
SHORT_MESSAGE_WORDS = 6


def normalize(text: str) -> str:
    """Lower case, accents kept, spacing collapsed: what phrase matching compares."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def terms(text: str) -> list[str]:
    """The words that say what a text is about (lower case, no stop words, 2+ letters, plural
    and -ing/-ed endings cut so "passwords" meets "password")."""
    return [stem(w) for w in _WORD.findall(text.casefold()) if len(w) > 1 and w not in STOPWORDS]


def stem(word: str) -> str:
    """A light English stem: enough to match word forms, never meant to be a word."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def contains_phrase(text: str, phrases: Iterable[str]) -> str | None:
    """The first of ``phrases`` found in ``text`` as whole words, or None."""
    haystack = normalize(text)
    for phrase in phrases:
        wanted = normalize(phrase)
        if wanted and re.search(rf"(?<!\w){re.escape(wanted)}(?!\w)", haystack):
            return phrase
    return None


def asks_for_human(text: str) -> bool:
    """The customer asks for a person ("talk to someone", "agent please", "un conseiller")."""
    if HUMAN_REQUEST.search(normalize(text)) or contains_phrase(text, HUMAN_PHRASES):
        return True
    words = _WORD.findall(normalize(text))
    return len(words) <= SHORT_MESSAGE_WORDS and any(w in HUMAN_WORDS for w in words)


def never_automate(text: str, intent: str | None, topics: Iterable[str]) -> str | None:
    """The never-automate topic the question (or its triage intent) touches, or None."""
    topics = list(topics)
    if intent:
        spoken = normalize(intent.replace("_", " ").replace("-", " "))
        for topic in topics:
            if normalize(topic.replace("_", " ").replace("-", " ")) == spoken:
                return topic
    return contains_phrase(text, topics)


def lexical_confidence(question: str, title: str, body: str) -> float:
    """Without embeddings: the share of the question's words found in the document (0..1)."""
    wanted = set(terms(question))
    if not wanted:
        return 0.0
    found = set(terms(f"{title}\n{body}"))
    return round(len(wanted & found) / len(wanted), 4)


def plain(markdown: str) -> str:
    """Markdown as readable text: headings, marks and bullets go; links become their words."""
    text = _MARKDOWN_HEADING.sub("", markdown)
    return _MARKDOWN_NOISE.sub("", _MARKDOWN_LINK.sub(r"\1", text))


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(plain(text)) if len(s.strip()) > 1]


def passage(question: str, body: str, *, title: str = "") -> str:
    """The best 1-3 consecutive sentences of ``body`` for ``question``.

    Each window of up to three sentences scores the question words it shares (its first
    sentence counts double, the others half, so an answer starts where the body talks about
    the question); the earliest best window wins, cut to ``MAX_ANSWER_CHARS`` on a sentence
    boundary. Without any shared word, the body's first sentences.
    """
    parts = sentences(body)
    if not parts:
        return title
    wanted = set(terms(question)) - set(terms(title))
    wanted = wanted or set(terms(question))
    scores = [len(wanted & set(terms(s))) for s in parts]
    best, best_score = 0, -1.0
    for start in range(len(parts)):
        window = scores[start : start + MAX_SENTENCES]
        score = window[0] * 2 + sum(window[1:]) * 0.5
        if score > best_score:
            best, best_score = start, score
    chosen: list[str] = []
    for sentence in parts[best : best + MAX_SENTENCES]:
        if chosen and len(" ".join([*chosen, sentence])) > MAX_ANSWER_CHARS:
            break
        chosen.append(sentence)
    text = " ".join(chosen)
    return text if len(text) <= MAX_ANSWER_CHARS else text[: MAX_ANSWER_CHARS - 1].rstrip() + "…"


def shorten(text: str, limit: int = 80) -> str:
    """One line of at most ``limit`` characters (a ticket subject from a question)."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"

"""Strip personal data from ticket text before it becomes a help article anyone may read."""

from __future__ import annotations

import re
from collections.abc import Iterable

EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
# Nine or more digits, optionally with +, spaces, dots, dashes or brackets between them:
# phone numbers, but not order references like A-10234 or amounts like 49.00.
PHONE = re.compile(r"(?<![\w])\+?\(?\d(?:[\s().-]{0,2}\d){8,}(?![\w])")


def redact(text: str, names: Iterable[str] = ()) -> str:
    """``text`` with e-mail addresses, phone numbers and the given people's names replaced."""
    text = EMAIL.sub("[email]", text)
    text = PHONE.sub("[phone]", text)
    for name in sorted({n.strip() for n in names if len(n.strip()) > 1}, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(name)}\b", "[name]", text, flags=re.IGNORECASE)
    return text

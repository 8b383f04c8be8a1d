"""What the person typed, made safe to pass on: no control characters, and within the size we accept."""
from __future__ import annotations

import unicodedata


def clean(text: str) -> str:
    """Control and format characters out (newlines and tabs stay as spaces or line breaks), trimmed.

    Bidi overrides and zero-width characters are "format" characters: they could make a name look like
    another one in the school's records."""
    kept = []
    for ch in text.replace("\r\n", "\n").replace("\r", "\n"):
        if ch in "\n\t":
            kept.append(" " if ch == "\t" else ch)
        elif unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"):
            kept.append(ch)
    return "".join(kept).strip()

"""Every text the code sends is in the catalogs, translated to Bokmål and Nynorsk."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"t": (2,), "tn": (2, 3), "N_": None}


def code_msgids() -> set[str]:
    found = set()
    for package in ("naervaer", "actions", "bot"):
        for _file, _line, message, _comments, _ctx in extract_from_dir(
                ROOT / package, method_map=[("**.py", "python")], keywords=KEYWORDS):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalog(lang: str):
    with (ROOT / "naervaer" / "locale" / lang / "LC_MESSAGES" / "naervaer.po").open("rb") as fh:
        return read_po(fh, locale=lang)


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_every_message_in_the_code_is_translated(lang):
    translated = {}
    for m in catalog(lang):
        if m.id:
            key = m.id[0] if isinstance(m.id, tuple) else m.id
            value = m.string[0] if isinstance(m.string, tuple) else m.string
            translated[key] = value and "fuzzy" not in m.flags
    missing = sorted(k for k in code_msgids() if not translated.get(k))
    assert missing == [], "run `make i18n-extract` and translate these in naervaer/locale/*/LC_MESSAGES/naervaer.po"


def test_placeholders_survive_translation():
    for lang in ("nb", "nn"):
        for m in catalog(lang):
            if not m.id or not m.string:
                continue
            ids = m.id if isinstance(m.id, tuple) else (m.id,)
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            wanted = {p for p in ("{name}", "{n}", "{file}", "{since}", "{line}", "{message}") if p in ids[0]}
            for s in strings:
                assert all(p in s for p in wanted), (lang, m.id, s)

"""Every text the code sends is in every catalog, translated, with its placeholders and the language's plural
forms, and each catalog says who wrote it and whether a native speaker has reviewed it."""
from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.extract import extract_from_dir
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from naervaer.i18n import compile_catalog
from naervaer.languages import LANGUAGES, SOURCE_LANGUAGE, language

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"t": (2,), "tn": (2, 3), "N_": None}
TRANSLATED = [code for code in LANGUAGES if code != SOURCE_LANGUAGE]
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def code_msgids() -> set[str]:
    found = set()
    for package in ("naervaer", "actions", "bot", "web"):
        for _file, _line, message, _comments, _ctx in extract_from_dir(
                ROOT / package, method_map=[("**.py", "python")], keywords=KEYWORDS):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def po_path(lang: str) -> Path:
    return ROOT / "naervaer" / "locale" / lang / "LC_MESSAGES" / "naervaer.po"


def catalog(lang: str):
    with po_path(lang).open("rb") as fh:
        return read_po(fh, locale=lang)


def forms_for_one_number(po) -> set[int]:
    """The plural forms used for a single number only (Arabic's "one" and "two", Polish's "one"): their words
    say the number ("حصتان", two lessons), so they may leave out {n}."""
    rule = gettext.c2py(po.plural_expr)
    numbers: dict[int, set[int]] = {}
    for n in range(1000):
        numbers.setdefault(rule(n), set()).add(n)
    return {form for form, ns in numbers.items() if len(ns) == 1}


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_in_the_code_is_translated(lang):
    translated = {}
    for m in catalog(lang):
        if m.id:
            key = m.id[0] if isinstance(m.id, tuple) else m.id
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            translated[key] = all(strings) and "fuzzy" not in m.flags
    missing = sorted(k for k in code_msgids() if not translated.get(k))
    assert missing == [], f"{lang}: run `make i18n-extract` and translate these in {po_path(lang)}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_placeholders_are_neither_lost_nor_added(lang):
    po = catalog(lang)
    single = forms_for_one_number(po)
    for m in po:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for form, s in enumerate(strings):
            found = set(PLACEHOLDER.findall(s))
            if len(strings) > 1 and form in single:
                found |= {"n"}
            assert found == wanted, (lang, m.id, s)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_plural_forms_are_the_languages_own(lang):
    """Arabic has six forms, Polish, Lithuanian and Ukrainian three: the header's rule is CLDR's (Babel), and
    every plural entry has exactly that many forms, each of which formats."""
    po = catalog(lang)
    expected = get_plural(Locale.parse(language(lang).locale))
    assert (po.num_plurals, po.plural_expr) == (expected.num_plurals, expected.plural_expr), lang
    mo = po_path(lang).with_suffix(".mo")
    compile_catalog(po_path(lang), mo)
    with mo.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    single = forms_for_one_number(po)
    plurals = [m for m in po if m.id and isinstance(m.id, tuple)]
    assert plurals
    for m in plurals:
        assert len(m.string) == po.num_plurals and all(m.string), (lang, m.id)
        for n in (0, 1, 2, 3, 5, 11, 12, 21, 22, 101, 111):
            form = compiled.ngettext(m.id[0], m.id[1], n)
            assert form in m.string, (lang, m.id, n)
            # The number shows, unless the form is used for that number alone and its words say it.
            assert str(n) in form.format(n=n) or compiled.plural(n) in single, (lang, m.id, n)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_catalog_says_who_wrote_it_and_whether_it_was_reviewed(lang):
    """Who wrote it is Last-Translator; the review is Language-Team ("None: not reviewed by a native speaker",
    or "Reviewed by <who>, <date>"): the two header fields `pybabel update` keeps (docs/languages.md)."""
    po = catalog(lang)
    assert po.last_translator and "FULL NAME" not in po.last_translator, lang
    assert re.search(r"\breviewed\b", po.language_team or "", re.IGNORECASE), (lang, po.language_team)
    assert "FIRST AUTHOR" not in (po.header_comment or ""), lang

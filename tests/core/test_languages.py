"""Every place that lists the languages agrees with naervaer.languages, so adding one cannot be half done."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import simplemma
import yaml
from babel import Locale
from babel.messages.pofile import read_po
from dateparser.languages.loader import default_loader

from actions.report_absence import SCOPE_PHRASES
from naervaer.dates import DATE_WORDS
from naervaer.guides.schema import Localized
from naervaer.languages import (
    DEFAULT_LANGUAGE, HOME_LANGUAGES, LANGUAGES, SOURCE_LANGUAGE, TYPED_LANGUAGES, language, normalise,
)

ROOT = Path(__file__).resolve().parents[2]


def test_the_table_is_consistent():
    assert DEFAULT_LANGUAGE in LANGUAGES and SOURCE_LANGUAGE in LANGUAGES
    aliases = [alias for code in LANGUAGES for alias in language(code).aliases]
    assert len(aliases) == len(set(aliases)) and not set(aliases) & set(LANGUAGES)
    for a in LANGUAGES:  # a word that marks two languages would tell them apart from nothing
        for b in LANGUAGES:
            assert a == b or not language(a).markers & language(b).markers, (a, b)
    assert [normalise(code.upper() + "-XX") for code in LANGUAGES] == list(LANGUAGES)


@pytest.mark.parametrize("code", LANGUAGES)
def test_babel_formats_the_languages_dates(code):
    """Each language's own weekday and month names (CLDR), not English ones."""
    from datetime import date, datetime

    from babel.dates import get_day_names, get_month_names

    from naervaer.i18n import format_day, format_moment

    locale = Locale.parse(language(code).locale)
    day = format_day(date(2026, 12, 2), code)
    assert get_day_names("wide", locale=locale)[2] in day and "2" in day, day
    assert get_month_names("wide", context="format", locale=locale)[12] in day, day
    assert "10" in format_moment(datetime(2026, 12, 2, 10, 5), code)


@pytest.mark.parametrize("code", TYPED_LANGUAGES)
def test_the_libraries_know_the_typed_language(code):
    from lingua import Language

    Locale.parse(language(code).locale)
    getattr(Language, language(code).lingua)
    list(default_loader.get_locale_map(languages=[code]))  # dateparser raises for a language it lacks
    simplemma.is_known("x", lang=code)  # so does simplemma


@pytest.mark.parametrize("code", HOME_LANGUAGES)
def test_a_home_language_is_told_by_lingua_or_by_its_script(code):
    from lingua import Language

    entry = language(code)
    assert (entry.lingua is None) != (entry.script is None), code
    if entry.lingua:
        getattr(Language, entry.lingua)
    assert entry.texts in TYPED_LANGUAGES  # the guides' words come in a language they are written in


def test_each_language_has_a_catalog():
    folders = {p.name for p in (ROOT / "naervaer" / "locale").iterdir() if p.is_dir()}
    assert folders == set(LANGUAGES)
    for code in LANGUAGES:
        assert (ROOT / "naervaer" / "locale" / code / "LC_MESSAGES" / "naervaer.po").exists()


def test_the_sentence_that_offers_the_languages_names_them_all():
    with (ROOT / "naervaer" / "locale" / DEFAULT_LANGUAGE / "LC_MESSAGES" / "naervaer.po").open("rb") as fh:
        offer = next(m.id for m in read_po(fh) if isinstance(m.id, str) and m.id.startswith("I answer in "))
    assert all(language(code).name.casefold() in offer.casefold() for code in LANGUAGES), offer


def test_guide_texts_and_knowledge_answers_have_every_typed_language():
    assert list(Localized.model_fields) == list(TYPED_LANGUAGES)


def test_the_language_slots_take_every_language():
    slots = {}
    for path in sorted((ROOT / "domain").glob("*.yml")):
        for name, slot in ((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("slots") or {}).items():
            if name == "language" or name.endswith("_language"):
                slots[name] = slot.get("values")
    assert slots and all(values == list(LANGUAGES) for values in slots.values()), slots


def test_the_nlu_can_choose_every_language():
    text = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "data" / "nlu").glob("*.yml"))
    chosen = set(re.findall(r'\{"entity":\s*"language",\s*"value":\s*"(\w+)"\}', text))
    assert chosen == set(LANGUAGES)
    synonyms = yaml.safe_load((ROOT / "data" / "nlu" / "synonyms.yml").read_text(encoding="utf-8"))["nlu"]
    assert set(LANGUAGES) <= {item["synonym"] for item in synonyms if "synonym" in item}


def test_the_word_tables_have_every_typed_language():
    assert set(DATE_WORDS) == set(TYPED_LANGUAGES)
    assert set(SCOPE_PHRASES) == set(TYPED_LANGUAGES)
    assert all(set(phrases) == set(SCOPE_PHRASES[DEFAULT_LANGUAGE]) for phrases in SCOPE_PHRASES.values())

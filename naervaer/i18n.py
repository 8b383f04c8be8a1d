"""Languages: gettext catalogs for each of naervaer.languages; Babel for dates; lingua to tell which one a
message is in.

Message ids are English. The catalogs live in naervaer/locale and are compiled by `make i18n`
(part of the set-up); an uncompiled catalog falls back to reading the .po file, so a checkout
is never silently untranslated.
"""
from __future__ import annotations

import gettext
import unicodedata
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from naervaer.languages import (  # noqa: F401 (LANGUAGES and normalise are re-exported)
    DEFAULT_LANGUAGE, HOME_LANGUAGES, LANGUAGES, TYPED_LANGUAGES, language, normalise,
)

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "naervaer"


@lru_cache(maxsize=None)
def translations(lang: str) -> gettext.NullTranslations:
    lang = normalise(lang)
    mo = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    po = mo.with_suffix(".po")
    if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
        compile_catalog(po, mo)
    if mo.exists():
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    return gettext.NullTranslations()


def compile_catalog(po: Path, mo: Path) -> None:
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=po.parent.parent.name)
    tmp = mo.with_suffix(".mo.tmp")
    with tmp.open("wb") as fh:
        write_mo(fh, catalog)
    tmp.replace(mo)  # atomic: two processes compiling at once never leave half a file


def N_(message: str) -> str:
    """Marks a message for the catalog where it is defined; `t` translates it where it is used."""
    return message


def t(lang: str, msgid: str, /, **values: object) -> str:
    """Translate `msgid` into `lang` and fill in `{placeholders}`."""
    text = translations(lang).gettext(msgid)
    return text.format(**values) if values else text


def tn(lang: str, singular: str, plural: str, n: int, /, **values: object) -> str:
    text = translations(lang).ngettext(singular, plural, n)
    return text.format(n=n, **values)


def _babel_locale(lang: str) -> Locale:
    return Locale.parse(language(lang).locale)


def format_day(day: date, lang: str, with_weekday: bool = True) -> str:
    """'tirsdag 1. desember' / 'Tuesday 1 December'."""
    pattern = language(lang).day
    return format_date(day, f"EEEE {pattern}" if with_weekday else pattern, locale=_babel_locale(lang))


def format_moment(moment: datetime, lang: str) -> str:
    """'tirsdag 1. desember kl. 10.00' / 'Tuesday 1 December at 10:00'."""
    return format_datetime(moment, language(lang).moment, locale=_babel_locale(lang))


def language_name(code: str, lang: str) -> str:
    """A language's name written in `lang` ("polsk" for pl in nb), for staff."""
    return Locale.parse(language(code).locale).get_language_name(_babel_locale(lang))


def untranslated_note(lang: str) -> str | None:
    """The one line said before the guides' own words, where they are not written in `lang`."""
    given = language(lang).texts
    if given == normalise(lang):
        return None
    return t(lang, "The school's guideline is not translated into {language}; what it says is given in {given}.",
             language=language(lang).name, given=language_name(given, lang))


def format_number(value: float, lang: str) -> str:
    return format_decimal(value, locale=_babel_locale(lang))


def _lingua(codes):  # noqa: ANN001, ANN202 - lingua's types load lazily
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(*(getattr(Language, language(c).lingua) for c in codes)).build()


@lru_cache(maxsize=1)
def _detector():
    """Bokmål, Nynorsk and English alone: their confidences are what the thresholds below were measured on."""
    return _lingua(TYPED_LANGUAGES)


@lru_cache(maxsize=1)
def _all_detector():
    return _lingua([c for c in LANGUAGES if language(c).lingua])


# A home language is taken only when lingua is this sure of it against every language (typed ones included),
# and, in the Latin script, only from two words on: "Ida" or "ok" is no Polish (measured on the NLU examples,
# tests/core/test_language_detection.py).
HOME_SURE = 0.7


def home_language(text: str) -> str | None:
    """The home language (naervaer.languages) a message is written in, or None: typed languages first."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return None
    for code in HOME_LANGUAGES:
        script = language(code).script
        if script and sum(script[0] <= ord(ch) <= script[1] for ch in letters) * 2 > len(letters):
            return code
    best = _all_detector().compute_language_confidence_values(text)[0]
    code = next((c for c in HOME_LANGUAGES if language(c).lingua == best.language.name), None)
    if code is None or best.value < HOME_SURE:
        return None
    latin = all(ch.isascii() or "LATIN" in unicodedata.name(ch, "") for ch in letters)
    return None if latin and len(text.split()) < 2 else code


def detect_language(text: str, fallback: str = DEFAULT_LANGUAGE, min_confidence: float = 0.6,
                    tie: float = 0.05) -> str:
    """The written language of a message; `fallback` when the message cannot tell.

    Lingua spreads its confidence over Bokmål and Nynorsk for short Norwegian messages, so the two
    are first taken together (is it Norwegian at all?) and then told apart; a near tie keeps the
    fallback (the person's previous language)."""
    from lingua import Language

    fallback = normalise(fallback)
    if not text or len(text.strip()) < 3:
        return fallback
    home = home_language(text)
    if home is not None:
        return home
    scores = {v.language: v.value for v in _detector().compute_language_confidence_values(text)}
    nb, nn, en = (scores.get(Language.BOKMAL, 0.0), scores.get(Language.NYNORSK, 0.0),
                  scores.get(Language.ENGLISH, 0.0))
    if len(text.split()) < 3:
        # One or two words ("hei", "takk") rarely tell Bokmål from Nynorsk: only a clear winner counts.
        if en >= min_confidence:
            return "en"
        if max(nb, nn) >= 0.8:
            return "nb" if nb > nn else "nn"
        return fallback
    if en >= min_confidence:
        return "en"
    if nb + nn < min_confidence:
        return fallback
    if abs(nb - nn) < tie:
        return fallback if fallback in ("nb", "nn") else "nb"
    return "nb" if nb > nn else "nn"

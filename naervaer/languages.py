"""The languages Nærvær speaks, in one table: adding a language starts with one entry here.

A code is ISO 639-1 and is used as is by the gettext catalogs (naervaer/locale/<code>), dateparser,
simplemma, the guide texts (`Localized`) and the Rasa `language` slot; tests/core/test_languages.py
fails when one of them lacks a language listed here. docs/i18n.md lists what else a language needs.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in the language itself, as the language buttons show it
    locale: str  # Babel's, for dates and numbers
    lingua: str  # the member of lingua's `Language` that detects it
    day: str  # a date without the year, as a Babel pattern
    moment: str  # a date and a clock time, as a Babel pattern
    aliases: tuple[str, ...] = ()  # other codes apps send for it (Telegram's language_code, ISO 639-2)
    # Words only this one of our languages uses. Lingua often splits a short Norwegian message nearly
    # evenly between Bokmål and Nynorsk; a message with markers of exactly one language is in that one.
    markers: frozenset[str] = frozenset()


_ALL = (
    Language("nb", "Bokmål", "nb_NO", "BOKMAL", "d. MMMM", "EEEE d. MMMM 'kl.' HH.mm", aliases=("no", "nob"),
             markers=frozenset("hva hvorfor hvordan hvem hvor jeg ikke kommer gjør hun noe noen skole skolen "
                               "fravær fraværet hjemme bare fra være mye egentlig mer vært dager elever dere gi "
                               "gjøre sier nå".split())),
    Language("nn", "Nynorsk", "nn_NO", "NYNORSK", "d. MMMM", "EEEE d. MMMM 'kl.' HH.mm", aliases=("nno",),
             markers=frozenset("kva kvifor korleis kven kvar kor eg ikkje kjem gjer ho dei noko nokon skule "
                               "skulen fråvær fråværet heime berre frå vere sjå mykje eigentleg meir vore dagar "
                               "elevar ein eit dykk gje gjere seier".split())),
    # English is told apart by lingua alone: it needs no markers.
    Language("en", "English", "en_GB", "ENGLISH", "d MMMM", "EEEE d MMMM 'at' HH:mm", aliases=("eng",)),
)

LANGUAGES: tuple[str, ...] = tuple(lang.code for lang in _ALL)
DEFAULT_LANGUAGE = "nb"
SOURCE_LANGUAGE = "en"  # message ids are English, so its catalog holds no translations
_BY_CODE = {lang.code: lang for lang in _ALL}
_ALIASES = {alias: lang.code for lang in _ALL for alias in lang.aliases}


def normalise(lang: str | None) -> str:
    """One of LANGUAGES for any code a person's app or a stored slot may hold ("nb-NO", "no", "eng")."""
    if not lang:
        return DEFAULT_LANGUAGE
    lang = lang.lower().replace("_", "-").split("-")[0]
    return _ALIASES.get(lang, lang if lang in _BY_CODE else DEFAULT_LANGUAGE)


def language(lang: str | None) -> Language:
    return _BY_CODE[normalise(lang)]

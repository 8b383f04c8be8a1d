"""The languages Nærvær speaks, in one table: adding a language starts with one entry here.

A code is ISO 639-1 and is used as is by the gettext catalogs (naervaer/locale/<code>) and the Rasa
`language` slot. Two kinds of language (docs/languages.md):
- typed languages (nb, nn, en): the NLU, dateparser, simplemma and the guide texts (`Localized`) read and
  write them, so a person may type anything;
- home languages (pl, lt, uk, ar, so, ti, ur): the chat speaks them from its catalogs and runs on buttons;
  typed text in them is never read (no NLU is trained on them, and a misread message could turn a health
  detail into data), and the guides' own words are given in English with a note saying so.
tests/core/test_languages.py fails when a library or a table lacks a language listed here.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in the language itself, as the language buttons show it
    locale: str  # Babel's, for dates and numbers
    lingua: str | None  # the member of lingua's `Language` that detects it; None: told by its script
    day: str  # a date without the year, as a Babel pattern
    moment: str  # a date and a clock time, as a Babel pattern
    aliases: tuple[str, ...] = ()  # other codes apps send for it (Telegram's language_code, ISO 639-2)
    # Words only this one of our languages uses. Lingua often splits a short Norwegian message nearly
    # evenly between Bokmål and Nynorsk; a message with markers of exactly one language is in that one.
    markers: frozenset[str] = frozenset()
    typed: bool = True  # the NLU reads typed messages in it; a home language runs on buttons
    rtl: bool = False  # written right to left (the web chat's `dir`)
    # The language the guides' own words are given in, for a language they are not written in.
    guides_in: str | None = None
    # A Unicode script only this one of our languages is written in, for a language lingua does not know.
    script: tuple[int, int] | None = None

    @property
    def texts(self) -> str:
        """The language of the guide texts and knowledge answers this language gets."""
        return self.guides_in or self.code


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
    # Home languages: the largest groups of immigrant parents in Norway after English (issue 15). Dates as
    # the language writes them (CLDR through Babel); the guides' words in English, which more of these homes
    # read than Norwegian (docs/languages.md).
    Language("pl", "Polski", "pl_PL", "POLISH", "d MMMM", "EEEE, d MMMM 'o' HH:mm", aliases=("pol",),
             typed=False, guides_in="en"),
    Language("lt", "Lietuvių", "lt_LT", "LITHUANIAN", "MMMM d 'd'.", "EEEE, MMMM d 'd'. HH:mm", aliases=("lit",),
             typed=False, guides_in="en"),
    Language("uk", "Українська", "uk_UA", "UKRAINIAN", "d MMMM", "EEEE, d MMMM 'о' HH:mm", aliases=("ukr",),
             typed=False, guides_in="en"),
    Language("ar", "العربية", "ar", "ARABIC", "d MMMM", "EEEE d MMMM، HH:mm", aliases=("ara",),
             typed=False, rtl=True, guides_in="en"),
    Language("so", "Soomaali", "so_SO", "SOMALI", "d MMMM", "EEEE, d MMMM HH:mm", aliases=("som",),
             typed=False, guides_in="en"),
    # Lingua has no Tigrinya; of our languages only Tigrinya is written in the Ethiopic script (Ge'ez).
    Language("ti", "ትግርኛ", "ti_ER", None, "d MMMM", "EEEE d MMMM HH:mm", aliases=("tir",),
             typed=False, guides_in="en", script=(0x1200, 0x139F)),
    Language("ur", "اردو", "ur_PK", "URDU", "d MMMM", "EEEE، d MMMM، HH:mm", aliases=("urd",),
             typed=False, rtl=True, guides_in="en"),
)

LANGUAGES: tuple[str, ...] = tuple(lang.code for lang in _ALL)
TYPED_LANGUAGES: tuple[str, ...] = tuple(lang.code for lang in _ALL if lang.typed)
HOME_LANGUAGES: tuple[str, ...] = tuple(lang.code for lang in _ALL if not lang.typed)
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


def is_known(code: str | None) -> bool:
    """Whether a code (any form `normalise` takes) names one of our languages, rather than falling back."""
    code = (code or "").lower().replace("_", "-").split("-")[0]
    return code in _BY_CODE or code in _ALIASES


def language(lang: str | None) -> Language:
    return _BY_CODE[normalise(lang)]


def typed(lang: str | None) -> bool:
    """Whether typed messages in this language are read (else the chat runs on buttons)."""
    return language(lang).typed

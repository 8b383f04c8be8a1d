"""From a message to the terms the ranker compares: words, their lemmas, and character n-grams.

Lemmas (simplemma, Bokmål then Nynorsk then English) make "barnevernets", "barnevernet" and
"barnevern" one term; character n-grams inside each word carry Norwegian compounds
("fraværsgrensen" shares "fravær" with "grense for fravær") and typos ("fravr", "barnevener").
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import simplemma

from naervaer.guides.schema import AGENCY_SYNONYMS

_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*", re.UNICODE)
# Words that say nothing about which part of a guide is meant. Question words stay ("hvem", "når",
# "hvor lenge"): they tell a question about who from one about when.
STOPWORDS = frozenset("""
og i på er det en et ei som til av for med å at den de dei du jeg eg meg vi me oss han ho hun hen
ikke ikkje ikkje har ha hadde var vere være vært vore blir bli kan skal må bør vil ville kunne skulle
seg sin sitt sine om så da då nå no enn eller men fra frå ved ut inn opp også og hvis viss dersom
mitt min mine mi din dine ditt vår våre dere dykk deg dykkar deira deres hans hennar hennes
the a an of to in on at is are be do does did we you i it this that for with and or if my our your
""".split())


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


@lru_cache(maxsize=50_000)
def lemma(word: str) -> str:
    if word.isdigit():
        return word
    for lang in ("nb", "nn", "en"):
        found = simplemma.lemmatize(word, lang=lang)
        if found != word:
            return found.casefold()
    return word


# Nynorsk and dialect forms of the words the guides turn on, to their bokmål lemma: the same term
# whichever written standard the question or the unit uses.
SAME_WORD = {
    "fråvær": "fravær", "fråvere": "fravær", "fråvære": "fravær", "fravere": "fravær", "skule": "skole",
    "heim": "hjem", "heime": "hjem", "føresett": "foresatt", "føresette": "foresatt", "foreldre": "forelder",
    "lærar": "lærer", "kontaktlærar": "kontaktlærer", "faglærar": "faglærer", "rektor": "rektor",
    "tiltak": "tiltak", "kven": "hvem", "kva": "hva", "kor": "hvor", "korleis": "hvordan", "kvifor": "hvorfor",
    "ka": "hva", "ko": "hva", "kem": "hvem", "ke": "hva", "nærvær": "nærvær", "sjuk": "syk", "sjukdom": "sykdom",
    "veke": "uke", "vekes": "uke", "månad": "måned", "dag": "dag", "time": "time", "skuleår": "skoleår",
    "rettleiar": "veileder", "rettleiing": "veiledning", "samtale": "samtale", "møte": "møte", "barnehage": "barnehage",
    "helsesjukepleiar": "helsesykepleier", "skulehelseteneste": "skolehelsetjeneste", "barnevernteneste": "barnevern",
    "barnevernet": "barnevern", "barnevernstjeneste": "barnevern", "barneverntjeneste": "barnevern",
}
# The services' many names ("helsesøster", "PP-tjenesten") as one term each (the schema's synonyms).
for _name, _key in AGENCY_SYNONYMS.items():
    if " " not in _name:
        SAME_WORD.setdefault(_name, _key)


def _term(word: str) -> str:
    found = word if word in SAME_WORD else lemma(word)
    for _ in range(3):  # "helsesjukepleiar" -> "helsesykepleier" -> "skolehelsetjenesten"
        if SAME_WORD.get(found, found) == found:
            break
        found = SAME_WORD[found]
    return found


def terms(text: str) -> list[str]:
    """Lemmas of the content words (stopwords out), nynorsk forms and service names made one."""
    return [_term(w) for w in words(text) if w not in STOPWORDS]


def _ascii(word: str) -> str:
    # Dialect and keyboard spellings ("fravar", "fraavaer", "mote") meet the proper ones.
    return word.replace("æ", "e").replace("ø", "o").replace("å", "a").replace("aa", "a").replace("ae", "e")


def char_grams(text: str, n: int = 4) -> list[str]:
    """Character n-grams of each content word, word edges marked (like char_wb): compounds and typos."""
    out: list[str] = []
    for word in words(text):
        if word in STOPWORDS:
            continue
        padded = f"<{_ascii(word)}>"
        if len(padded) <= n:
            out.append(padded)
            continue
        out.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
    return out

"""From a message to the terms the ranker compares: words, their lemmas, and character n-grams.

Lemmas (simplemma, Bokmål then Nynorsk then English), then Snowball's Norwegian stems, make
"barnevernets", "barnevernet" and "barnevern" one term, and "førast" and "føres" too; character n-grams inside each word carry Norwegian compounds
("fraværsgrensen" shares "fravær" with "grense for fravær") and typos ("fravr", "barnevener").
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import simplemma
import snowballstemmer

from naervaer.guides.schema import AGENCY_SYNONYMS
from naervaer.languages import TYPED_LANGUAGES

_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*", re.UNICODE)
# Words that say nothing about which part of a guide is meant. Question words stay ("hvem", "når",
# "hvor lenge"): they tell a question about who from one about when. The preposition "før" goes: its stem
# is the verb's ("føre", "føres", "førast" -> "før"), and "before" matched every unit about a meeting.
STOPWORDS = frozenset("""
og i på er det en et ei som til av for med å at den de dei du jeg eg meg vi me oss han ho hun hen
ikke ikkje ikkje har ha hadde var vere være vært vore blir bli kan skal må bør vil ville kunne skulle
seg sin sitt sine om så da då nå no enn eller men fra frå ved ut inn opp også og hvis viss dersom
mitt min mine mi din dine ditt vår våre dere dykk deg dykkar deira deres hans hennar hennes
the a an of to in on at is are be do does did we you i it this that for with and or if my our your
actually really exactly please just also about there their them they its it's me us am was were been
egentlig eigentleg liksom altså vel jo bare berre nok visst egentleg
før
""".split())


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


@lru_cache(maxsize=50_000)
def lemma(word: str) -> str:
    """The lemma from the first of bokmål, nynorsk and English whose dictionary knows the word (a bokmål
    word already in its base form stays bokmål: "følge" is not turned into nynorsk "fylgje")."""
    if word.isdigit():
        return word
    for lang in TYPED_LANGUAGES:  # table order: bokmål first, as said above
        if simplemma.is_known(word, lang=lang):
            return simplemma.lemmatize(word, lang=lang).casefold()
    return simplemma.lemmatize(word, lang="nb").casefold()


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


_STEM = snowballstemmer.stemmer("norwegian")


@lru_cache(maxsize=50_000)
def _stemmed(word: str) -> str:
    # After the lemma, Snowball's Norwegian stem: the forms simplemma does not know ("førast", "evaluerast",
    # "tiltaka") meet the ones it does ("føres", "evalueres", "tiltakene").
    stem = _STEM.stemWord(_term(word))
    # A form neither dictionary knows ("helsesjukepleiaren") may still meet SAME_WORD once stemmed.
    return _STEM.stemWord(_term(stem)) if stem in SAME_WORD else stem


# Particle verbs are compounds elsewhere: "kalles inn" is "innkalling", "følge opp" is "oppfølging".
PARTICLES = frozenset({"inn", "opp", "fra", "ut"})


def _particle_compound(verb: str, particle: str) -> str:
    compound = _STEM.stemWord(particle + lemma(verb))
    return compound.removesuffix("ing") if compound.endswith("ing") else compound


def terms(text: str) -> list[str]:
    """Stems of the lemmas of the content words (stopwords out), nynorsk forms and service names made one;
    a particle verb also gives its compound ("kalles inn" -> "innkall", like "innkaller", "innkalling")."""
    found = words(text)
    out = [_stemmed(w) for w in found if w not in STOPWORDS]
    for verb, particle in zip(found, found[1:]):
        if particle in PARTICLES and verb not in STOPWORDS:
            out.append(_particle_compound(verb, particle))
    out += [_stem_compound(w) for w in found if w.startswith(tuple(PARTICLES)) and w.endswith("ing")]
    return out


def _stem_compound(word: str) -> str:
    # "innkalling", "oppfølging": the same term as the particle verb ("innkall", "oppfølg")
    return _STEM.stemWord(word).removesuffix("ing")


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

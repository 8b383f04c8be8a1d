"""Rank the units of one guide against a message.

Four signals, each measured on the leave-one-ask-out folds (`python -m naervaer.knowledge.tune`),
never on the exam:
- BM25 over lemmas (bm25s): the content words of the question against each unit's title, asks,
  answer (nb, nn, en) and facts;
- BM25 over character 4-grams: compounds, nynorsk and dialect forms, typos;
- BM25 over the titles alone: a short question naming a topic ("nivå 1", "PPT");
- the closest of the unit's `asks` by rapidfuzz's token-set ratio: whole phrasings people use.
The ranking mixes the four, each scaled to the best unit's value; `confidence` is how much of the
question the best unit explains, which decides between answering and saying we do not know.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import bm25s
import numpy as np
from rapidfuzz import fuzz, process

from naervaer.absence import SchoolLevel
from naervaer.knowledge.text import char_grams, fold, terms
from naervaer.knowledge.units import Knowledge, Unit, load_knowledge


@dataclass(frozen=True)
class Weights:
    words: float = 0.35
    grams: float = 0.35
    asks: float = 0.2
    titles: float = 0.1
    # A unit written for other readers (a parent asking about a staff-only routine) ranks a little lower.
    other_audience: float = 0.9
    # A unit about another school level (the kindergarten, to a school's teacher) is left out, unless the
    # question names that level ("hva gjør barnehagen på nivå 1?"): then it ranks clearly lower, but still
    # first when it is the one asked about.
    other_level: float = 0.75
    # BM25 over lemmas at which a match counts as strong, in units of the rarest term's IDF.
    strength_at: float = 1.2
    # BM25's own: term-frequency saturation and length normalisation (bm25s' defaults)
    k1: float = 1.5
    b: float = 0.75


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class Hit:
    unit: Unit
    score: float        # the mixed rank score, 1.0 for the best unit of the question
    confidence: float   # 0..1: how much of the question this unit explains


def _unit_text(unit: Unit) -> str:
    parts = [unit.title.nb, unit.title.nn, unit.title.en] * 2 + list(unit.asks) * 2
    parts += [unit.answer.nb, unit.answer.nn, unit.answer.en, *unit.facts]
    return " \n".join(parts)


class GuideIndex:
    def __init__(self, knowledge: Knowledge, weights: Weights = DEFAULT_WEIGHTS):
        self.knowledge = knowledge
        self.units = knowledge.units
        self.weights = weights
        if not self.units:  # a guide with no knowledge units yet: `search` finds nothing (bm25s cannot index nothing)
            return
        texts = [_unit_text(u) for u in self.units]
        self._word_docs = [terms(x) or ["_"] for x in texts]
        self._gram_docs = [char_grams(x) or ["_"] for x in texts]
        self._word_vocab = [frozenset(d) for d in self._word_docs]
        self._gram_vocab = [frozenset(d) for d in self._gram_docs]
        self._words = bm25s.BM25(k1=weights.k1, b=weights.b)
        self._words.index(self._word_docs, show_progress=False)
        self._grams = bm25s.BM25(k1=weights.k1, b=weights.b)
        self._grams.index(self._gram_docs, show_progress=False)
        self._titles = bm25s.BM25()
        self._titles.index([terms(" ".join((u.title.nb, u.title.nn, u.title.en))) or ["_"] for u in self.units],
                           show_progress=False)
        self._asks = [fold(a) for u in self.units for a in u.asks]
        self._ask_owner = np.array([i for i, u in enumerate(self.units) for _ in u.asks])
        n = len(self.units)
        self._idf_words = self._idf(self._word_vocab, n)
        self._idf_grams = self._idf(self._gram_vocab, n)
        # The IDF of a term found in one unit only: scales BM25 to the guide's size (more units, larger IDF).
        self._rarest = float(np.log(1 + (n - 0.5) / 1.5)) if n > 1 else 1.0

    @staticmethod
    def _idf(vocabs: list[frozenset[str]], n: int) -> dict[str, float]:
        df: dict[str, int] = {}
        for vocab in vocabs:
            for term in vocab:
                df[term] = df.get(term, 0) + 1
        return {term: float(np.log(1 + (n - k + 0.5) / (k + 0.5))) for term, k in df.items()}

    def _explained(self, query: list[str], vocab: frozenset[str], idf: dict[str, float]) -> float:
        # Unknown terms (in no unit) weigh as much as the rarest known ones: a question about lunch
        # menus is not explained by the one word "skolen" it shares with every unit.
        top = max(idf.values(), default=1.0)
        unique = set(query)
        total = sum(idf.get(t, top) for t in unique)
        return sum(idf.get(t, top) for t in unique if t in vocab) / total if total else 0.0

    def search(self, message: str, audience: str | None = None, k: int = 5,
               levels: frozenset[SchoolLevel] = frozenset()) -> list[Hit]:
        """The best units for the message; `levels` (the asker's school levels) ranks units about other
        levels lower."""
        if not self.units:
            return []
        w = self.weights
        q_words, q_grams = terms(message), char_grams(message)
        s_words = self._words.get_scores(q_words) if q_words else np.zeros(len(self.units))
        s_grams = self._grams.get_scores(q_grams) if q_grams else np.zeros(len(self.units))
        s_titles = self._titles.get_scores(q_words) if q_words else np.zeros(len(self.units))
        s_asks = np.zeros(len(self.units))
        folded = fold(message)
        if folded.strip():
            ratios = process.cdist([folded], self._asks, scorer=fuzz.token_set_ratio, workers=1)[0]
            np.maximum.at(s_asks, self._ask_owner, ratios / 100.0)
        mixed = (w.words * _scaled(s_words) + w.grams * _scaled(s_grams) + w.asks * _scaled(s_asks)
                 + w.titles * _scaled(s_titles))
        if audience:
            mixed = mixed * np.array([1.0 if audience in u.audience else w.other_audience for u in self.units])
        if levels:
            named = levels_named(message)
            mixed = mixed * np.array([1.0 if u.applies_to(levels) else
                                      (w.other_level if named & set(u.levels or ()) else 0.0) for u in self.units])
        order = np.argsort(-mixed, kind="stable")[:k]
        best = float(mixed[order[0]]) or 1.0
        hits = []
        for i in order:
            if mixed[i] <= 0:
                break
            explained = max(self._explained(q_words, self._word_vocab[i], self._idf_words),
                            0.9 * self._explained(q_grams, self._gram_vocab[i], self._idf_grams))
            # How much of the question the unit explains, and how strongly: a question sharing only
            # common words with every unit ("hva er det til lunsj på skolen") scores low on the second.
            strength = min(float(s_words[i]) / (w.strength_at * self._rarest), 1.0)
            hits.append(Hit(self.units[i], float(mixed[i]) / best, 0.5 * explained + 0.5 * strength))
        return hits


_SCHOOL = frozenset({SchoolLevel.BARNESKOLE, SchoolLevel.UNGDOMSSKOLE, SchoolLevel.VGS})
# Words that name a kind of place in a question (stems: "barnehag" is barnehage, barnehagen, barnehagar ...).
LEVEL_WORDS: tuple[tuple[str, frozenset[SchoolLevel]], ...] = (
    *((w, frozenset({SchoolLevel.BARNEHAGE})) for w in (
        "barnehag", "kindergarten", "bhg", "styrer", "styrar", "ped.leder", "pedagogisk leder", "pedagogisk leiar",
        "preschool", "nursery")),
    *((w, _SCHOOL) for w in ("skole", "skule", "school", "elev", "pupil", "kontaktlær", "klasse", "trinn")),
)


def levels_named(message: str) -> frozenset[SchoolLevel]:
    """The school levels a message names ("barnehagen" -> barnehage; "skolen", "eleven" -> the school levels)."""
    text = message.casefold()
    return frozenset(level for word, levels in LEVEL_WORDS if word in text for level in levels)


def _scaled(scores: np.ndarray) -> np.ndarray:
    top = float(scores.max()) if scores.size else 0.0
    return scores / top if top > 0 else scores


@lru_cache(maxsize=None)
def index_for(guide_key: str) -> GuideIndex:
    """The packaged guide's index, built once per process (a few hundred milliseconds)."""
    return GuideIndex(load_knowledge(guide_key))

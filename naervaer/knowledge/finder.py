"""Decide what a guide question gets: one unit, two close ones, or "not in your guide" with the nearest.

Pure over the index: no store, no language of the reply. The thresholds are chosen on the
leave-one-ask-out folds and the made-up out-of-scope questions (`naervaer.knowledge.tune`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from naervaer.absence import SchoolLevel
from naervaer.knowledge.ranker import GuideIndex, Hit
from naervaer.knowledge.units import Unit

ANSWER_AT = 0.5      # the best unit must explain this much of the question (chosen on the folds)
SECOND_WITHIN = 0.92  # a second unit is shown too when its rank score is this close to the best
# ... or this close when the message asks two things ("hvem deltar, og når må møtet holdes?")
SECOND_WITHIN_TWO_QUESTIONS = 0.75
# The question words of bokmål, nynorsk, dialect and English.
QUESTION_WORDS = frozenset("hvem hva hvor hvordan hvorfor når hvilke hvilken kven kva kor korleis kvifor kem ka "
                           "who what where when how why which".split())
NEAREST = 3           # topics offered as buttons when nothing answers


@dataclass(frozen=True)
class Finding:
    answers: tuple[Unit, ...]                 # empty: the guide does not answer it well enough
    nearest: tuple[Unit, ...] = field(default=())  # the closest topics, for buttons
    confidence: float = 0.0

    @property
    def answered(self) -> bool:
        return bool(self.answers)


def asks_two_things(message: str) -> bool:
    words = [w.strip("?,.!:;") for w in message.casefold().split()]
    return sum(w in QUESTION_WORDS for w in words) >= 2


def decide(hits: list[Hit], answer_at: float = ANSWER_AT, second_within: float = SECOND_WITHIN) -> Finding:
    if not hits:
        return Finding(())
    best = hits[0]
    if best.confidence < answer_at:
        return Finding((), tuple(h.unit for h in hits[:NEAREST]), best.confidence)
    answers = [best.unit]
    if len(hits) > 1 and hits[1].score >= second_within and hits[1].confidence >= answer_at:
        answers.append(hits[1].unit)
    return Finding(tuple(answers), tuple(h.unit for h in hits[len(answers):len(answers) + NEAREST]),
                   best.confidence)


def ranked(index: GuideIndex, message: str, audience: str | None = None,
           levels: frozenset[SchoolLevel] = frozenset(), answer_at: float = ANSWER_AT) -> tuple[list[Hit], Finding]:
    """The ranking of one message and the decision on it, with a looser second unit when the message asks
    two things."""
    hits = index.search(message, audience=audience, k=NEAREST + 2, levels=levels)
    within = SECOND_WITHIN_TWO_QUESTIONS if asks_two_things(message) else SECOND_WITHIN
    return hits, decide(hits, answer_at, within)


def find(index: GuideIndex, message: str, audience: str | None = None,
         levels: frozenset[SchoolLevel] = frozenset(), answer_at: float = ANSWER_AT) -> Finding:
    return ranked(index, message, audience, levels, answer_at)[1]

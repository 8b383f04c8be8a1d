"""Training examples for the `ask_guide` intent, written from the units' `asks`.

Rasa only has to tell a guide question from a report, a booking, a status question; which part of the
guide is meant is the ranker's work. So the NLU learns from a few asks of every unit of every guide,
and `data/nlu/guide_questions.yml` is generated (`naervaer guides nlu`), never edited by hand; a core
test fails when it is out of date. An ask that another intent already has as an example is left out
(Rasa refuses one example under two intents), and so is one the held-out test set has.
"""
from __future__ import annotations

import re
from pathlib import Path

from naervaer.guides import GUIDE_KEYS
from naervaer.i18n import detect_language
from naervaer.knowledge.units import load_knowledge

REPO = Path(__file__).resolve().parent.parent.parent
NLU_DIR = REPO / "data" / "nlu"
GENERATED = NLU_DIR / "guide_questions.yml"
ASKS_PER_UNIT = 2
# Long examples make every DIET batch longer (the transformer pads to the longest): 2 short asks per unit
# train in a fraction of the time of all asks, and the NLU only tells the kind of turn.
MAX_WORDS = 9
HEADER = ("# Generated from the knowledge units' asks by `naervaer guides nlu`: do not edit by hand\n"
          "# (naervaer/knowledge/nlu_data.py says why and how).\n")


def question_key(text: str) -> str:
    """A question as compared for sameness: folded, punctuation out (used here and by the exam)."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


HELDOUT = REPO / "tests" / "nlu" / "heldout.yml"


def _examples_elsewhere() -> set[str]:
    """Every intent example of the hand-written NLU files, and of the held-out test set (never trained on)."""
    from naervaer.nlu_eval import examples, plain

    hand_written = examples(NLU_DIR, generated=False)
    found = [e for exs in [*hand_written.values(), *examples(HELDOUT).values()] for e in exs]
    return {question_key(plain(e)) for e in found}


def _with_english(asks: list[str], english_too: bool) -> list[str]:
    """The asks shortest first; with `english_too` the shortest English ask comes second (English
    questions were the ones the NLU sent elsewhere most often; every second unit gives one, so English
    does not outweigh the other intents' few English examples)."""
    if not english_too:
        return asks
    english = [a for a in asks if detect_language(a, fallback="nb") == "en"]
    norwegian = [a for a in asks if a not in english]
    first = norwegian[:1] + english[:1]
    return first + [a for a in asks if a not in first]


def examples() -> list[str]:
    taken = _examples_elsewhere()
    out: list[str] = []
    for key in GUIDE_KEYS:
        for number, unit in enumerate(load_knowledge(key).units):
            short = sorted((a for a in unit.asks if len(a.split()) <= MAX_WORDS), key=lambda a: len(a.split()))
            for ask in _with_english(short, english_too=number % 2 == 0)[:ASKS_PER_UNIT]:
                clean = " ".join(re.sub(r"[\[\]{}()]", " ", ask).split())
                k = question_key(clean)
                if k and k not in taken:
                    taken.add(k)
                    out.append(clean)
    return out


def render() -> str:
    lines = [HEADER, 'version: "3.1"', "nlu:", "  - intent: ask_guide", "    examples: |"]
    lines += [f"      - {example}" for example in examples()]
    return "\n".join(lines) + "\n"


def write() -> Path:
    GENERATED.write_text(render(), encoding="utf-8")
    return GENERATED

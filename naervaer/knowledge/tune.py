"""Choose the ranker's weights and the answer threshold without the exam.

Folds: for fold i, the i-th ask of every unit is taken out of the index and asked as a question
(it must find its own unit); the made-up out-of-scope questions in `tuning/outside.yaml` must not be
answered. `python -m naervaer.knowledge.tune` prints the figures for the current settings and a small
grid around them.
"""
from __future__ import annotations

import itertools
from pathlib import Path

import yaml

from naervaer.guides import GUIDE_KEYS
from naervaer.knowledge.finder import ANSWER_AT, decide
from naervaer.knowledge.ranker import DEFAULT_WEIGHTS, GuideIndex, Weights
from naervaer.knowledge.units import Knowledge, Unit, load_knowledge

OUTSIDE = Path(__file__).parent / "tuning" / "outside.yaml"
FOLDS = 3


def _without_ask(knowledge: Knowledge, fold: int) -> tuple[Knowledge, list[tuple[str, Unit]]]:
    units, queries = [], []
    for unit in knowledge.units:
        if len(unit.asks) > fold + 1:
            queries.append((unit.asks[fold], unit))
            unit = unit.model_copy(update={"asks": [a for i, a in enumerate(unit.asks) if i != fold]})
        units.append(unit)
    return knowledge.model_copy(update={"units": tuple(units)}), queries


def _same_place(found: Unit, wanted: Unit) -> bool:
    # As the exam judges: a unit that cites the lines the wanted answer is in answers it.
    return any(found.overlaps(*s.lines) for s in wanted.sources)


def evaluate(weights: Weights, answer_at: float) -> dict[str, float]:
    top1 = top3 = right = total = 0
    declined = outside_total = 0
    outside = yaml.safe_load(OUTSIDE.read_text(encoding="utf-8"))["questions"]
    for key in GUIDE_KEYS:
        knowledge = load_knowledge(key)
        if not knowledge.units:
            continue
        for fold in range(FOLDS):
            reduced, queries = _without_ask(knowledge, fold)
            index = GuideIndex(reduced, weights)
            for query, wanted in queries:
                hits = index.search(query, k=5)
                total += 1
                top1 += bool(hits) and _same_place(hits[0].unit, wanted)
                top3 += any(_same_place(h.unit, wanted) for h in hits[:3])
                finding = decide(hits, answer_at)
                right += any(_same_place(u, wanted) for u in finding.answers)
        index = GuideIndex(knowledge, weights)
        for query in outside:
            outside_total += 1
            declined += not decide(index.search(query, k=5), answer_at).answered
    return {"top1": top1 / total, "top3": top3 / total, "answered_right": right / total,
            "declined_outside": declined / outside_total, "queries": total}


def main() -> None:
    base = evaluate(DEFAULT_WEIGHTS, ANSWER_AT)
    print("current", DEFAULT_WEIGHTS, base)
    titles = DEFAULT_WEIGHTS.titles
    for words, grams, strength_at, answer_at in itertools.product((0.3, 0.35, 0.4), (0.3, 0.35, 0.4), (1.0, 1.2, 1.5),
                                                                   (0.45, 0.5, 0.55)):
        asks = round(1 - titles - words - grams, 2)
        if asks < 0:
            continue
        figures = evaluate(Weights(words, grams, asks, titles, strength_at=strength_at), answer_at)
        print(f"words={words} grams={grams} asks={asks} titles={titles} strength_at={strength_at} answer_at={answer_at}: "
              + " ".join(f"{k}={v:.3f}" for k, v in figures.items() if k != "queries"))


if __name__ == "__main__":
    main()

"""The held-out NLU set (tests/nlu/heldout.yml) stays out of training: checked on the data alone, so a
phrasing copied into data/nlu/ fails the fast suite rather than the end of a 25-minute CI run."""
from __future__ import annotations

from naervaer import nlu_eval


def test_heldout_set_is_never_trained_on():
    assert nlu_eval.overlap() == set()
    held = sum(len(v) for v in nlu_eval.examples(nlu_eval.HELDOUT).values())
    # a fifth of the hand-written examples; the ones generated from the knowledge units are the exam's
    trained = sum(len(v) for v in nlu_eval.examples(nlu_eval.TRAINING, generated=False).values())
    assert held >= (held + trained) / 5

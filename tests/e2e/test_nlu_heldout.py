"""The NLU on the held-out test set (tests/nlu/heldout.yml, never trained on): issue 5's targets.

Deterministic: the pipeline's random seeds are fixed, so the same data gives the same figures."""
from __future__ import annotations

import pytest

from naervaer import nlu_eval

pytestmark = pytest.mark.e2e


def test_heldout_f1_meets_the_targets(trained_model, tmp_path):
    report = nlu_eval.evaluate_heldout(trained_model, tmp_path)
    print("\n" + nlu_eval.render(report))  # the per-intent table (pytest -s, or on failure)
    assert report.intent_f1 >= nlu_eval.INTENT_F1_MIN, nlu_eval.render(report)
    assert report.entity_f1 >= nlu_eval.ENTITY_F1_MIN, nlu_eval.render(report)
    worst, f1 = report.worst_intent
    assert f1 >= nlu_eval.PER_INTENT_F1_MIN, f"{worst}: {f1:.3f}\n" + nlu_eval.render(report)

"""The test stories in tests/stories: the trained model (NLU and policies) predicts every step."""
from __future__ import annotations

import subprocess

import pytest

from naervaer import services
from naervaer.settings import PROJECT_ROOT

pytestmark = pytest.mark.e2e


def test_test_stories_pass_with_the_trained_model(trained_model, tmp_path):
    result = subprocess.run(
        [str(services.rasa_executable()), "test", "core", "--model", str(trained_model), "--stories",
         str(PROJECT_ROOT / "tests" / "stories"), "--fail-on-prediction-errors", "--out", str(tmp_path),
         "--no-plot"],
        cwd=PROJECT_ROOT, env=services.rasa_env(), capture_output=True, text=True, timeout=600)
    failed = (tmp_path / "failed_test_stories.yml")
    details = failed.read_text()[-3000:] if failed.exists() else ""
    assert result.returncode == 0, details + result.stdout[-2000:] + result.stderr[-2000:]

"""Rasa's own check of the domain, the NLU data, the rules and the stories."""
import subprocess

import pytest

from naervaer import services
from naervaer.settings import PROJECT_ROOT

pytestmark = pytest.mark.e2e


def test_rasa_data_validate():
    result = subprocess.run(
        [str(services.rasa_executable()), "data", "validate", "--fail-on-warnings", "--config", "config.yml",
         "--domain", "domain", "--data", "data/nlu", "data/rules", *(["data/stories"] if (PROJECT_ROOT / "data/stories").exists() else [])],
        cwd=PROJECT_ROOT, env=services.rasa_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

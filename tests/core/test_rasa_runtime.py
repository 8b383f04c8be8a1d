"""rasa_runtime/sitecustomize.py, in the Rasa engine's own Python: jsonschema validates exactly as before
(a bad answer and a bad schema are still refused), only the schema's self-check is not repeated."""
from __future__ import annotations

import subprocess

import pytest

from naervaer import services

CHECK = r'''
import jsonschema
from jsonschema.validators import Draft202012Validator
schema = {"type": "object", "properties": {"events": {"type": "array"}}, "required": ["events"]}
assert jsonschema.validate.__module__ == "sitecustomize", jsonschema.validate.__module__
jsonschema.validate({"events": []}, dict(schema))
for bad in ({"events": "nope"}, {}):
    try:
        jsonschema.validate(bad, dict(schema))
    except jsonschema.ValidationError:
        pass
    else:
        raise SystemExit(f"accepted {bad}")
try:
    jsonschema.validate({}, {"type": 12})
except jsonschema.SchemaError:
    pass
else:
    raise SystemExit("accepted a bad schema")
calls = []
original = Draft202012Validator.check_schema
Draft202012Validator.check_schema = classmethod(lambda cls, s: (calls.append(1), original(s)))
for _ in range(5):
    jsonschema.validate({"events": [1]}, {"type": "object", "title": "fresh"})
assert len(calls) == 1, calls
print("ok")
'''


def test_the_rasa_engine_validates_as_before_and_checks_each_schema_once():
    python = services.RASA_VENV / "bin" / "python"
    if not python.exists():
        pytest.skip("the Rasa engine's environment is not installed (make setup)")
    result = subprocess.run([str(python), "-c", CHECK], env=services.rasa_env(), capture_output=True, text=True,
                            timeout=120)
    assert result.stdout.strip() == "ok", result.stdout + result.stderr[-2000:]

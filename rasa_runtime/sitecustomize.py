"""Imported by Python at start-up in the Rasa engine's processes only (naervaer.services.rasa_env puts
this folder on PYTHONPATH): one measured fix to a library under Rasa 3.6, nothing else.

Rasa validates every answer of the action server with `jsonschema.validate(answer, schema)`, and
`jsonschema.validate` checks the schema itself against its meta-schema on every call before it
validates the answer. Under load that self-check was 30 % of the Rasa server's CPU
(docs/benchmarks.md). Here the check and the compiled validator are kept per schema: every answer is
still validated against the same schema with the same validator class and the same error, and a bad
schema still raises SchemaError the first time it is used.
"""
from __future__ import annotations

import json


def _install() -> None:
    try:
        import jsonschema
        from jsonschema import exceptions
        from jsonschema.validators import validator_for
    except ImportError:  # not the Rasa environment
        return

    compiled: dict[tuple, object] = {}

    def validate(instance, schema, cls=None, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        key = (json.dumps(schema, sort_keys=True, default=repr), cls, repr(args), repr(sorted(kwargs.items())))
        validator = compiled.get(key)
        if validator is None:
            kind = cls or validator_for(schema)
            kind.check_schema(schema)
            validator = kind(schema, *args, **kwargs)
            if len(compiled) < 64:  # Rasa uses a handful of constant schemas
                compiled[key] = validator
        error = exceptions.best_match(validator.iter_errors(instance))
        if error is not None:
            raise error

    validate.__doc__ = jsonschema.validate.__doc__
    jsonschema.validate = validate
    jsonschema.validators.validate = validate


_install()

"""Set translations in the catalogs from a YAML file, after `make i18n-extract`.

    .venv/bin/python scripts/po_set.py translations.yaml

The YAML maps each English msgid to its translations by language code ({nb: ..., pl: ...}); for plural
messages the msgid key is the singular and each value is the list of the language's plural forms in order.
Prints the msgids that still lack a translation in some catalog.
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml
from babel.messages.pofile import read_po, write_po

from naervaer.languages import LANGUAGES, SOURCE_LANGUAGE

LOCALE = Path(__file__).resolve().parent.parent / "naervaer" / "locale"


def main(path: str) -> int:
    wanted = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    missing: set[str] = set()
    for lang in LANGUAGES:
        po = LOCALE / lang / "LC_MESSAGES" / "naervaer.po"
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        catalog.fuzzy = False  # `pybabel update` marks the header fuzzy, and fuzzy catalogs are not compiled
        for message in catalog:
            if lang == SOURCE_LANGUAGE:  # its text is the msgid itself
                continue
            if not message.id:
                continue
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            if key in wanted and lang in wanted[key]:
                value = wanted[key][lang]
                message.string = tuple(value) if isinstance(message.id, tuple) else value
                message.flags.discard("fuzzy")
            elif not (message.string[0] if isinstance(message.string, tuple) else message.string):
                missing.add(key)
        with po.open("wb") as fh:
            write_po(fh, catalog, width=120, omit_header=False)
    for key in sorted(missing):
        print(f"untranslated: {key!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

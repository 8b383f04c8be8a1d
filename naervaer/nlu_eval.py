"""How well the NLU understands: the held-out test set and cross-validation, as F1 tables.

    .venv/bin/python -m naervaer.nlu_eval            # held-out set + 3-fold cross-validation (make evaluate)
    .venv/bin/python -m naervaer.nlu_eval --no-cv    # held-out set only

Runs the Rasa engine as a program (`rasa test nlu`), reads the reports it writes, prints the per-intent
and per-entity tables, writes everything to `var/nlu-eval/results.json` and the figures and the
remaining confusions to `docs/nlu.md` (between the generated-block markers).
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from naervaer import services
from naervaer.settings import PROJECT_ROOT

HELDOUT = PROJECT_ROOT / "tests" / "nlu" / "heldout.yml"
TRAINING = PROJECT_ROOT / "data" / "nlu"
OUT = PROJECT_ROOT / "var" / "nlu-eval"
DOC = PROJECT_ROOT / "docs" / "nlu.md"
START, END = "<!-- nlu-eval:start -->", "<!-- nlu-eval:end -->"

# The targets of issue 5.
INTENT_F1_MIN, ENTITY_F1_MIN, PER_INTENT_F1_MIN = 0.95, 0.90, 0.85
SUMMARY_ROWS = ("accuracy", "macro avg", "weighted avg", "micro avg")


@dataclass
class Report:
    name: str
    intent_f1: float                      # weighted average over intents
    entity_f1: float                      # weighted average over entities
    intents: dict[str, dict[str, float]]  # per intent: precision, recall, f1-score, support
    entities: dict[str, dict[str, float]]
    confusions: list[tuple[str, str, int]] = field(default_factory=list)  # (true, predicted, count)
    errors: list[dict] = field(default_factory=list)  # misclassified held-out messages

    @property
    def worst_intent(self) -> tuple[str, float]:
        name = min(self.intents, key=lambda k: self.intents[k]["f1-score"])
        return name, self.intents[name]["f1-score"]

    def meets_targets(self) -> bool:
        return (self.intent_f1 >= INTENT_F1_MIN and self.entity_f1 >= ENTITY_F1_MIN
                and self.worst_intent[1] >= PER_INTENT_F1_MIN)


# --- reading the examples ----------------------------------------------------------------------

_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]+\)|\{[^}]+\})")


def plain(example: str) -> str:
    """The text of an annotated example, folded for comparison."""
    text = _ANNOTATION.sub(r"\1", example)
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split()).strip(" ?!.")


# Written from the knowledge units (`naervaer guides nlu`); their questions are measured by the exam
# (docs/knowledge.md), not by the held-out set, so the held-out share is of the hand-written examples.
GENERATED = TRAINING / "guide_questions.yml"


def examples(path: Path, *, generated: bool = True) -> dict[str, list[str]]:
    """intent -> annotated examples, from a file or every .yml file in a folder (`generated=False`: without
    the file generated from the knowledge units)."""
    found: dict[str, list[str]] = {}
    files = sorted(path.glob("*.yml")) if path.is_dir() else [path]
    for file in files if generated else [f for f in files if f != GENERATED]:
        for block in (yaml.safe_load(file.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if "intent" in block:
                lines = [line.strip()[2:] for line in block["examples"].splitlines() if line.strip().startswith("- ")]
                found.setdefault(block["intent"], []).extend(lines)
    return found


def overlap(heldout: Path = HELDOUT, training: Path = TRAINING) -> set[str]:
    """Held-out texts that also occur in the training data (must be empty)."""
    trained = {plain(e) for exs in examples(training).values() for e in exs}
    return {plain(e) for exs in examples(heldout).values() for e in exs} & trained


# --- running Rasa ------------------------------------------------------------------------------


def _rasa_test(args: list[str], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    cmd = [str(services.rasa_executable()), "test", "nlu", "--out", str(out), "--no-plot", *args]
    result = subprocess.run(cmd, cwd=PROJECT_ROOT, env=services.rasa_env(), capture_output=True, text=True)
    if result.returncode != 0:
        raise services.ServiceError(f"rasa test nlu failed:\n{(result.stdout + result.stderr)[-3000:]}")


def _read_report(out: Path, name: str) -> Report:
    intents = json.loads((out / "intent_report.json").read_text())
    entity_file = next((p for p in sorted(out.glob("*Classifier_report.json"))), None)
    entities = json.loads(entity_file.read_text()) if entity_file else {}
    confusions: dict[tuple[str, str], int] = {}
    for key, row in intents.items():
        if key in SUMMARY_ROWS or not isinstance(row, dict):
            continue
        for wrong, count in (row.get("confused_with") or {}).items():
            confusions[(key, wrong)] = confusions.get((key, wrong), 0) + int(count)
    errors_file = out / "intent_errors.json"
    errors = json.loads(errors_file.read_text()) if errors_file.exists() else []

    def per(rows: dict) -> dict[str, dict[str, float]]:
        return {k: {m: float(v[m]) for m in ("precision", "recall", "f1-score", "support")}
                for k, v in rows.items() if k not in SUMMARY_ROWS and isinstance(v, dict) and "f1-score" in v}

    def avg(rows: dict) -> float:
        row = rows.get("weighted avg") or rows.get("micro avg") or {}
        return float(row.get("f1-score", 0.0))

    return Report(name=name, intent_f1=avg(intents), entity_f1=avg(entities), intents=per(intents),
                  entities=per(entities), confusions=sorted(((a, b, n) for (a, b), n in confusions.items()),
                                                            key=lambda c: -c[2]),
                  errors=[{"text": e.get("text"), "intent": e.get("intent"),
                           "predicted": (e.get("intent_prediction") or {}).get("name")} for e in errors])


def evaluate_heldout(model: Path, out: Path = OUT / "heldout") -> Report:
    _rasa_test(["--model", str(model), "--nlu", str(HELDOUT)], out)
    return _read_report(out, "held-out")


def cross_validate(folds: int = 3, out: Path = OUT / "cross-validation") -> Report:
    _rasa_test(["--nlu", str(TRAINING), "--config", str(PROJECT_ROOT / "config.yml"), "--cross-validation",
                "--folds", str(folds), "--domain", str(PROJECT_ROOT / "domain")], out)
    return _read_report(out, f"{folds}-fold cross-validation")


# --- tables ------------------------------------------------------------------------------------


def table(rows: dict[str, dict[str, float]], title: str) -> str:
    lines = [f"| {title} | precision | recall | F1 | n |", "|---|---:|---:|---:|---:|"]
    for name in sorted(rows, key=lambda k: (rows[k]["f1-score"], k)):
        r = rows[name]
        lines.append(f"| {name} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1-score']:.3f} | {int(r['support'])} |")
    return "\n".join(lines)


def summary(report: Report) -> str:
    worst, worst_f1 = report.worst_intent
    ok = "meets" if report.meets_targets() else "MISSES"
    return (f"**{report.name}**: intent F1 {report.intent_f1:.3f} (target ≥ {INTENT_F1_MIN}), entity F1 "
            f"{report.entity_f1:.3f} (target ≥ {ENTITY_F1_MIN}), lowest intent {worst} {worst_f1:.3f} "
            f"(target ≥ {PER_INTENT_F1_MIN}) — {ok} the targets.")


def render(report: Report) -> str:
    parts = [summary(report), "", table(report.intents, "intent"), "", table(report.entities, "entity")]
    if report.confusions:
        parts += ["", "Remaining confusions (true → predicted, count):", ""]
        parts += [f"- {a} → {b}: {n}" for a, b, n in report.confusions[:15]]
    if report.errors and report.name == "held-out":
        parts += ["", "Misclassified held-out messages:", ""]
        parts += [f"- «{e['text']}»: {e['intent']} → {e['predicted']}" for e in report.errors[:20]]
    return "\n".join(parts)


def write_doc(reports: list[Report], training_seconds: str | None) -> None:
    counts = {k: len(v) for k, v in examples(TRAINING).items()}
    held = {k: len(v) for k, v in examples(HELDOUT).items()}
    n_train, n_held = sum(counts.values()), sum(held.values())
    block = [START, "", f"Data: {n_train} training examples in {len(counts)} intents; {n_held} held-out examples "
             f"({n_held / (n_train + n_held):.0%} of all).", ""]
    if training_seconds:
        block += [f"The last training took {training_seconds} s (`models/last-training-seconds.txt`; not necessarily from "
                  "scratch, nor on a quiet machine).", ""]
    for report in reports:
        block += [f"### {report.name}", "", render(report), ""]
    block.append(END)
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# NLU\n\n{START}\n{END}\n"
    if START not in text:
        text += f"\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1] if END in rest else ""
    DOC.write_text(head + "\n".join(block) + tail, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-cv", action="store_true", help="skip cross-validation (it trains once per fold)")
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--no-doc", action="store_true", help="do not rewrite docs/nlu.md")
    args = parser.parse_args(argv)

    shared = overlap()
    if shared:
        print("Held-out examples that are also training data:", *sorted(shared), sep="\n  ")
        return 2
    model = services.train(PROJECT_ROOT / "models", show_output=False)
    reports = [evaluate_heldout(model)]
    if not args.no_cv:
        reports.append(cross_validate(args.folds))
    for report in reports:
        print(f"\n== {report.name}\n{render(report)}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps([asdict(r) for r in reports], indent=2, ensure_ascii=False))
    seconds_file = PROJECT_ROOT / "models" / "last-training-seconds.txt"
    if not args.no_doc:
        write_doc(reports, seconds_file.read_text().strip() if seconds_file.exists() else None)
    print(f"\nResults: {OUT / 'results.json'}" + ("" if args.no_doc else f"; figures: {DOC}"))
    return 0 if reports[0].meets_targets() else 1


if __name__ == "__main__":
    sys.exit(main())

"""docs/thresholds.md, generated from the guide data: every limit, pattern and computed first-day rule the
engine applies, with its source and the reading chosen (the YAML ``note``).

    .venv/bin/python -m naervaer.rules.thresholds_doc          # rewrite docs/thresholds.md
    .venv/bin/python -m naervaer.rules.thresholds_doc --check  # exit 1 when it is not current

``tests/core/test_rules_thresholds.py`` fails when the file is not what this module writes.
"""
from __future__ import annotations

import sys
from pathlib import Path

from naervaer.guides.loader import guide_keys, load_guide
from naervaer.guides.schema import FirstDayRule, Pattern, Threshold, Window

PATH = Path(__file__).resolve().parents[2] / "docs" / "thresholds.md"

HEADER = """\
# Computable thresholds

Every limit, pattern and first-day rule the rules engine (`naervaer/rules/engine.py`,
`naervaer/rules/streaks.py`) computes, generated from the guide data in `naervaer/guides/data/*.yaml`
by `naervaer/rules/thresholds_doc.py` (the YAML is the source of truth; this file repeats it for
review, and a test fails when it is not current: `.venv/bin/python -m naervaer.rules.thresholds_doc`
rewrites it). Line numbers refer to the seed files in `/work/shared/seeds/`.

## How windows and counts work

* A window ends on the evaluation date and includes it; only records on or before that date count.
  * `rolling_days N`: the last N calendar days. `rolling_weeks N`: the last 7·N calendar days.
  * `rolling_months N`: from the day after the same date N months back (27 Nov → 28 Oct for one month).
  * `rolling_school_days N`: the last N school days.
  * `calendar_month` (from the 1st of the month) and `calendar_quarter` (from the 1st of Jan/Apr/Jul/Oct)
    exist in the schema, but no guide uses them: a rolling window always holds the calendar one so far,
    so it flags at least as early (see the rule below; a test keeps it so).
* Only records on **school days** count (weekday, not a Norwegian public holiday, not in the
  school's holiday weeks, see `naervaer/calendar.py`).
* `days`: distinct school days with a matching record. `hours`: sum of lessons missed
  (`AbsenceEvent.hours`). `occasions`: distinct (school day, subject) pairs — a day record or
  leaving early is one occasion that day; each subject missed that day is one.
  `percent_of_school_days`: absent days ÷ school days in the window × 100, compared in integers
  so that exactly 10 % is exactly 10 %.
* `same_subject`: the count is made per subject, and each subject crossing the limit is its own flag.
* `unexcused_only`: only records neither documented nor announced by the home.
* `gt` = "mer enn" (more than), `ge` = "… eller mer", "minst" or a bare number.
* Patterns count distinct school days (per weekday / per subject for those kinds).
* **Runs of days in a row** (first-day rules with a `streak`): the school days in a row, ending on the
  day asked, with whole-day absence (`absent`), or with whole-day absence nobody announced
  (`unannounced`: no record of the day reported by the home or documented, and no call from home that
  day). Weekends and holidays neither break nor lengthen a run; a run stays in its school year.
  A `school_contacts` rule is due ("contact today") when the run reaches its days, until a contact with
  the home or the pupil is logged since the run began; a `phone_required` rule when the run is longer
  than its days, until a phone call with the home is logged after the limit was passed. They are listed
  apart from the worrying pupils: in the morning digest (to the school's fraværsansvarlig where it has
  one, else to the contact teacher; a `phone_required` rule to the contact teacher), in the overview of
  flagged pupils, in the pupil's status, and, for `phone_required`, in what the parent is told when a
  report makes the run longer than the rule's days.
"""

CHOICES = """\
## Choices where a guide is ambiguous

The rule throughout: where a guide allows more than one reading, take the one that flags a child
earlier, and write the choice down (the `note` field in the YAML, repeated above).

* **Every "month"** — Jevnaker "i løpet av en måned", Alvøen "3 dager eller mer per måned", Tynset
  "mer enn tre enkeltdager per måned" (and our month for Tynset's repeated invalid lessons) — is the
  rolling month ending on the evaluation day. It always holds the calendar month so far, so it flags
  whenever the calendar reading would, and it also catches days across a month boundary (Alvøen: 30
  November, 1 and 2 December), which the calendar month misses — and which Alvøen's 3-month rule, at
  ten days, does not catch either. Alvøen's and Tynset's monthly reviews still see every pupil flagged.
* **Alvøen "10 dager per kvartal (3 mnd.)"** — any 3-month span (`rolling_months 3`), ≥ 10: the
  guide itself glosses the quarter as "3 mnd.", and calendar quarters split the school year badly.
* **Ås "7 dager fravær i løpet av 3 – 4 uker"** — 4 weeks (the longer window catches more), ≥ 7.
* **Ås "2 -3 ganger" (leaving during the day, skipping single lessons)** — the lower end, 2; the
  guide gives no window, so the 4 weeks of the first rule in the same list are used.
* **Tynset "gjentatt ugyldig fravær fra enkelttimer"** — "repeated" = 2 or more; "ugyldig" =
  neither documented nor announced by the home; window = a (rolling) month, the guide's review cycle.
  This number is ours, not the guide's.
* **Tynset "Om fraværet strekker seg over mer enn 3 dager, skal foresatte ringe"** — more than three
  school days in a row of whole-day absence, however many reports cover them: four one-day reports in
  a row get the parent the same advice as one report of four days, and the contact teacher is told.
* **Trøndelag "borte tre eller flere ganger i løpet av en to ukers periode"** — days, missed lessons
  and leaving early all count as "being away", documented absence included (the guide says so);
  counted as occasions.
* **Trøndelag "etter 1-3 sammenhengende dager med uvarslet fravær"** — a first-day rule, not a
  threshold, computed from the run of unannounced days: due from day 1 (the earliest of 1–3), as
  "contact today", for the fraværsansvarlig. Jevnaker's and Tynset's "the contact teacher calls the
  same day when the home has not been in touch" are the same computation.
* **Jevnaker "Ved fravær over 10%" (section 1.1, no window)** — covered by the stricter
  "10 % eller mer i løpet av 15 uker" rule; not encoded separately.
* **Patterns** — the guides name patterns (same weekday, same subject, lateness) without numbers.
  Our two definitions, the same for every guide: "repeated" ("gjentatt", "gjentatte episoder") = 2
  distinct days in 6 weeks; "often" or a named pattern = 3 distinct days in 6 weeks. Encoded where the
  guide names them: Tynset (late, avoided subject), Ås (repeated subject), Trøndelag (fixed days,
  subject, lateness), and Alvøen, whose "fravær med tydelig mønster" is worrying below the day limits
  but names no pattern: the named patterns of the other guides (fixed weekday, one subject, lateness,
  which Alvøen treats as absence) with the named-pattern definition. Incidents and descriptions in
  words stay judgement signs (`judgement_signs.signs`), as does Alvøen's absence-pattern form itself.
* **Ås, barnehage** — the guide says a limit cannot be set; there is none.
"""


def _cell(text: str | None) -> str:
    return " ".join((text or "").split()).replace("|", "\\|")


def _window(w: Window) -> str:
    return w.kind.value if w.length is None else f"{w.kind.value} {w.length}"


def _source(rule: Threshold | Pattern | FirstDayRule) -> str:
    first, last = rule.source.lines
    return f"{rule.source.section} (l. {first}–{last})"


def _threshold_row(key: str, t: Threshold) -> str:
    parts = [f"counts={','.join(k.value for k in t.counts)}", f"unit={t.unit.value}"]
    if t.same_subject:
        parts.append("same_subject")
    if t.unexcused_only:
        parts.append("unexcused_only")
    limit = int(t.limit) if t.limit == int(t.limit) else t.limit
    parts += [f"window={_window(t.window)}", f"{t.comparison.value} {limit}",
              f"levels={','.join(lv.value for lv in t.levels)}"]
    return f"| {key} | `{t.id}` | {_cell(_source(t))} | {_cell(t.text.en)} | {'; '.join(parts)} | {_cell(t.note)} |"


def _pattern_row(key: str, p: Pattern) -> str:
    encoding = (f"pattern={p.kind.value}; counts={','.join(k.value for k in p.counts)}; "
                f"distinct school days ≥ {p.min_count}; window={_window(p.window)}")
    return (f"| {key} | `{p.id}` (pattern) | {_cell(_source(p))} | {_cell(p.text.en)} | {encoding} | "
            f"{_cell(p.note)} |")


def _first_day_row(key: str, r: FirstDayRule) -> str:
    at = "≥" if r.kind.value == "school_contacts" else ">"
    encoding = f"kind={r.kind.value}; streak={r.streak.value if r.streak else ''}; run {at} {r.days}; " \
               f"responsible={r.responsible}"
    return f"| {key} | `{r.id}` | {_cell(_source(r))} | {_cell(r.text.en)} | {encoding} | {_cell(r.note)} |"


def render() -> str:
    guides = [(key, load_guide(key)) for key in guide_keys()]
    rows = []
    for key, g in guides:
        rows += [_threshold_row(key, t) for t in g.thresholds]
        rows += [_pattern_row(key, p) for p in g.judgement_signs.patterns]
    first_day = [_first_day_row(key, r) for key, g in guides for r in g.first_day if r.streak is not None]
    head = "| guide | rule | section (lines) | rule in words | encoding | reading chosen |\n|---|---|---|---|---|---|"
    return "\n".join([
        HEADER, "## The thresholds and patterns", "", head, *rows, "",
        "## First-day rules computed from runs of days", "",
        "The first-day rules not computed (who reports, adult pupils, logging, no response) are said as the "
        "guide's words where the flows need them.", "", head, *first_day, "", CHOICES,
    ])


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = PATH.read_text(encoding="utf-8") if PATH.exists() else ""
        if current != text:
            print(f"{PATH} is not current: run python -m naervaer.rules.thresholds_doc", file=sys.stderr)
            return 1
        return 0
    PATH.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""Fidelity: every number a guide's data states is in the seed lines it cites.

For each guide the seed text and the data are read side by side: the limits and window lengths of the
thresholds and patterns, the days of the first-day rules, the deadlines of the follow-up steps (days,
min_days, and the numbers in the guide's own words `due.says`) and the BTI levels of the stages. A number
counts as stated when the cited lines hold it in digits or as a Norwegian number word ("tre", "fire",
"to–fire", "2-4", "én uke"); a number of days may be stated in weeks ("tre uker" for 21 days) and a window of
weeks in days ("fjorten dager" for two weeks).

A number the guide does not give at all may stand only where the item's `note` says so and names the
number (e.g. Tynset's "gjentatt" read as two, "This is our reading, not a number in the guide"); a due of 0
days ("umiddelbart", "på møtet") needs such a note or words of the guide that say "at once".
When this test fails, fix the data (or a line range that is wrong), never the test.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

import pytest

from naervaer.guides import GUIDE_KEYS, load_guide
from naervaer.guides.schema import Guide, Source, WindowKind
from naervaer.knowledge.seeds import SeedsMissing, seed_lines

NUMBER_WORDS = {
    "en": 1, "ett": 1, "én": 1, "èn": 1, "ein": 1, "eitt": 1, "éin": 1, "ei": 1, "éi": 1, "første": 1,
    "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "sju": 7, "syv": 7, "åtte": 8, "ni": 9, "ti": 10,
    "elleve": 11, "tolv": 12, "tretten": 13, "fjorten": 14, "femten": 15, "seksten": 16, "tjue": 20,
    "tretti": 30,
}
ENGLISH_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "fourteen": 14, "fifteen": 15, "twenty": 20}
# The note of an item whose number is ours, not the guide's, says so in one of these ways.
OUR_NUMBER = ("our reading", "our definition", "not a number in the guide", "names no", "gives no")
AT_ONCE = ("umiddelbart", "straks", "samme dag", "same dag", "med en gang", "første fraværsdag")


def _lines(guide: Guide) -> list[str]:
    try:
        return seed_lines(guide.source_file)
    except (SeedsMissing, FileNotFoundError):
        pytest.skip("the seed texts are not available (NAERVAER_SEEDS)")


def cited(lines: list[str], sources: Iterable[Source]) -> str:
    return " ".join(" ".join(lines[s.lines[0] - 1:s.lines[1]]) for s in sources)


def numbers_in(text: str, words: dict[str, int] = NUMBER_WORDS) -> set[int]:
    """The numbers a text states: digits (also digits the extraction split apart, "1 0 %") and number words."""
    found = {int(d) for d in re.findall(r"\d+", text)}
    found |= {int(d) for d in re.findall(r"\d+", re.sub(r"(?<=\d) (?=\d)", "", text))}
    found |= {words[w] for w in re.findall(r"\w+", text.casefold()) if w in words}
    return found


# "per måned", "hver uke": the unit alone states one of it.
ONE_MONTH = re.compile(r"\b(måned|månad|mnd)\b")


def stated(n: int, text: str, as_days: bool = False, as_weeks: bool = False, as_months: bool = False) -> bool:
    found = numbers_in(text)
    if n in found:
        return True
    if as_months and n == 1 and ONE_MONTH.search(text.casefold()):
        return True
    if as_days and n % 7 == 0 and n // 7 in found:  # 21 days = "tre uker"
        return True
    return as_weeks and n * 7 in found  # a 2-week window = "fjorten dager"


def ours(n: int, note: str | None) -> bool:
    """The note says the number is our reading and names it."""
    if not note:
        return False
    lowered = note.casefold()
    return any(m in lowered for m in OUR_NUMBER) and n in numbers_in(note, NUMBER_WORDS | ENGLISH_WORDS)


def _problems(guide: Guide) -> list[str]:
    lines = _lines(guide)
    problems: list[str] = []

    def check(what: str, n: int, sources: Iterable[Source], note: str | None, **units: bool) -> None:
        text = cited(lines, sources)
        if not stated(n, text, **units) and not ours(n, note):
            spans = [list(s.lines) for s in sources]
            problems.append(f"{guide.key}: {what} = {n} is not in lines {spans}")

    for rule in [*guide.thresholds, *guide.judgement_signs.patterns]:
        if hasattr(rule, "limit"):
            limit = rule.limit
            check(f"{rule.id}.limit", int(limit) if float(limit).is_integer() else limit, [rule.source], rule.note)
        else:
            check(f"{rule.id}.min_count", rule.min_count, [rule.source], rule.note)
        window = rule.window
        if window.length is not None:
            check(f"{rule.id}.window.length", window.length, [rule.source], rule.note,
                  as_days=window.kind is WindowKind.ROLLING_DAYS,
                  as_weeks=window.kind is WindowKind.ROLLING_WEEKS,
                  as_months=window.kind is WindowKind.ROLLING_MONTHS)

    for rule in guide.first_day:
        if rule.days is not None:
            check(f"{rule.id}.days", rule.days, [rule.source], rule.note, as_days=True)

    for stage in guide.followup.stages:
        if stage.bti_level is not None:
            text = cited(lines, [stage.source])
            level = stage.bti_level
            named = re.search(rf"niv[åa]\W*(\d\W*)*?{level}\b", text.casefold()) is not None
            note = (guide.followup.note or "").casefold()
            declared = "our reading" in note and f"level {level}" in note
            if not named and not declared:
                problems.append(f"{guide.key}: stage {stage.id} is BTI level {level}, which lines "
                                f"{list(stage.source.lines)} do not name")
        for step in stage.steps:
            if step.due is None:
                continue
            sources = [step.source, *step.also]
            for field in ("days", "min_days"):
                n = getattr(step.due, field)
                if n is None:
                    continue
                if n == 0:
                    text = cited(lines, sources).casefold()
                    if not step.note and not any(w in text for w in AT_ONCE):
                        problems.append(f"{guide.key}: {step.id}.due.{field} = 0 with no note and no "
                                        f"'at once' in lines {[list(s.lines) for s in sources]}")
                    continue
                check(f"{step.id}.due.{field}", n, sources, step.note, as_days=True)
            if step.due.says is not None:
                for n in numbers_in(step.due.says.nb):
                    check(f"{step.id}.due.says", n, sources, step.note)
                days = numbers_in(step.due.says.nb)
                if days and step.due.days and not stated(step.due.days, step.due.says.nb, as_days=True):
                    problems.append(f"{guide.key}: {step.id}.due.says «{step.due.says.nb}» does not say "
                                    f"the {step.due.days} days it computes")
    return problems


@pytest.mark.parametrize("key", GUIDE_KEYS)
def test_every_number_in_the_data_is_in_the_lines_it_cites(key):
    problems = _problems(load_guide(key))
    assert not problems, "\n".join(problems)


# --- the checker itself: it finds a wrong number, and reads the guides' ways of writing them ----------------


def test_the_checker_reads_digits_words_ranges_and_split_digits():
    assert numbers_in("Bør evalueres etter 2- 4 uker") >= {2, 4}
    assert numbers_in("innen en-tre uker") >= {1, 3}
    assert numbers_in("Innen èn uke etter samtale") >= {1}
    assert numbers_in("Har 1 0 % fravær") >= {10}
    assert stated(21, "etter tre uker", as_days=True) and not stated(21, "etter tre uker")
    assert stated(2, "i løpet av fjorten dager", as_weeks=True)
    assert stated(1, "3 dager eller mer per måned", as_months=True) and not stated(1, "3 dager eller mer")


def test_the_checker_catches_a_number_the_cited_lines_do_not_give():
    guide = load_guide("alvoen")
    step = next(st for _s, st in guide.followup.steps() if st.id == "alvoen_evaluate")
    wrong = step.model_copy(update={"due": step.due.model_copy(update={"days": 35})})
    stages = [s.model_copy(update={"steps": [wrong if x.id == step.id else x for x in s.steps]})
              for s in guide.followup.stages]
    broken = guide.model_copy(update={"followup": guide.followup.model_copy(update={"stages": stages})})
    assert any("alvoen_evaluate.due.days = 35" in p for p in _problems(broken))

"""The guides are the files in naervaer/guides/data: a sixth municipality is one more YAML file, found,
loaded, ordered and evaluated by the rules engine with nothing changed in code (docs/guides.md)."""
from __future__ import annotations

import shutil
from datetime import date

import pytest

from naervaer.absence import AbsenceEvent, AbsenceKind, SchoolLevel
from naervaer.calendar import SchoolCalendar
from naervaer.guides import GUIDE_KEYS, GuideFileError, guide_keys, load_guide, load_guides
from naervaer.guides.loader import DATA_DIR
from naervaer.knowledge.ranker import GuideIndex
from naervaer.knowledge.units import load_knowledge
from naervaer.rules.engine import evaluate
from naervaer.rules.nextstep import CaseState, HomeContact, next_step

CAL = SchoolCalendar.for_school_year(2026)
ON = date(2026, 11, 27)  # a Friday; 16-20 November is a plain school week

# A made-up municipality, small but valid: one threshold, one stage of two steps. No `order`, so it
# comes after the five, which have one.
FJELLBY = """\
key: fjellby
title: Rutine for oppfølging av fravær i Fjellbyskolen
owner: Fjellby kommune (oppvekst)
source_file: fjellby.txt
school_levels: [barneskole, ungdomsskole]
thresholds:
  - id: fjellby_days_month
    counts: [day]
    unit: days
    window: {kind: rolling_days, length: 30}
    comparison: ge
    limit: 2
    levels: [barneskole, ungdomsskole]
    text: {nb: To dager på en måned., nn: To dagar på ein månad., en: Two days in a month.}
    source: {file: fjellby.txt, section: Når er fraværet bekymringsfullt, lines: [3, 4]}
followup:
  kind: practical_order
  stages:
    - id: fjellby_school
      title: {nb: Skolen, nn: Skulen, en: The school}
      source: {file: fjellby.txt, section: Tiltak, lines: [6, 9]}
      steps:
        - id: fjellby_contact_home
          text: {nb: Ring hjemmet., nn: Ring heimen., en: Call the home.}
          responsible: [contact_teacher]
          done_by: {kind: contact_home}
          source: {file: fjellby.txt, section: Tiltak, lines: [6, 7]}
        - id: fjellby_meeting
          text: {nb: Hold et møte innen en uke., nn: Hald eit møte innan ei veke., en: Hold a meeting within a week.}
          responsible: [contact_teacher, home]
          due: {after: fjellby_contact_home, days: 7}
          meeting_kind: samtale
          done_by: {kind: meeting, meeting_kind: samtale}
          source: {file: fjellby.txt, section: Tiltak, lines: [8, 9]}
"""


@pytest.fixture
def six(tmp_path):
    """The five packaged guides copied beside a sixth."""
    for path in DATA_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "fjellby.yaml").write_text(FJELLBY, encoding="utf-8")
    return tmp_path


def test_a_sixth_file_is_a_sixth_guide_after_the_five_in_their_order(six):
    assert guide_keys(six) == (*GUIDE_KEYS, "fjellby")
    assert list(load_guides(six)) == list(guide_keys(six))
    assert GUIDE_KEYS == guide_keys() and "fjellby" not in GUIDE_KEYS  # the packaged set is untouched


def test_order_places_a_guide_and_the_key_breaks_ties(six):
    path = six / "fjellby.yaml"
    path.write_text(FJELLBY.replace("key: fjellby\n", "key: fjellby\norder: 1\n"), encoding="utf-8")
    first = load_guide(GUIDE_KEYS[0]).order
    assert first == 1 and guide_keys(six)[:2] == tuple(sorted(("fjellby", GUIDE_KEYS[0])))


def test_the_rules_engine_evaluates_the_sixth_guides_threshold(six):
    guide = load_guide("fjellby", six)
    one = [AbsenceEvent(date(2026, 11, 16), AbsenceKind.DAY, record_id=1)]
    two = one + [AbsenceEvent(date(2026, 11, 18), AbsenceKind.DAY, record_id=2)]
    assert evaluate(one, guide, ON, CAL, SchoolLevel.BARNESKOLE) == []
    [flag] = evaluate(two, guide, ON, CAL, SchoolLevel.BARNESKOLE)
    assert (flag.guide_key, flag.rule_id, flag.count, flag.record_ids) == ("fjellby", "fjellby_days_month", 2, (1, 2))
    assert evaluate(two, guide, ON, CAL, SchoolLevel.VGS) == []  # not a level of the guide


def test_the_sixth_guides_follow_up_path_and_deadlines(six):
    guide = load_guide("fjellby", six)
    assert next_step(guide, CaseState(date(2026, 11, 20)), ON).step.id == "fjellby_contact_home"
    after = next_step(guide, CaseState(date(2026, 11, 20), contacts=[HomeContact(date(2026, 11, 23))]), ON)
    assert after.step.id == "fjellby_meeting" and after.due == date(2026, 11, 30)


def test_a_guide_without_knowledge_units_yet_is_asked_without_failing(six):
    knowledge = load_knowledge("fjellby", six)  # no folder fjellby/ there
    assert knowledge.units == () and GuideIndex(knowledge).search("hva gjør ppt?") == []


def test_a_broken_sixth_file_fails_discovery_loudly_naming_it(six):
    (six / "fjellby.yaml").write_text(FJELLBY.replace("limit: 2", "limit: two"), encoding="utf-8")
    with pytest.raises(GuideFileError, match=r"fjellby\.yaml: thresholds\[0\]\.limit"):
        guide_keys(six)

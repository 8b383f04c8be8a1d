"""Answers about the guides: every fact from the guide data, in the asker's language, with its source."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from naervaer.conversations import guide_answers as ga
from naervaer.conversations.context import Asker
from naervaer.db import session_scope
from naervaer.guides import GUIDE_KEYS, load_guide, load_guides
from naervaer.guides.schema import AGENCY_SYNONYMS
from tests.helpers import TODAY

ROOT = Path(__file__).resolve().parents[2]
CTX = ga.GuideContext(None)


def asker(sender: str, lang: str = "nb") -> Asker:
    return Asker(sender_id=sender, lang=lang, today=TODAY)


@pytest.mark.parametrize("key", GUIDE_KEYS)
@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
@pytest.mark.parametrize("question", ga.QUESTIONS)
def test_every_question_gets_an_answer_for_every_guide_and_language(key, lang, question):
    guide = load_guide(key)
    reply = ga.ANSWERS[question](guide, lang, CTX, {})
    assert reply.text.strip()
    if lang == "en":  # the catalogs are checked elsewhere; English is the msgid itself
        assert "Source:" in reply.text or reply.messages[0].buttons or "does not" in reply.text \
            or "no " in reply.text or "nothing" in reply.text


def test_agency_answer_is_the_guides_own_text_with_its_source():
    guide = load_guide("jevnaker")
    ppt = next(a for a in guide.agencies if a.key == "ppt")
    for typed in ("ppt", "PP-tjenesten", "pp-tenesta"):
        reply = ga.agency(guide, "nb", typed)
        assert ppt.role.nb in reply.text
        assert f"«{ppt.source.section}»" in reply.text and guide.title in reply.text
    assert ppt.role.nn in ga.agency(guide, "nn", "ppt").text
    assert "(Kjelde:" in ga.agency(guide, "nn", "ppt").text


def test_unknown_agency_lists_the_guides_agencies_as_buttons():
    guide = load_guide("alvoen")
    reply = ga.agency(guide, "nb", "nav")
    assert "nav" in reply.text
    assert [b.payload for b in reply.messages[0].buttons] == [f'/ask_agency{{"agency":"{a.key}"}}' for a in guide.agencies]


def test_levels_by_number_and_by_phase_name():
    aas, trondelag, jevnaker = load_guide("aas"), load_guide("trondelag"), load_guide("jevnaker")
    school = frozenset({ga.SchoolLevel.BARNESKOLE})
    assert ga.find_stage(aas, "2", school).id == "school_level_2"
    assert ga.find_stage(aas, "nivå 0", school).id == "school_level_0"
    assert ga.find_stage(aas, "to", school).id == "school_level_2"
    assert ga.find_stage(trondelag, "kartlegging").id == "kartlegging"
    assert ga.find_stage(trondelag, "evalueringsfasen").id == "evaluering"
    assert ga.find_stage(trondelag, "2").id == "kartlegging"
    assert ga.find_stage(jevnaker, "next").id == "next_level"
    assert ga.find_stage(jevnaker, "7") is None
    reply = ga.level(aas, "nn", "2", school)
    stage = ga.find_stage(aas, "2", school)
    assert stage.steps[0].text.nn in reply.text and stage.source.section in reply.text


def test_level_question_without_a_level_offers_the_stages():
    reply = ga.level(load_guide("jevnaker"), "nb", None)
    assert [b.payload for b in reply.messages[0].buttons] == ['/ask_level{"level":"1"}', '/ask_level{"level":"2"}']


def test_when_worry_lists_each_threshold_of_the_guide():
    for key, guide in load_guides().items():
        text = ga.when_worry(guide, "nb").text
        for rule in guide.thresholds:
            assert rule.text.nb in text, (key, rule.id)


def test_seven_h_only_where_the_guide_has_it():
    assert "Hva skal jeg gjøre?" in ga.seven_h(load_guide("jevnaker"), "nb").text
    assert "sju H-ene" in ga.seven_h(load_guide("tynset"), "nb").text  # says the guide does not use them


def test_every_classified_tool_exists():
    tool_ids = {t.id for g in load_guides().values() for t in g.tools}
    assert ga.CONVERSATION_TOOLS <= tool_ids


def test_nlu_agency_synonyms_agree_with_the_schema():
    synonyms = {}
    for block in yaml.safe_load((ROOT / "data/nlu/synonyms.yml").read_text(encoding="utf-8"))["nlu"]:
        if "synonym" in block:
            for line in block["examples"].splitlines():
                if line.strip().startswith("- "):
                    synonyms[line.strip()[2:].lower()] = block["synonym"]
    keys = set(AGENCY_SYNONYMS.values())
    for text, key in AGENCY_SYNONYMS.items():
        if text in synonyms:
            assert synonyms[text] == key, text
    for text, value in synonyms.items():
        if value in keys:
            assert AGENCY_SYNONYMS.get(text, value) == value, text


@pytest.mark.parametrize(("sender", "guide"), [
    ("demo-teacher", "jevnaker"), ("demo-teacher-alvoen", "alvoen"), ("demo-teacher-tynset", "tynset"),
    ("demo-teacher-aas", "aas"), ("demo-teacher-trondelag", "trondelag"), ("demo-parent", "jevnaker"),
    ("demo-pupil-adult", "trondelag"),
])
def test_the_guide_of_the_askers_school(demo_engine, sender, guide):
    with session_scope(demo_engine) as session:
        ctx = ga.guide_for(session, asker(sender), None)
        assert ctx.guide is not None and ctx.guide.key == guide
        assert not ctx.chosen


def test_a_stranger_is_asked_which_guide_and_the_buttons_repeat_the_question(demo_engine):
    with session_scope(demo_engine) as session:
        reply = ga.answer(session, asker("stranger"), "ask_agency", {"agency": "ppt"}, None)
        buttons = reply.messages[0].buttons
        assert len(buttons) == len(GUIDE_KEYS)
        assert buttons[0].payload == '/ask_agency{"agency":"ppt","guide":"jevnaker"}'
        chosen = ga.answer(session, asker("stranger"), "ask_agency", {"agency": "ppt"}, "tynset")
        assert next(a for a in load_guide("tynset").agencies if a.key == "ppt").role.nb in chosen.text
        assert chosen.slots == {"guide": "tynset"}


def test_a_linked_person_keeps_their_schools_guide_whatever_was_chosen(demo_engine):
    with session_scope(demo_engine) as session:
        reply = ga.answer(session, asker("demo-teacher-aas"), "ask_when_worry", {}, "jevnaker")
        assert load_guide("aas").thresholds[0].text.nb in reply.text
        assert reply.slots == {}

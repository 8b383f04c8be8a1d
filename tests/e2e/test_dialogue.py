"""The dialogue through the real Rasa server and action server: the guide answers of each asker's own
school, in the language asked, with the source; guide buttons for strangers; follow-ups; fallback."""
from __future__ import annotations

import pytest

from naervaer.guides import GUIDE_KEYS, load_guide
from naervaer.knowledge.finder import find
from naervaer.knowledge.ranker import index_for

pytestmark = pytest.mark.e2e


def expected(key: str, text: str, audience: str | None = "staff"):
    """The unit the core finds for this question in this guide (the servers must give the same)."""
    finding = find(index_for(key), text, audience)
    assert finding.answered, (key, text)
    return finding.answers[0]


@pytest.mark.parametrize(("text", "lang", "source"), [
    ("hva gjør ppt?", "nb", "(Kilde: Retningslinjer"),
    ("kva gjer pp-tenesta eigentleg?", "nn", "(Kjelde: Retningslinjer"),
    ("what does ppt actually do?", "en", "(Source: Retningslinjer"),
])
def test_jevnaker_teacher_gets_jevnakers_ppt_answer_in_the_language_asked(stack, text, lang, source):
    reply = stack.chat.send("demo-teacher", text)
    unit = expected("jevnaker", text)
    assert "ppt" in unit.id or "PPT" in unit.answer.nb
    assert unit.answer.get(lang) in reply[0].text
    assert source in reply[0].text


@pytest.mark.parametrize(("sender", "key"), [
    ("demo-teacher", "jevnaker"), ("demo-teacher-alvoen", "alvoen"), ("demo-teacher-tynset", "tynset"),
    ("demo-teacher-aas", "aas"), ("demo-teacher-trondelag", "trondelag"),
])
def test_each_demo_teacher_gets_their_own_guides_when_to_worry(stack, sender, key):
    text = "når er fravær bekymringsfullt?"
    reply = stack.chat.send(sender, text)
    assert expected(key, text).answer.nb in reply[0].text
    assert load_guide(key).title in reply[0].text
    others = [k for k in GUIDE_KEYS if k != key]
    assert not any(load_guide(k).title in reply[0].text for k in others)


def test_an_unlinked_sender_gets_guide_buttons_and_the_choice_is_kept(stack):
    reply = stack.chat.send("stranger-guide", "hva gjør ppt?")
    titles = [b["title"] for b in reply[0].buttons]
    assert titles[0] == "Jevnaker kommune" and len(titles) == 5
    tynset = next(b for b in reply[0].buttons if b["title"].startswith("Tynset"))
    chosen = stack.chat.send("stranger-guide", tynset["payload"])
    assert expected("tynset", "hva gjør ppt?", None).answer.nb in chosen[0].text
    follow = stack.chat.send("stranger-guide", "og bup?")
    assert "BUP" in follow[0].text and load_guide("tynset").title in follow[0].text


def test_a_follow_up_after_a_level_question(stack):
    first = stack.chat.send("demo-teacher-aas", "hva gjør vi på nivå 1?")
    assert expected("aas", "hva gjør vi på nivå 1?").answer.nb in first[0].text
    second = stack.chat.send("demo-teacher-aas", "og på nivå 2?")
    assert "nivå 2" in second[0].text.lower() and load_guide("aas").title in second[0].text


def test_not_understood_twice_offers_the_contact_teacher(stack):
    stack.chat.send("demo-parent", "hva kan du hjelpe meg med?")  # bokmål, so the typed intents below keep it
    first = stack.chat.send("demo-parent", "/nlu_fallback")
    assert first[0].text.startswith("Beklager")
    second = stack.chat.send("demo-parent", "/nlu_fallback")
    assert "Kontaktlæreren til Ida er Marte Lie" in second[0].text


def test_chosen_language_wins(stack):
    stack.chat.send("stranger-nn", "kan du svare på nynorsk")
    reply = stack.chat.send("stranger-nn", "hva gjør ppt?")  # asked in bokmål, answered in the chosen nynorsk
    assert reply[0].text.startswith("Kva kommune sin rettleiar meiner du?")
    tynset = next(b for b in reply[0].buttons if b["title"].startswith("Tynset"))
    answer = stack.chat.send("stranger-nn", tynset["payload"])[0].text
    assert expected("tynset", "hva gjør ppt?", None).answer.nn in answer and "(Kjelde:" in answer

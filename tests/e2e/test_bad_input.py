"""Bad input through the real Rasa server and action server, generated with hypothesis.

Random Unicode with control characters, 10,000-character messages, markup, SQL-looking text and Rasa's
own intent syntax with forged entities (`/ask_absence{"pupil":"Eirik Berg"}`), sent by an unlinked
stranger, a linked parent (Kari Hansen, mother of Ida Hansen) and a parent without parental
responsibility (Ole Hansen, Ida's father). For every message: HTTP 200 with a non-empty answer, no other
family's pupil named and no absence figures the sender may not see, nothing stored for a pupil the
sender may not act for; and the server still answers a normal question afterwards."""
from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import func, select

from naervaer.db import session_scope
from naervaer.identity import link_sender
from naervaer.models import AbsenceRecord, Contact, Guardianship, Meeting, Person, Pupil

pytestmark = pytest.mark.e2e

SETTINGS = settings(max_examples=20, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])
_fresh = itertools.count()
ROOT = Path(__file__).resolve().parents[2]

# The absence figures an answer about one pupil gives ("4 hele dager, 3 skoletimer, kom for sent 2 ganger").
FIGURES = re.compile(r"\b\d+(?:[.,]\d+)?\s+(?:hele dager|hel dag|heile dagar|heil dag|whole days?|skoletimer|"
                     r"skoletime|skuletimar|skuletime|lessons?)\b|for sei?nt \d+ g[ao]nger|late \d+ times?",
                     re.IGNORECASE)


@dataclass(frozen=True)
class Persona:
    kind: str
    given: str | None
    family: str | None


PERSONAS = [Persona("stranger", None, None), Persona("parent", "Kari", "Hansen"),
            Persona("parent-no-responsibility", "Ole", "Hansen")]


@dataclass(frozen=True)
class Sender:
    sender_id: str
    own_children: frozenset[tuple[str, str]]   # names they may see (their own children)
    acts_for: frozenset[int]                   # pupils whose absence and figures they may see and report


def new_sender(stack, persona: Persona) -> Sender:
    """A fresh conversation (new tracker), so one example's state never steers the next."""
    sender_id = f"e2e-bad-{persona.kind}-{next(_fresh)}"
    if persona.given is None:
        return Sender(sender_id, frozenset(), frozenset())
    with session_scope(stack.engine) as s:
        person = s.scalars(select(Person).where(Person.given_name == persona.given,
                                                Person.family_name == persona.family).order_by(Person.id)).first()
        link_sender(s, sender_id, person)
        children = s.execute(select(Pupil.id, Person.given_name, Person.family_name,
                                    Guardianship.parental_responsibility)
                             .join(Person, Person.id == Pupil.person_id)
                             .join(Guardianship, Guardianship.pupil_id == Pupil.id)
                             .where(Guardianship.guardian_id == person.id)).all()
    return Sender(sender_id, frozenset((g, f) for _, g, f, _ in children),
                  frozenset(pid for pid, _, _, responsible in children if responsible))


def pupils(stack) -> list[tuple[int, str, str]]:
    with session_scope(stack.engine) as s:
        return [tuple(r) for r in s.execute(select(Pupil.id, Person.given_name, Person.family_name)
                                            .join(Person, Person.id == Pupil.person_id))]


def stored(stack) -> dict[tuple[str, int], int]:
    """Rows per pupil in the tables a conversation can write to."""
    counts = {}
    with session_scope(stack.engine) as s:
        for model in (AbsenceRecord, Contact, Meeting):
            for pupil, n in s.execute(select(model.pupil_id, func.count()).group_by(model.pupil_id)):
                counts[(model.__tablename__, pupil)] = n
    return counts


def catalog_words() -> str:
    """Every text the bot itself may say: a given name used in its examples ("Hvor mye fravær har Ida?")
    is no leak."""
    return "\n".join((ROOT / "naervaer" / "locale" / lang / "LC_MESSAGES" / "naervaer.po").read_text()
                     for lang in ("nb", "nn", "en"))


def answer_text(messages) -> str:
    parts = []
    for m in messages:
        parts.append(m.text or "")
        parts += [f"{b.get('title', '')} {b.get('payload', '')}" for b in m.buttons]
    return "\n".join(parts)


def has_word(word: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE) is not None


def check_answer(stack, sender: Sender, message: str, messages, before: dict, everyone, bot_words: str) -> None:
    # 1. The person never meets a silent bot.
    assert any((m.text or "").strip() or m.image or m.buttons for m in messages), (sender.sender_id, message[:200])
    reply = answer_text(messages)
    # No Python values shown to a person ("I can't find None among ...", "{'x': 1}").
    assert not re.search(r"\bNone\b|\{'|\['", "\n".join(m.text or "" for m in messages)), reply[:500]
    # 2. No other family's pupil is named unless the sender wrote the name; no figures but their own child's.
    for pupil_id, given, family in everyone:
        if (given, family) in sender.own_children:
            continue
        full = f"{given} {family}"
        if has_word(full, reply):
            assert has_word(full, message), (full, reply[:500])
        own_given = {g for g, _ in sender.own_children}
        if given not in own_given and has_word(given, reply) and not has_word(given, bot_words):
            assert has_word(given, message), (given, reply[:500])
    if FIGURES.search(reply):
        own = [g for g, f in sender.own_children]
        assert sender.acts_for and any(has_word(g, reply) for g in own), (sender.sender_id, reply[:500])
    # 3. Nothing stored for a pupil the sender may not act for.
    after = stored(stack)
    changed = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    assert all(pupil in sender.acts_for for _, pupil in changed), (changed, message[:200])


def still_answers(stack) -> None:
    """A normal question gets its normal answer after the bad input."""
    kari = new_sender(stack, PERSONAS[1])
    reply = answer_text(stack.chat.send(kari.sender_id, "Hvor mye fravær har Ida?"))
    assert "Ida" in reply and FIGURES.search(reply), reply


# --- what is sent ---------------------------------------------------------------------------------------
def names(stack) -> list[str]:
    found = []
    for _, given, family in pupils(stack):
        found += [given, f"{given} {family}"]
    return sorted(set(found))


MARKUP = ["<b>Ida</b> er syk", "<script>alert('x')</script>", "<img src=x onerror=alert(1)>", "**Ida** er _syk_ i dag",
          "[klikk](javascript:alert(1))", "# Overskrift\n- punkt\n```kode```", "&lt;&amp;&#0;", "{{7*7}} ${7*7} %s %n"]
SQL = ["'; DROP TABLE pupils; --", "Ida' OR '1'='1", "1; DELETE FROM absence_records WHERE 1=1",
       "Robert'); DROP TABLE people;--", "\" UNION SELECT given_name FROM people --"]
huge = st.sampled_from(["a", "Ida er syk i dag. ", "æøå ", "🙂", "\x00", "<b>", "' OR 1=1 -- "]).map(
    lambda s: (s * (10_000 // len(s) + 1))[:10_000])
control = st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp"]), min_size=1, max_size=30)
unicode_text = st.text(st.characters(codec="utf-8"), min_size=1, max_size=300)


def free_text() -> st.SearchStrategy[str]:
    return st.one_of(unicode_text, control, huge, st.sampled_from(MARKUP + SQL),
                     st.tuples(st.sampled_from(["Ida er syk i dag", "Hvor mye fravær har Eirik Berg?",
                                                "hva nå med Noah Bakke?", "Eirik er ikke her i dag"]),
                               st.one_of(control, st.sampled_from(MARKUP + SQL))).map(" ".join))


INTENTS = ["ask_absence", "report_absence", "change_report", "cancel_report", "ask_pupil_status", "register_absent",
           "log_contact", "schedule_meeting", "list_flagged", "inform", "affirm", "deny", "ask_guide",
           "choose_language", "greet", "help", "ask_human", "share_health_details", "nlu_fallback"]
ENTITIES = ["pupil", "date", "time", "reason", "guardian", "contact_kind", "meeting_kind", "absence_scope", "reached",
            "language", "guide", "level", "agency"]


@st.composite
def forged_intent(draw, pupil_names: list[str]) -> str:
    value = st.one_of(st.sampled_from(pupil_names), st.sampled_from(["i dag", "i morgen", "sick", "day", "nb", "xx",
                                                                      "jevnaker", "2026-11-23", ""]),
                      st.sampled_from(MARKUP + SQL), unicode_text, huge,
                      st.integers(-10**12, 10**12), st.lists(st.sampled_from(pupil_names), max_size=3),
                      st.none(), st.booleans())
    entities = draw(st.dictionaries(st.sampled_from(ENTITIES), value, max_size=4))
    if draw(st.booleans()):
        entities.setdefault("pupil", draw(st.sampled_from(pupil_names)))
    text = "/" + draw(st.sampled_from(INTENTS))
    if draw(st.integers(0, 3)) == 0:
        text += f"@{draw(st.sampled_from(['0.1', '1.0', '99', 'x']))}"
    if entities:
        text += json.dumps(entities, ensure_ascii=False)
    return text


@st.composite
def malformed_intent(draw, pupil_names: list[str]) -> str:
    intent = draw(st.sampled_from(INTENTS + ["", "ukjent_intent", "ask_absence ask_absence", "/ask_absence"]))
    body = draw(st.sampled_from([
        '{"pupil":', '{"pupil":"Eirik Berg"', '{pupil:Eirik}', "{'pupil':'Eirik'}", '{"pupil":"Ida Hansen"}}',
        '[1,2]', '{"pupil":"\\ud800"}', '{"pupil": NaN}', '{"":""}', '{"pupil":"Eirik Berg","pupil":"Ida Hansen"}',
        '{"pupil":{"$ne":null}}', "{" * 200, '{"pupil":"x"}' * 50,
    ]))
    return "/" + intent + body.replace("Eirik Berg", draw(st.sampled_from(pupil_names)))


# --- the properties ------------------------------------------------------------------------------------
def run_property(stack, messages: st.SearchStrategy[str]) -> None:
    everyone = pupils(stack)
    bot_words = catalog_words()

    @SETTINGS
    @given(persona=st.sampled_from(PERSONAS), message=messages)
    def prop(persona, message):
        sender = new_sender(stack, persona)
        before = stored(stack)
        replies = stack.chat.send(sender.sender_id, message)   # raises unless HTTP 2xx
        check_answer(stack, sender, message, replies, before, everyone, bot_words)

    prop()
    still_answers(stack)


def test_random_text_markup_sql_and_huge_messages(stack):
    run_property(stack, free_text())


def test_forged_intents_and_entities(stack):
    run_property(stack, forged_intent(names(stack)))


def test_malformed_intent_syntax(stack):
    run_property(stack, malformed_intent(names(stack)))


def test_a_conversation_full_of_garbage_still_answers_normally(stack):
    """Many bad messages in one conversation, then a normal question gets its normal answer."""
    kari = new_sender(stack, PERSONAS[1])
    for message in ["\x00" * 50, "a" * 10_000, '/ask_absence{"pupil":', "'; DROP TABLE pupils; --",
                    '/schedule_meeting{"pupil":"Ida Hansen"}', "<script>alert(1)</script>",
                    '/ask_pupil_status{"pupil":"Noah Bakke"}', '/ask_absence{"pupil":{"$ne":null}}']:
        assert any((m.text or "").strip() for m in stack.chat.send(kari.sender_id, message)), message
    reply = answer_text(stack.chat.send(kari.sender_id, "Hvor mye fravær har Ida?"))
    assert "Ida" in reply and FIGURES.search(reply), reply


def test_avbryt_inside_a_half_filled_report_form_stops_it(stack):
    kari = new_sender(stack, PERSONAS[1])
    stack.chat.send(kari.sender_id, '/report_absence{"pupil":"Ida Hansen"}')   # the form asks which days
    assert "ingenting ble sendt til skolen" in answer_text(stack.chat.send(kari.sender_id, "avbryt"))
    reply = answer_text(stack.chat.send(kari.sender_id, "Hvor mye fravær har Ida?"))
    assert "Ida" in reply and FIGURES.search(reply), reply


def test_a_question_inside_a_half_filled_report_form_is_answered_and_the_report_not_sent(stack):
    kari = new_sender(stack, PERSONAS[1])
    stack.chat.send(kari.sender_id, '/report_absence{"pupil":"Ida Hansen"}')   # the form asks which days
    reply = answer_text(stack.chat.send(kari.sender_id, "Hvor mye fravær har Ida?"))
    assert "Ida" in reply and FIGURES.search(reply), reply
    assert "Fraværsmeldingen du begynte på, ble ikke sendt" in reply
    # The form is closed: the next message is read on its own, not as the days of the report.
    reply = answer_text(stack.chat.send(kari.sender_id, "hva forventer skolen av meg?"))
    assert "Hvilke dager?" not in reply and "Kilde" in reply, reply


@pytest.mark.parametrize("command", ["/restart", "/back"])
def test_rasas_own_commands_are_not_answered_with_silence(stack, command):
    kari = new_sender(stack, PERSONAS[1])
    assert any((m.text or "").strip() for m in stack.chat.send(kari.sender_id, command))


@pytest.mark.xfail(strict=True, reason="Rasa's own session start says nothing; overriding action_session_start "
                                       "would touch the start of every conversation (and its carried-over slots) "
                                       "for a command no front end sends")
def test_rasas_session_start_command_is_not_answered_with_silence(stack):
    kari = new_sender(stack, PERSONAS[1])
    assert any((m.text or "").strip() for m in stack.chat.send(kari.sender_id, "/session_start"))

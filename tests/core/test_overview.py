"""'Hvilke elever har bekymringsfullt fravær nå?': the flagged pupils among those whose status the
asker may see, and the buttons that ask for each one's status."""
from __future__ import annotations

import json

from sqlalchemy import select

from naervaer.conversations import overview
from naervaer.conversations.context import Asker, who_is_asking
from naervaer.db import session_scope
from naervaer.models import Person, Pupil
from tests.helpers import TODAY


def decide(engine, sender: str) -> overview.Overview:
    with session_scope(engine) as session:
        return overview.flagged_overview(session, who_is_asking(session, Asker(sender, "nb", TODAY)), TODAY)


def ask(engine, sender: str, lang: str = "nb"):
    with session_scope(engine) as session:
        return overview.answer(session, Asker(sender, lang, TODAY))


def test_each_asker_gets_the_flagged_pupils_they_may_see(demo_engine):
    principal = decide(demo_engine, "demo-principal")
    assert principal.sees_pupils and [(p.given_name, p.family_name) for p in principal.flagged] == [("Ida", "Hansen")]
    assert decide(demo_engine, "demo-teacher-6b") == overview.Overview(TODAY, sees_pupils=True, flagged=())
    assert decide(demo_engine, "demo-parent") == overview.Overview(TODAY, sees_pupils=False, flagged=())


def test_the_overview_is_worded_for_each_case(demo_engine):
    reply = ask(demo_engine, "demo-principal")
    assert reply.messages[0].text == "1 elev har bekymringsfullt fravær:"
    assert reply.messages[1].text.startswith("1. Ida Hansen (6A): Ida har vært borte 4 hele dager")
    assert [(b.title, b.payload) for b in reply.messages[1].buttons] == [
        ("Ida Hansen", '/ask_pupil_status{"pupil":"Ida Hansen"}')]
    assert ask(demo_engine, "demo-teacher-6b", "en").text == \
        "No pupil of yours has worrying absence on Monday 23 November."
    assert ask(demo_engine, "demo-parent", "en").text.startswith("This overview is for school staff.")
    assert ask(demo_engine, "stranger").unknown_sender


def test_a_name_with_a_quotation_mark_stays_one_value_in_the_status_button(demo_engine):
    with session_scope(demo_engine) as s:
        ida = s.scalars(select(Person).join(Pupil, Pupil.person_id == Person.id)
                        .where(Person.given_name == "Ida", Person.family_name == "Hansen")).one()
        ida.family_name = 'Hansen "Junior"'
    [button] = ask(demo_engine, "demo-principal").messages[1].buttons
    assert button.title == 'Ida Hansen "Junior"'
    assert json.loads(button.payload.removeprefix("/ask_pupil_status")) == {"pupil": 'Ida Hansen "Junior"'}

"""Which pupil a message means: decided (found, or why not), then worded."""
from __future__ import annotations

import json

from naervaer.access import Permission
from naervaer.conversations.context import Asker
from naervaer.conversations.pupil_choice import Found, Missing, NoPupil, choose_pupil, render_no_pupil
from naervaer.db import session_scope
from tests.helpers import TODAY


def choose(session, sender: str, name: str | None):
    return choose_pupil(session, Asker(sender, "en", TODAY), name, Permission.VIEW_ABSENCE)


def test_the_pupil_meant_or_why_there_is_none(demo_engine):
    with session_scope(demo_engine) as session:
        found = choose(session, "demo-parent", "ida")
        assert isinstance(found, Found) and found.pupil.person.full_name == "Ida Hansen"
        assert found.grant.allows(Permission.VIEW_ABSENCE) and found.guide.key == "jevnaker"
        assert choose(session, "demo-teacher", "Ida") == NoPupil(Missing.CHOICE, "Ida", ("Ida Hansen", "Ida Haugland"))
        assert choose(session, "demo-teacher", None) == NoPupil(Missing.NAME)
        assert choose(session, "demo-teacher", "Zacharias") == NoPupil(Missing.MATCH, "Zacharias")
        assert choose(session, "demo-parent-noresp", None) == NoPupil(Missing.PUPILS)
        assert choose(session, "stranger", "ida") == NoPupil(Missing.SENDER)


def test_a_candidate_with_a_quotation_mark_in_the_name_gets_a_button_that_parses():
    name = 'Ida "Lillemor" Hansen'
    reply = render_no_pupil("en", NoPupil(Missing.CHOICE, "Ida", (name, "Ida Haugland")), "ask_absence")
    payloads = [b.payload for b in reply.messages[0].buttons]
    assert [json.loads(p.removeprefix("/ask_absence")) for p in payloads] == [{"pupil": name}, {"pupil": "Ida Haugland"}]
    assert reply.text == "Which pupil do you mean?"


def test_an_unknown_sender_is_told_how_to_link_the_chat():
    reply = render_no_pupil("en", NoPupil(Missing.SENDER), "ask_absence")
    assert reply.unknown_sender and reply.text.startswith("I don't know who you are yet")

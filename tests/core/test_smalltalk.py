"""Help by role, the language buttons and the 'did you mean' buttons."""
from __future__ import annotations

import json

from naervaer.conversations import smalltalk
from naervaer.conversations.context import Asker
from naervaer.db import session_scope
from tests.helpers import TODAY


def entities_of(payload: str, intent: str) -> dict:
    assert payload.startswith(f"/{intent}")
    rest = payload.removeprefix(f"/{intent}")
    return json.loads(rest) if rest else {}


def test_a_name_with_a_quotation_mark_stays_one_entity_in_the_guess_buttons():
    name = 'Ida "Lillemor" Hansen\\'
    reply = smalltalk.not_understood("en", [("nlu_fallback", 0.5), ("ask_absence", 0.3), ("report_absence", 0.2)],
                                     {"pupil": name})
    buttons = reply.messages[0].buttons
    assert [b.title for b in buttons] == ["How much absence?", "Report absence", "Something else"]
    assert entities_of(buttons[0].payload, "ask_absence") == {"pupil": name}
    assert entities_of(buttons[1].payload, "report_absence") == {"pupil": name}
    assert buttons[2].payload == "/help"


def test_the_language_buttons_choose_each_language_named_in_itself(demo_engine):
    with session_scope(demo_engine) as session:
        reply = smalltalk.choose_language(session, Asker("demo-parent", "nb", TODAY), None)
    assert reply.text.startswith("🌐 Language / Språk / Język")
    assert [(b.title, b.payload) for b in reply.messages[0].buttons] == [
        (name, f'/choose_language{{"language":"{code}"}}') for code, name in (
            ("nb", "Bokmål"), ("nn", "Nynorsk"), ("en", "English"), ("pl", "Polski"), ("lt", "Lietuvių"),
            ("uk", "Українська"), ("ar", "العربية"), ("so", "Soomaali"), ("ti", "ትግርኛ"), ("ur", "اردو"))]


def test_help_is_for_the_askers_role(demo_engine):
    with session_scope(demo_engine) as session:
        def help_text(sender: str) -> str:
            return smalltalk.help_for(session, Asker(sender, "en", TODAY)).text

        assert help_text("demo-teacher") == smalltalk.render_help("en", "staff").text
        assert help_text("demo-parent") == smalltalk.render_help("en", "parent").text
        assert help_text("demo-pupil-adult") == smalltalk.render_help("en", "pupil").text
        assert help_text("stranger") == smalltalk.render_help("en", "unknown").text
    assert smalltalk.render_help("en", "parent").text.startswith("I can help you with your child's school attendance")

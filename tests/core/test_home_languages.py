"""Home languages (naervaer.languages): told apart from the typed ones, answered on buttons, the guides' words
in English with a note, and the home's language kept on the record for the school's interpreter."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from naervaer.conversations import home_menu, pupil_status, smalltalk
from naervaer.conversations.context import Asker
from naervaer.db import session_scope
from naervaer.guides.loader import load_guide
from naervaer.i18n import detect_language, home_language, t, untranslated_note
from naervaer.languages import HOME_LANGUAGES, TYPED_LANGUAGES
from naervaer.replies import Button, Reply
from tests.core.test_first_day import guardian_of, report
from tests.helpers import FIRST_MESSAGES, TODAY, pupil_id, records

ROOT = Path(__file__).resolve().parents[2]


def nlu_examples() -> list[str]:
    """Every typed example of the NLU training data, without its entity markup."""
    found = []
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if "intent" not in item:  # synonyms and lookups list words, some of them home languages' names
                continue
            for line in (item.get("examples") or "").splitlines():
                line = re.sub(r"\[([^\]]*)\](\{[^}]*\}|\([^)]*\))", r"\1", line.strip().removeprefix("- "))
                if line:
                    found.append(line)
    return found


@pytest.mark.parametrize("code", HOME_LANGUAGES)
def test_a_first_message_in_a_home_language_is_told_as_that_language(code):
    assert home_language(FIRST_MESSAGES[code]) == code
    assert detect_language(FIRST_MESSAGES[code], fallback="nb") == code


def test_no_message_in_bokmal_nynorsk_or_english_is_taken_for_a_home_language():
    """Every example the NLU learns from (bokmål, nynorsk, English, some dialect) stays a typed language's."""
    examples = nlu_examples()
    assert len(examples) > 1000
    taken = [(text, home_language(text)) for text in examples if home_language(text)]
    assert taken == []


@pytest.mark.parametrize("text", ["Ida", "ok", "Zofia", "Ugnė", "Hodan"])
def test_one_latin_word_is_no_home_language(text):
    assert home_language(text) is None


def test_a_reply_without_buttons_in_a_home_language_ends_with_the_menu():
    polish = home_menu.with_menu(Reply().say("x"), "pl")
    assert [b.payload for b in polish.messages[-1].buttons] == [
        "/report_absence", "/cancel_report", "/ask_absence", "/ask_human", "/help", "/choose_language"]
    assert polish.messages[-1].text == t("pl", "What would you like to do next?") != "What would you like to do next?"
    assert home_menu.with_menu(Reply().say("x"), "nb").messages == Reply().say("x").messages
    asking = Reply().say("x", [Button.for_intent("Ja", "affirm")])
    assert len(home_menu.with_menu(asking, "ar").messages) == 1  # a question with buttons is left as it is


def test_a_parents_help_in_a_home_language_offers_the_buttons_not_typed_examples():
    """In Bokmål the help quotes what to type and offers the languages; in Polish it names what the buttons do
    and offers them, since typed Polish is not read."""
    bokmal, polish = smalltalk.render_help("nb", "parent"), smalltalk.render_help("pl", "parent")
    assert "Ida er syk i dag" in bokmal.text
    assert [b.payload for b in bokmal.messages[0].buttons][:2] == [
        '/choose_language{"language":"nb"}', '/choose_language{"language":"nn"}']
    assert "Ida" not in polish.text and polish.text == t("pl", smalltalk.HOME_PARENT_HELP) != smalltalk.HOME_PARENT_HELP
    assert [b.payload for b in polish.messages[0].buttons] == [
        "/report_absence", "/cancel_report", "/ask_absence", "/ask_human", "/help", "/choose_language"]


def test_a_typed_message_is_said_to_be_unread_naming_the_language_it_was_written_in():
    assert "Polski" in home_menu.not_read("pl", "pl").text
    assert "العربية" in home_menu.not_read("nb", "ar").text  # chose Bokmål, wrote Arabic
    assert home_menu.not_read("pl", "pl", menu=False).messages[0].buttons == ()


def test_the_guides_words_come_in_english_with_a_note_in_the_home_language():
    rule = next(r for r in load_guide("jevnaker").first_day)
    assert rule.text.get("pl") == rule.text.en
    assert untranslated_note("nb") is None and untranslated_note("en") is None
    note = untranslated_note("pl")
    assert "Polski" in note and "angielsk" in note  # the note names English in Polish


def test_the_phone_rule_in_polish_is_announced_as_english(demo_engine):
    sender = guardian_of(demo_engine, "Emma", "Moen", "emma-mother-pl")
    week = [TODAY + timedelta(days=i) for i in range(4)]
    text = report(demo_engine, sender, "Emma Moen", week, lang="pl").text
    assert untranslated_note("pl") in text
    assert "If the absence lasts more than three days" in text  # the guide's rule, in English
    assert t("pl", "The contact teacher is {teacher}, phone {phone}.", teacher="Knut Haugen",
             phone="920 00 021") in text


def test_the_record_keeps_the_homes_language_and_the_staff_answer_names_it(demo_engine):
    ida = pupil_id(demo_engine, "Ida", "Hansen")
    report(demo_engine, "demo-parent", "Ida Hansen", [TODAY], lang="ar")
    [stored] = records(demo_engine, ida, on=TODAY)
    assert stored.home_language == "ar"
    with session_scope(demo_engine) as s:
        nb = pupil_status.answer(s, Asker("demo-teacher", "nb", TODAY), "Ida Hansen").text
        en = pupil_status.answer(s, Asker("demo-teacher", "en", TODAY), "Ida Hansen").text
    assert "Hjemmet meldte fravær på arabisk sist" in nb
    assert "The home reported absence in Arabic last time" in en


def test_a_norwegian_home_is_not_pointed_to_an_interpreter(demo_engine):
    report(demo_engine, "demo-parent", "Ida Hansen", [TODAY], lang="nn")
    with session_scope(demo_engine) as s:
        nb = pupil_status.answer(s, Asker("demo-teacher", "nb", TODAY), "Ida Hansen").text
    assert "tolk" not in nb


@pytest.mark.parametrize("code", TYPED_LANGUAGES)
def test_typed_languages_have_no_note(code):
    assert untranslated_note(code) is None

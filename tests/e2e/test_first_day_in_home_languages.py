"""A parent who writes in a home language (naervaer.languages) reports the first day on buttons, through the
real Rasa server and action server: the answers come in that language, the typed words are never read, the
record lands once with its reason category and the home's language, the school sees it in Norwegian, and the
same parent withdraws it. A picked language sticks across turns and sessions."""
from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import select

from naervaer.absence import AbsenceKind, ReasonCategory
from naervaer.conversations.smalltalk import HOME_PARENT_HELP
from naervaer.db import session_scope
from naervaer.directory import contact_teacher
from naervaer.i18n import format_day, language_name, t
from naervaer.identity import link_sender
from naervaer.languages import HOME_LANGUAGES, language
from naervaer.models import ChatIdentity, GuardianRelation, Guardianship, Person, Pupil
from tests.e2e.families import linked_sender
from tests.helpers import FIRST_MESSAGES, TODAY, pupil_id, records

pytestmark = pytest.mark.e2e

NOT_READ = "I can't read typed messages in {language}, so nothing you wrote was read or stored. Please choose with the buttons."
CHILDREN = {"pl": "Zofia", "lt": "Ugnė", "uk": "Olena", "ar": "Layla", "so": "Hodan", "ti": "Selam", "ur": "Ayesha"}


def new_family(engine, code: str) -> tuple[str, str, int]:
    """A child in Ida Hansen's class (so Marte Lie is the contact teacher) and its mother, linked to a fresh
    chat: (sender, the child's full name, the pupil id)."""
    run = uuid.uuid4().hex[:6]
    with session_scope(engine) as s:
        ida = s.get(Pupil, pupil_id(engine, "Ida", "Hansen"))
        child = Person(given_name=CHILDREN[code], family_name=f"Home{run}", external_id=f"home-{run}-c")
        mother = Person(given_name="Mor", family_name=f"Home{run}", external_id=f"home-{run}-m", phone="400 00 000")
        s.add_all([child, mother])
        s.flush()
        pupil = Pupil(person_id=child.id, class_group_id=ida.class_group_id, birth_date=ida.birth_date)
        s.add(pupil)
        s.flush()
        s.add(Guardianship(pupil_id=pupil.id, guardian_id=mother.id, parental_responsibility=True,
                           relation=GuardianRelation.MOTHER))
        sender = f"e2e-home-{code}-{run}"
        link_sender(s, sender, mother)
        return sender, child.full_name, pupil.id


def texts(messages) -> str:
    return "\n".join(m.text for m in messages)


def press(stack, sender: str, messages, title: str):
    titles = [b["title"] for m in messages for b in m.buttons]
    button = next((b for m in messages for b in m.buttons if b["title"] == title), None)
    assert button is not None, f"no button {title!r} among {titles}"
    return stack.chat.send(sender, button["payload"])


def teacher_of(engine, pupil: int) -> tuple[str, str]:
    with session_scope(engine) as s:
        teacher = contact_teacher(s, s.get(Pupil, pupil))
        return teacher.full_name, teacher.phone


@pytest.mark.parametrize("code", HOME_LANGUAGES)
def test_a_parent_reports_the_first_day_and_withdraws_it_by_buttons(stack, code):
    sender, child, pupil = new_family(stack.engine, code)
    name = child.split()[0]

    # The first message is typed in the home language: answered in it, and nothing in it is read or stored.
    reply = stack.chat.send(sender, FIRST_MESSAGES[code])
    not_read = t(code, NOT_READ, language=language(code).name)
    assert not_read != t("en", NOT_READ, language=language(code).name)  # the catalog has it, not in English
    assert not_read in texts(reply)
    assert records(stack.engine, pupil) == []

    reply = press(stack, sender, reply, t(code, "Report absence"))  # one child: the form asks for the days
    assert t(code, "Which days? Choose below.") in texts(reply)
    # Typed words inside the report are not read either: the same question comes again, with its buttons.
    reply = stack.chat.send(sender, FIRST_MESSAGES[code])
    assert not_read in texts(reply) and t(code, "Which days? Choose below.") in texts(reply)
    assert records(stack.engine, pupil) == []

    reply = press(stack, sender, reply, t(code, "Today"))
    reply = press(stack, sender, reply, t(code, "the whole day").capitalize())
    reply = press(stack, sender, reply, t(code, "sick").capitalize())
    summary = t(code, "{name} is away {days}, {scope}, reason: {reason}. Is that right?", name=name,
                days=format_day(TODAY, code), scope=t(code, "the whole day"), reason=t(code, "sick"))
    assert summary in texts(reply)
    assert records(stack.engine, pupil) == []  # nothing before the confirmation

    reply = press(stack, sender, reply, t(code, "Yes, send"))
    teacher, phone = teacher_of(stack.engine, pupil)
    assert t(code, "Thank you, the school now knows that {name} is away {days}.", name=name,
             days=format_day(TODAY, code)) in texts(reply)
    assert t(code, "The contact teacher is {teacher}, phone {phone}.", teacher=teacher, phone=phone) in texts(reply)
    [stored] = records(stack.engine, pupil)
    assert (stored.on, stored.kind, stored.reason, stored.announced_by_home, stored.home_language) == \
        (TODAY, AbsenceKind.DAY, ReasonCategory.SICK, True, code)

    # The school sees it in Norwegian, with the language the home used.
    staff = linked_sender(stack.engine, "Marte", "Lie")
    status = texts(stack.chat.send(staff, f'/ask_pupil_status{{"pupil":"{child}"}}'))
    assert f"Hjemmet meldte fravær på {language_name(code, 'nb')} sist" in status, status

    # The reply ended with the menu (nobody is left without buttons): withdraw from it.
    reply = press(stack, sender, reply, t(code, "Withdraw a report"))
    days = format_day(TODAY, code)
    assert t(code, "Shall I withdraw the report for {name} for {days}?", name=name, days=days) in texts(reply)
    reply = press(stack, sender, reply, t(code, "Yes, withdraw"))
    assert t(code, "The report for {names} for {days} is withdrawn.", names=name, days=days) in texts(reply)
    assert records(stack.engine, pupil) == []


def test_an_anonymous_visitor_writing_arabic_is_answered_in_arabic_with_the_buttons(stack):
    reply = stack.chat.send(f"e2e-visitor-{uuid.uuid4().hex[:6]}", "مرحبا، أريد الإبلاغ عن غياب ابني")
    titles = [b["title"] for m in reply for b in m.buttons]
    assert t("ar", "Report absence") in titles and t("ar", "Talk to a person") in titles
    assert t("ar", "Report absence") != "Report absence"


def longest_words(code: str, msgid: str) -> str:
    """The longest stretch of a translation between its placeholders."""
    return max(re.split(r"\{\w+\}", t(code, msgid)), key=len).strip()


def test_a_polish_first_message_is_answered_in_polish(stack):
    sender = linked_sender(stack.engine, "Kari", "Hansen")
    reply = stack.chat.send(sender, "Dzień dobry, chcę zgłosić nieobecność córki")
    assert t("pl", "How much absence?") in [b["title"] for m in reply for b in m.buttons]
    reply = press(stack, sender, reply, t("pl", "How much absence?"))  # Kari has one child: Ida's count
    said = texts(reply)
    assert "Ida" in said
    assert any(longest_words("pl", msgid) in said for msgid in (
        "Since {since}, {name} has been absent {parts}.", "{name} has no registered absence since {since}.")), said
    # The count ends with the menu: a person, and the help, work the same way.
    reply = press(stack, sender, reply, t("pl", "Talk to a person"))
    teacher, phone = teacher_of(stack.engine, pupil_id(stack.engine, "Ida", "Hansen"))
    assert t("pl", "{child}'s contact teacher is {teacher}, phone {phone}.", child="Ida", teacher=teacher,
             phone=phone) in texts(reply)
    reply = press(stack, sender, reply, t("pl", "What can you do?"))
    assert t("pl", HOME_PARENT_HELP) in texts(reply)
    assert t("pl", "Report absence") in [b["title"] for m in reply for b in m.buttons]


def test_a_picked_language_sticks_across_turns_and_sessions(stack):
    sender = linked_sender(stack.engine, "Kari", "Hansen")
    reply = press(stack, sender, stack.chat.send(sender, "/choose_language"), "Українська")
    assert t("uk", "OK, I will answer in English from now on.") in texts(reply)
    # Norwegian typed afterwards is still read, and answered in Ukrainian.
    reply = stack.chat.send(sender, "hvor mye fravær har Ida?")
    assert "Ida" in texts(reply) and t("uk", "What would you like to do next?") in texts(reply)
    # A new session (Rasa's /restart forgets the conversation and its slots): the pick is kept with the chat.
    stack.chat.send(sender, "/restart")
    reply = stack.chat.send(sender, "takk")
    assert t("uk", "You're welcome!") in texts(reply)
    with session_scope(stack.engine) as s:
        assert s.scalar(select(ChatIdentity.language).where(ChatIdentity.sender_id == sender)) == "uk"

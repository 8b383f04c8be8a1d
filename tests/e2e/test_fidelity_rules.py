"""Issue 16, part C, through the real Rasa server and action server: the guides' first-day rules computed
(Trøndelag's contact after unannounced absence, Tynset's more than three days in a row), and Alvøen's
"fravær med tydelig mønster" flagged below the day limits. Records are put in the store as the school
system's import would; what is checked is what the teacher or parent reads."""
from __future__ import annotations

import itertools
import re
from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from naervaer import chat_links, digest
from naervaer.absence import AbsenceKind, ReasonCategory
from naervaer.db import session_scope
from naervaer.identity import link_sender
from naervaer.models import AbsenceRecord, Channel, ChatIdentity, Guardianship, Person, Subject, TelegramChat
from tests.e2e.families import linked_sender
from tests.helpers import TODAY, pupil_id

pytestmark = pytest.mark.e2e
_fresh = itertools.count()

TRONDELAG_RULE_NB = "Fraværsansvarlig tar kontakt med eleven eller foreldrene etter en til tre sammenhengende dager"
TYNSET_PHONE_NB = "Varer fraværet mer enn tre dager, skal foreldrene ringe kontaktlæreren eller skolen."


def texts(messages) -> str:
    return "\n".join(m.text for m in messages)


def press(stack, sender: str, messages, title_start: str):
    button = next(b for m in messages for b in m.buttons if b["title"].startswith(title_start))
    return stack.chat.send(sender, button["payload"])


def link(stack, person: Person) -> str:
    sender = f"e2e-rules-{person.given_name.lower()}-{next(_fresh)}"
    with session_scope(stack.engine) as s:
        link_sender(s, sender, s.get(Person, person.id))
    return sender


def staff(stack, given: str, family: str) -> str:
    return linked_sender(stack.engine, given, family)


def replace_records(stack, given: str, family: str, *records: dict) -> int:
    pupil = pupil_id(stack.engine, given, family)
    with session_scope(stack.engine) as s:
        s.execute(delete(AbsenceRecord).where(AbsenceRecord.pupil_id == pupil))
        for r in records:
            s.add(AbsenceRecord(pupil_id=pupil, channel=Channel.IMPORT, source="visma", **r))
    return pupil


def test_a_trondelag_pupil_away_unannounced_is_contact_today_in_the_overview_and_the_digest(stack):
    replace_records(stack, "Jonas", "Aune", {"on": TODAY, "kind": AbsenceKind.DAY})
    sender = staff(stack, "Anders", "Fossum")
    reply = texts(stack.chat.send(sender, "hvilke elever har bekymringsfullt fravær nå?"))
    assert "Sara Lund (VG1STA)" in reply  # the worrying pupil, as before
    [line] = [x for x in reply.splitlines() if "Jonas Aune (VG1STA)" in x]
    assert TRONDELAG_RULE_NB in line  # contact today, in the guide's words, apart from the worrying

    # The morning digest the bot sends Anders (the school has no fraværsansvarlig): the same pupil.
    with session_scope(stack.engine) as s:
        anders = s.scalar(select(ChatIdentity.person_id).where(ChatIdentity.sender_id == sender))
        s.add(TelegramChat(sender_id=sender, chat_id=900_016))
    with session_scope(stack.engine) as s:
        found, chats = chat_links.digest_to_send(s, TODAY)
        [item] = [d for d in found if d.teacher_id == anders]
        text = digest.digest_text(item, "nb", "Anders")
    assert "• Jonas Aune, VG1STA" in text and TRONDELAG_RULE_NB in text
    assert [c.chat_id for c in chats[anders]] == [900_016]


def test_an_alvoen_pattern_below_the_day_limits_is_flagged_in_the_status_answer(stack):
    with session_scope(stack.engine) as s:
        mat = s.scalar(select(Subject.id).where(Subject.code == "MAT"))
    replace_records(stack, "Maja", "Strand", *[
        {"on": TODAY - timedelta(days=back), "kind": AbsenceKind.HOUR, "slot": f"MAT:{i}", "subject_id": mat,
         "hours": 1.0} for i, back in enumerate((20, 12, 4))])  # one maths lesson on three different days
    sender = staff(stack, "Ingrid", "Dahl")
    reply = texts(stack.chat.send(sender, "hva nå med Maja Strand?"))
    assert "Maja Strand: bekymringsfullt fravær etter" in reply
    assert "Maja har vært borte fra MAT på 3 ulike dager" in reply and "Fravær med tydelig mønster" in reply


def test_the_fourth_one_day_report_in_a_row_in_tynset_gets_the_phone_advice(stack):
    wed, thu, fri = TODAY - timedelta(days=5), TODAY - timedelta(days=4), TODAY - timedelta(days=3)
    lucas = replace_records(stack, "Lucas", "Brekke", *[
        {"on": d, "kind": AbsenceKind.DAY, "announced_by_home": True, "reason": ReasonCategory.SICK}
        for d in (wed, thu, fri)])  # three one-day reports last week
    with session_scope(stack.engine) as s:
        mother = s.scalars(select(Person).join(Guardianship, Guardianship.guardian_id == Person.id)
                           .where(Guardianship.pupil_id == lucas, Guardianship.parental_responsibility.is_(True))
                           .order_by(Person.id)).first()
        s.expunge(mother)
    sender = link(stack, mother)
    reply = stack.chat.send(sender, "Lucas er syk i dag")
    reply = press(stack, sender, reply, "Hele dagen")
    reply = texts(press(stack, sender, reply, "Ja"))
    assert "skolen vet nå at Lucas er borte mandag 23. november" in reply
    [advice] = [x for x in reply.splitlines() if TYNSET_PHONE_NB in x]
    assert re.search(r"\b4\b", advice), advice  # "4 school days in a row, more than 3, so: ..."

"""A pupil of 18 or over is the home side of every contact, meeting and reminder (`directory.home_side`).

Trøndelag's guide, "Fortløpende oppfølging av fravær" (seed 002_dabd3cb9f2f4589c.txt, lines 1510-1514):
"Er eleven over 18 år må eleven selv kontaktes. Dersom skolen ikke lykkes med å få tak i eleven kontaktes
foresatte. - Du kan informere om at du ønsker å komme i kontakt med eleven. Husk generell taushetsplikt."
The demo's Jonas Aune (Trøndelag demo vgs) is 18; his parents are registered with the parental
responsibility they held until his birthday."""
from __future__ import annotations

import json
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from naervaer import digest
from naervaer.absence_summary import summarise
from naervaer.access import AccessDenied, Permission, grant_for, require, system_scope
from naervaer.clock import OSLO
from naervaer.conversations import meetings, register_absent
from naervaer.conversations.context import Asker
from naervaer.db import session_scope
from naervaer.directory import home_side
from naervaer.guides import load_guide
from naervaer.knowledge.seeds import SeedsMissing, seed_lines
from naervaer.models import Guardianship, Meeting, MeetingParticipant, Person, Pupil
from tests.helpers import TODAY, pupil_id


@pytest.fixture(autouse=True)
def var_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("NAERVAER_VAR_DIR", str(tmp_path))
    return tmp_path


def register(engine, name: str, sender: str = "demo-teacher-trondelag", lang: str = "en"):
    with session_scope(engine) as s:
        return register_absent.register(s, Asker(sender, lang, TODAY), name)


def parents_of(engine, pupil: int) -> list[Person]:
    with session_scope(engine) as s:
        found = list(s.scalars(select(Person).join(Guardianship, Guardianship.guardian_id == Person.id)
                               .where(Guardianship.pupil_id == pupil).order_by(Person.id)))
        s.expunge_all()
        return found


def test_the_guides_rule_is_the_one_the_data_cites():
    rule = next(r for r in load_guide("trondelag").first_day if r.kind.value == "adult_pupil")
    try:
        lines = seed_lines(rule.source.file)
    except (SeedsMissing, FileNotFoundError):
        pytest.skip("the seed texts are not available (NAERVAER_SEEDS)")
    cited = " ".join(lines[rule.source.lines[0] - 1:rule.source.lines[1]])
    assert rule.source.lines == (1510, 1514)
    for words in ("over 18 år må eleven selv kontaktes", "kontaktes foresatte", "taushetsplikt"):
        assert words in " ".join(cited.split()), words


def test_the_home_side_of_an_adult_pupil_is_the_pupil_and_the_parents_only_the_fallback(demo_engine):
    jonas, ida = pupil_id(demo_engine, "Jonas", "Aune"), pupil_id(demo_engine, "Ida", "Hansen")
    parents = parents_of(demo_engine, jonas)
    with session_scope(demo_engine) as s:
        adult = home_side(s, s.get(Pupil, jonas), TODAY)
        assert adult.adult and [p.given_name for p in adult.people] == ["Jonas"] and adult.role == "pupil"
        assert [p.id for p in adult.fallback] == [p.id for p in parents] and len(parents) == 2
        child = home_side(s, s.get(Pupil, ida), TODAY)
        assert not child.adult and [p.given_name for p in child.people] == ["Kari"]  # not Ole: no responsibility
        assert child.fallback == () and child.role == "home"
        # The day before his 18th birthday his parents were still the home side: one rule, one place.
        born = s.get(Pupil, jonas).birth_date
        eve = home_side(s, s.get(Pupil, jonas), born.replace(year=born.year + 18) - timedelta(days=1))
        assert not eve.adult and sorted(p.id for p in eve.people) == sorted(p.id for p in parents)


def test_registering_an_adult_pupil_offers_his_own_phone_and_the_guides_fallback_in_words(demo_engine):
    jonas = pupil_id(demo_engine, "Jonas", "Aune")
    parents = parents_of(demo_engine, jonas)
    reply = register(demo_engine, "Jonas")
    assert reply.messages[0].text == ("Jonas is registered absent today. Jonas has not reported the absence. Jonas is "
                                      "18 or over, so the school contacts Jonas directly, not the parents.")
    assert "Jonas Aune: 470 00 018" in reply.text
    [button] = [b for m in reply.messages for b in m.buttons]
    assert button.title == "Log a call to Jonas"
    assert json.loads(button.payload.removeprefix("/log_contact")) == {"pupil": "Jonas Aune", "contact_kind": "phone"}
    assert reply.messages[-1].text == (
        "If Jonas cannot be reached, the guide allows contacting the parents, mindful of the duty of "
        "confidentiality: say only that the school wants to get in touch with Jonas. (Veileder ved bekymringsfullt "
        "skolefravær – hvordan fremme nærvær i videregående opplæring, \"HANDLINGSPLAN – Fortløpende oppfølging av "
        "fravær\")")
    # The parents are named nowhere, nor their phones: they are the fallback in words only.
    for parent in parents:
        assert parent.full_name not in reply.text and parent.phone not in reply.text


def test_an_adult_pupil_with_a_confidential_address_has_no_parents_to_fall_back_on(demo_engine):
    jonas = pupil_id(demo_engine, "Jonas", "Aune")
    with session_scope(demo_engine) as s:
        s.get(Pupil, jonas).person.confidential_address = True
    reply = register(demo_engine, "Jonas")
    assert "Jonas Aune: 470 00 018" in reply.text and "contacting the parents" not in reply.text


def test_a_meeting_about_an_adult_pupil_invites_him_and_not_his_parents(demo_engine):
    jonas = pupil_id(demo_engine, "Jonas", "Aune")
    parents = {p.id for p in parents_of(demo_engine, jonas)}
    for kind, when in (("samtale", "neste tirsdag kl 10"), ("evaluering", "neste onsdag kl 10")):
        with session_scope(demo_engine) as s:
            meetings.schedule(s, Asker("demo-teacher-trondelag", "en", TODAY), "Jonas Aune", kind, when,
                              now=datetime.combine(TODAY, time(8), OSLO))
    with session_scope(demo_engine) as s:
        jonas_person = s.get(Pupil, jonas).person_id
        for meeting in s.scalars(select(Meeting).where(Meeting.pupil_id == jonas)):
            invited = {(p.person_id, p.role) for p in meeting.participants}
            assert (jonas_person, "pupil") in invited, meeting.kind
            assert not {person for person, _role in invited} & parents, meeting.kind
            assert "home" not in {role for _person, role in invited}


def test_the_reminder_goes_to_the_adult_pupil_and_never_to_his_parents(demo_engine):
    jonas = pupil_id(demo_engine, "Jonas", "Aune")
    parents = {p.id for p in parents_of(demo_engine, jonas)}
    with session_scope(demo_engine) as s:
        meetings.schedule(s, Asker("demo-teacher-trondelag", "en", TODAY), "Jonas Aune", "samtale", "i morgen kl 10",
                          now=datetime.combine(TODAY, time(8), OSLO))
    with session_scope(demo_engine) as s:
        # A meeting booked before his birthday, with his parents on it, reminds them of nothing now.
        meeting = s.scalars(select(Meeting).where(Meeting.pupil_id == jonas)).one()
        s.add_all([MeetingParticipant(meeting_id=meeting.id, person_id=p, role="home") for p in parents])
    with session_scope(demo_engine) as s:
        reminded = {r.person_id for r in digest.meetings_to_remind(s, system_scope(s, "test"),
                                                                    digest.reminder_days(TODAY))}
        assert s.get(Pupil, jonas).person_id in reminded and not reminded & parents


def test_the_parents_of_an_adult_pupil_see_none_of_his_data(demo_engine):
    jonas = pupil_id(demo_engine, "Jonas", "Aune")
    parents = parents_of(demo_engine, jonas)
    with session_scope(demo_engine) as s:
        pupil = s.get(Pupil, jonas)
        for parent in parents:
            viewer = s.get(Person, parent.id)
            assert grant_for(s, viewer, pupil, TODAY).permissions == frozenset()
            for permission in Permission:
                with pytest.raises(AccessDenied):
                    require(s, viewer, permission, pupil, TODAY)
        grant = grant_for(s, s.get(Person, pupil.person_id), pupil, TODAY)
        assert grant.allows(Permission.VIEW_ABSENCE) and summarise(s, grant, TODAY) is not None

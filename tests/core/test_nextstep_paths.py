"""A walk through each guide's follow-up path, with the deadlines the guide sets, and an overdue case."""
from datetime import date

from naervaer.absence import SchoolLevel
from naervaer.guides import load_guide
from naervaer.rules.nextstep import CaseState, Evaluation, HomeContact, Measure, Meeting, next_step

NOV = lambda d: date(2026, 11, d)  # noqa: E731
FLAGGED = NOV(2)


def test_jevnaker_routine_evaluation_after_three_weeks():
    g = load_guide("jevnaker")
    n = next_step(g, CaseState(FLAGGED), NOV(2))
    assert n.step.id == "jevnaker_contact_home" and n.due is None and n.responsible == ("contact_teacher",)
    state = CaseState(FLAGGED, contacts=[HomeContact(NOV(3))], meetings=[Meeting("samtale", NOV(5)),
                      Meeting("samarbeidsmote", NOV(10))], measures=[Measure(NOV(11))])
    n = next_step(g, state, NOV(20))
    assert n.step.id == "jevnaker_evaluate" and n.due == date(2026, 12, 2)  # 11 Nov + 21 days
    assert n.overdue == ()
    assert set(n.passed) == {"jevnaker_tell_principal", "jevnaker_written_notice", "jevnaker_resource_team_in",
                             "jevnaker_mapping"}
    late = next_step(g, state, date(2026, 12, 3))
    assert [(s.id, d) for s, d in late.overdue] == [("jevnaker_evaluate", date(2026, 12, 2))]
    done = next_step(g, CaseState(FLAGGED, contacts=state.contacts, meetings=state.meetings,
                                  measures=state.measures, evaluations=[Evaluation(date(2026, 12, 1))]), date(2026, 12, 3))
    # The table's two rows after the evaluation, each with its own "Ansvarlig": other services, then the outcome.
    assert done.step.id == "jevnaker_other_services"
    assert done.responsible == ("contact_teacher", "resource_team", "principal")
    ticked = CaseState(FLAGGED, contacts=state.contacts, meetings=state.meetings, measures=state.measures,
                       evaluations=[Evaluation(date(2026, 12, 1))], done_steps={"jevnaker_other_services": date(2026, 12, 2)})
    outcome = next_step(g, ticked, date(2026, 12, 3))
    assert outcome.step.id == "jevnaker_outcome" and outcome.responsible == ("principal",)


def test_alvoen_numbered_routine():
    g = load_guide("alvoen")
    n = next_step(g, CaseState(FLAGGED), NOV(3))
    assert [(s.id, d) for s, d in n.overdue] == [("alvoen_phone_home", NOV(2))]  # "umiddelbart"
    unreached = CaseState(FLAGGED, contacts=[HomeContact(NOV(2), reached=False)])
    assert next_step(g, unreached, NOV(3)).overdue[0][0].id == "alvoen_phone_home"
    phoned = CaseState(FLAGGED, contacts=[HomeContact(NOV(2))], meetings=[Meeting("naervaersmote", NOV(6), "planned")])
    n = next_step(g, phoned, NOV(5))
    assert n.step.id == "alvoen_attendance_meeting" and n.due == NOV(9) and n.step.meeting_kind == "naervaersmote"
    assert [(s.id, d) for s, d in next_step(g, phoned, NOV(10)).overdue] == [("alvoen_attendance_meeting", NOV(9))]
    met = CaseState(FLAGGED, contacts=[HomeContact(NOV(2))], meetings=[Meeting("naervaersmote", NOV(6))],
                    measures=[Measure(NOV(6))])
    n = next_step(g, met, NOV(10))
    assert n.step.id == "alvoen_evaluate" and n.due == (NOV(20), date(2026, 12, 4))  # 2-4 weeks


def test_tynset_practical_order():
    g = load_guide("tynset")
    contacted = CaseState(FLAGGED, contacts=[HomeContact(NOV(4))])
    n = next_step(g, contacted, NOV(5))
    assert n.step.id == "tynset_fagmote" and n.due == NOV(11) and n.responsible[0] == "principal"
    assert [(s.id, d) for s, d in next_step(g, contacted, NOV(12)).overdue] == [("tynset_fagmote", NOV(11))]
    state = CaseState(FLAGGED, contacts=[HomeContact(NOV(4))], meetings=[Meeting("fagmote", NOV(10))])
    n = next_step(g, state, NOV(11))
    # "Innen 2-5 dager etter fagmøtet": a deadline of at most five days, no earliest day.
    assert n.step.id == "tynset_cooperation_meeting" and n.due == NOV(15)
    assert next_step(g, state, NOV(10)).due == NOV(15)  # the same day as the fagmøte is within the deadline
    assert next_step(g, state, NOV(16)).overdue[0][1] == NOV(15)


def test_trondelag_work_wheel():
    g = load_guide("trondelag")
    state = CaseState(FLAGGED, contacts=[HomeContact(NOV(3))], meetings=[Meeting("samtale", NOV(5))],
                      measures=[Measure(NOV(6))])
    n = next_step(g, state, NOV(10), SchoolLevel.VGS)
    # "innen en-tre uker" / "etter 3 uker": at the latest three weeks after the measures, no 7-day minimum.
    assert (n.stage.id, n.step.id, n.due) == ("evaluering", "trondelag_evaluate", NOV(27))
    agreed = CaseState(FLAGGED, contacts=state.contacts, meetings=state.meetings,
                       measures=[Measure(NOV(6), evaluation_due=NOV(20))])
    assert next_step(g, agreed, NOV(10)).due == NOV(20)
    assert [(s.id, d) for s, d in next_step(g, state, NOV(28)).overdue] == [("trondelag_evaluate", NOV(27))]
    finished = CaseState(FLAGGED, contacts=state.contacts, meetings=state.meetings, measures=state.measures,
                         evaluations=[Evaluation(NOV(20))], done_steps={"trondelag_close_or_repeat": NOV(20)})
    assert next_step(g, finished, NOV(28)).complete


def test_aas_levels_and_stage_start():
    g = load_guide("aas")
    state = CaseState(FLAGGED, contacts=[HomeContact(NOV(3))], meetings=[Meeting("samarbeidsmote", NOV(10))],
                      measures=[Measure(NOV(10))])
    n = next_step(g, state, NOV(12), SchoolLevel.BARNESKOLE)
    assert n.step.id == "aas_school_evaluate" and n.due == date(2026, 12, 1)
    assert next_step(g, state, date(2026, 12, 2), SchoolLevel.BARNESKOLE).overdue[0][1] == date(2026, 12, 1)
    kg = next_step(g, CaseState(FLAGGED, contacts=[HomeContact(NOV(3))]), NOV(4), SchoolLevel.BARNEHAGE)
    assert kg.step.id == "aas_kg_meeting" and kg.responsible == ("kindergarten_leader",)
    lvl2 = next_step(g, CaseState(FLAGGED, stage="school_level_2"), NOV(4), SchoolLevel.UNGDOMSSKOLE)
    assert lvl2.step.id == "aas_school_interdisciplinary"


def test_events_before_the_flag_or_after_today_do_not_count():
    g = load_guide("tynset")
    n = next_step(g, CaseState(FLAGGED, contacts=[HomeContact(NOV(1)), HomeContact(NOV(9))]), NOV(5))
    assert n.step.id == "tynset_overview" and n.done == {}

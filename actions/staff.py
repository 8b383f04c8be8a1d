"""The teachers' and leaders' one-turn actions."""
from __future__ import annotations

from actions.base import CoreAction
from actions.turn import Turn
from naervaer.conversations import contact_log, meetings, overview, pupil_status, register_absent
from naervaer.db import session_scope
from naervaer.replies import Reply


class ActionPupilStatus(CoreAction):
    action_name = "action_pupil_status"

    def answer(self, turn: Turn) -> Reply:
        with session_scope() as session:
            status = pupil_status.answer(session, turn.asker, turn.entity("pupil"))
        return status.full_reply()  # the chart is drawn once the store's transaction is over


class ActionRegisterAbsent(CoreAction):
    action_name = "action_register_absent"

    def answer(self, turn: Turn) -> Reply:
        with session_scope() as session:
            return register_absent.register(session, turn.asker, turn.entity("pupil"))


class ActionLogContact(CoreAction):
    action_name = "action_log_contact"

    def answer(self, turn: Turn) -> Reply:
        with session_scope() as session:
            return contact_log.log(session, turn.asker, turn.entity("pupil"), turn.text,
                                   guardian_hint=turn.entity("guardian"), contact_kind=turn.entity("contact_kind"),
                                   reached=turn.entity("reached"), date_text=turn.entity("date"))


class ActionScheduleMeeting(CoreAction):
    action_name = "action_schedule_meeting"

    def answer(self, turn: Turn) -> Reply:
        when = " ".join(v for v in (turn.entity("date"), turn.entity("time")) if v) or turn.text
        with session_scope() as session:
            # The whole message too: "… likevel" typed after a clash confirms it, whatever the NLU extracted.
            booked = meetings.schedule(session, turn.asker, turn.entity("pupil"), turn.entity("meeting_kind"), when,
                                       text=turn.text)
        return booked.full_reply()  # the invitation file is written once the booking is committed


class ActionListFlagged(CoreAction):
    action_name = "action_list_flagged"

    def answer(self, turn: Turn) -> Reply:
        with session_scope() as session:
            return overview.answer(session, turn.asker)

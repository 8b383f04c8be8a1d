"""Rasa custom actions: thin adapters from the tracker to the core in `naervaer`."""
from actions.absence import ActionAnswerAbsence  # noqa: F401
from actions.smalltalk import ActionAskHuman, ActionChooseLanguage, ActionDefaultFallback, ActionSmallTalk  # noqa: F401
from actions.guides import ActionGuideAnswer  # noqa: F401
from actions.report_absence import (  # noqa: F401
    ActionAskAbsenceDays, ActionAskAbsenceScope, ActionAskPupil, ActionAskReason, ActionAskReportConfirmed,
    ActionCancelReport, ActionChangeReport, ActionHealthDetails, ActionSubmitAbsenceReport, ValidateReportAbsenceForm,
)
from actions.staff import (  # noqa: F401
    ActionListFlagged, ActionLogContact, ActionPupilStatus, ActionRegisterAbsent, ActionScheduleMeeting,
)

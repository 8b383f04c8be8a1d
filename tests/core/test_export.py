"""The absence the chat received, exported for the school system: the operator's scope, audited."""
from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select

from naervaer.absence import AbsenceKind, ReasonCategory
from naervaer.access import Permission, scope_for, system_scope
from naervaer.db import session_scope
from naervaer.imports.export import export_chat_absence
from naervaer.models import AbsenceRecord, AuditEntry, Channel, Person
from tests.helpers import TODAY, pupil_id


def test_the_chats_absence_is_exported_within_the_scope_and_the_export_is_audited(demo_engine):
    ida, eirik = pupil_id(demo_engine, "Ida", "Hansen"), pupil_id(demo_engine, "Eirik", "Berg")
    with session_scope(demo_engine) as s:
        for pid in (ida, eirik):
            s.add(AbsenceRecord(pupil_id=pid, on=TODAY, kind=AbsenceKind.DAY, channel=Channel.CHAT,
                                announced_by_home=True, reason=ReasonCategory.SICK))
    with session_scope(demo_engine) as s:
        out = io.StringIO()
        assert export_chat_absence(s, system_scope(s, "export_absence"), out, TODAY - timedelta(days=30), TODAY) == 2
        lines = out.getvalue().splitlines()
        assert lines[0].startswith("pupil_id;date;kind") and all(";sick" in line for line in lines[1:])
        assert s.scalar(select(AuditEntry.what)) == "system:export_absence"
        # A teacher's scope exports their own pupils only: Marte Lie's class has both, Per Holm's neither.
        def scope_of(given, family):
            who = s.scalar(select(Person).where(Person.given_name == given, Person.family_name == family))
            return scope_for(s, who, Permission.VIEW_ABSENCE, TODAY)

        assert export_chat_absence(s, scope_of("Marte", "Lie"), io.StringIO(), TODAY - timedelta(days=30), TODAY) == 2
        assert export_chat_absence(s, scope_of("Per", "Holm"), io.StringIO(), TODAY - timedelta(days=30), TODAY) == 0

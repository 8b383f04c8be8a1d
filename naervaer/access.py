"""Who may see and do what about a pupil: the only door to pupil data.

Every function in the core that returns pupil data takes what this module hands out: a `Grant` for one
pupil (from `require`), or a `Scope` for many (from `scope_for` a viewer, or `system_scope` for the
digest and the operator's commands, which is audited as such). Parental responsibility, adult pupils
and what each role may do are decided here and nowhere else.

The rules (docs/store.md has them as a table):
- a guardian acts for their own child only with parental responsibility, and only while the pupil
  is under 18 (parental responsibility ends at 18; the pupil then speaks for themselves);
- a pupil sees their own absence, and reports it themselves from 18;
- a contact teacher sees and acts for the pupils of their own classes;
- a subject teacher sees hour absence in their own subjects in the classes they teach;
- the principal and department heads see and act for the pupils of their school; the resource team
  sees status and absence and schedules meetings at their school;
- nobody sees another school.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from naervaer.models import (
    AuditAction,
    AuditEntry,
    Channel,
    ClassGroup,
    ClassRole,
    ClassStaff,
    Guardianship,
    Person,
    Pupil,
    StaffMembership,
    StaffRole,
)


class Permission(StrEnum):
    VIEW_ABSENCE = "view_absence"            # all kinds of absence of the pupil
    VIEW_HOUR_ABSENCE = "view_hour_absence"  # hour absence (possibly limited to some subjects)
    REPORT_ABSENCE = "report_absence"        # a first-day report from home, or registering absence at school
    VIEW_STATUS = "view_status"              # thresholds, level, next step, contacts, meetings
    LOG_CONTACT = "log_contact"
    SCHEDULE_MEETING = "schedule_meeting"


ALL = frozenset(Permission)
GUARDIAN = frozenset({Permission.VIEW_ABSENCE, Permission.VIEW_HOUR_ABSENCE, Permission.REPORT_ABSENCE})
PUPIL_SELF = frozenset({Permission.VIEW_ABSENCE, Permission.VIEW_HOUR_ABSENCE})
ADULT_PUPIL_SELF = PUPIL_SELF | {Permission.REPORT_ABSENCE}
SCHOOL_LEADER = ALL
RESOURCE_TEAM = frozenset({Permission.VIEW_ABSENCE, Permission.VIEW_HOUR_ABSENCE, Permission.VIEW_STATUS,
                           Permission.SCHEDULE_MEETING})
SUBJECT_TEACHER = frozenset({Permission.VIEW_HOUR_ABSENCE})
# The fraværsansvarlig keeps the school's absence overview up to date and makes the first-day contact
# (Trøndelag's guide); meetings are the contact teacher's and the leaders'.
ABSENCE_OFFICER = ALL - {Permission.SCHEDULE_MEETING}


class AccessDenied(Exception):
    pass


@dataclass(frozen=True)
class Grant:
    """What one viewer may do about one pupil, on one day."""

    permissions: frozenset[Permission] = frozenset()
    # Subject ids whose hour absence may be seen; None means every subject.
    hour_subjects: frozenset[int] | None = None
    relations: tuple[str, ...] = field(default=())
    pupil: Pupil | None = field(default=None, compare=False)
    viewer: Person | None = field(default=None, compare=False)  # None: the system (see `system_grant`)

    def allows(self, permission: Permission) -> bool:
        return permission in self.permissions

    def pupil_for(self, permission: Permission) -> Pupil:
        """The pupil, when this grant covers `permission`; readers of pupil data start here."""
        if self.pupil is None or not self.allows(permission):
            raise AccessDenied(permission.value)
        return self.pupil


def guardian_acts_for(guardianship: Guardianship | None, pupil: Pupil, on: date) -> bool:
    """A guardian acts for the pupil only with parental responsibility and while the pupil is under 18."""
    return guardianship is not None and guardianship.parental_responsibility and not pupil.is_adult(on)


def guardian_may_know_school(guardianship: Guardianship, pupil: Pupil, on: date) -> bool:
    """A guardian who does not act for the pupil (no parental responsibility, or the pupil is 18) is not
    told where a pupil with a confidential address goes to school: the school is where such a pupil
    can be found."""
    return guardian_acts_for(guardianship, pupil, on) or not pupil.person.confidential_address


def grant_for(session: Session, viewer: Person, pupil: Pupil, on: date) -> Grant:
    """Everything `viewer` may do about `pupil` on the date `on`."""
    perms: set[Permission] = set()
    relations: list[str] = []
    limited_subjects: set[int] = set()
    full_hours = False

    if viewer.id == pupil.person_id:
        own = ADULT_PUPIL_SELF if pupil.is_adult(on) else PUPIL_SELF
        perms |= own
        full_hours = True
        relations.append("self")

    guardianship = session.scalar(
        select(Guardianship).where(Guardianship.pupil_id == pupil.id, Guardianship.guardian_id == viewer.id)
    )
    if guardian_acts_for(guardianship, pupil, on):
        perms |= GUARDIAN
        full_hours = True
        relations.append("guardian")

    class_group = session.get(ClassGroup, pupil.class_group_id)
    school_roles = set(session.scalars(
        select(StaffMembership.role).where(StaffMembership.person_id == viewer.id,
                                           StaffMembership.school_id == class_group.school_id)
    ))
    if school_roles & {StaffRole.PRINCIPAL, StaffRole.DEPARTMENT_HEAD}:
        perms |= SCHOOL_LEADER
        full_hours = True
        relations.append("school_leader")
    if StaffRole.RESOURCE_TEAM in school_roles:
        perms |= RESOURCE_TEAM
        full_hours = True
        relations.append("resource_team")
    if StaffRole.ABSENCE_OFFICER in school_roles:
        perms |= ABSENCE_OFFICER
        full_hours = True
        relations.append("absence_officer")

    if school_roles:  # class assignments only count for staff of the pupil's own school
        for role, subject_id in session.execute(
            select(ClassStaff.role, ClassStaff.subject_id).where(
                ClassStaff.person_id == viewer.id, ClassStaff.class_group_id == pupil.class_group_id)
        ):
            if role == ClassRole.CONTACT_TEACHER:
                perms |= ALL
                full_hours = True
                relations.append("contact_teacher")
            elif subject_id is not None:
                perms |= SUBJECT_TEACHER
                limited_subjects.add(subject_id)
                relations.append("subject_teacher")

    return Grant(
        permissions=frozenset(perms),
        hour_subjects=None if full_hours else frozenset(limited_subjects),
        relations=tuple(relations),
        pupil=pupil,
        viewer=viewer,
    )


def can(session: Session, viewer: Person | None, permission: Permission, pupil: Pupil, on: date) -> bool:
    return viewer is not None and grant_for(session, viewer, pupil, on).allows(permission)


def require(session: Session, viewer: Person | None, permission: Permission, pupil: Pupil, on: date,
            *, channel: Channel = Channel.CHAT) -> Grant:
    """The viewer's grant, or AccessDenied (and a 'denied' line in the audit log)."""
    grant = grant_for(session, viewer, pupil, on) if viewer is not None else Grant()
    if not grant.allows(permission):
        audit(session, viewer, pupil, AuditAction.DENIED, permission.value, channel=channel)
        raise AccessDenied(permission.value)
    return grant


def candidate_pupils(session: Session, viewer: Person) -> list[Pupil]:
    """Pupils the viewer has any relation to (a superset; always check `grant_for` per pupil)."""
    own = select(Pupil.id).where(Pupil.person_id == viewer.id)
    children = select(Guardianship.pupil_id).where(Guardianship.guardian_id == viewer.id,
                                                   Guardianship.parental_responsibility.is_(True))
    staffed_classes = (
        select(ClassStaff.class_group_id)
        .join(ClassGroup, ClassGroup.id == ClassStaff.class_group_id)
        .join(StaffMembership, (StaffMembership.school_id == ClassGroup.school_id)
              & (StaffMembership.person_id == ClassStaff.person_id))
        .where(ClassStaff.person_id == viewer.id)
    )
    whole_schools = select(StaffMembership.school_id).where(
        StaffMembership.person_id == viewer.id,
        StaffMembership.role.in_([StaffRole.PRINCIPAL, StaffRole.DEPARTMENT_HEAD, StaffRole.RESOURCE_TEAM,
                                  StaffRole.ABSENCE_OFFICER]),
    )
    stmt = (
        select(Pupil).join(ClassGroup, ClassGroup.id == Pupil.class_group_id)
        .where(Pupil.id.in_(own) | Pupil.id.in_(children) | Pupil.class_group_id.in_(staffed_classes)
               | ClassGroup.school_id.in_(whole_schools))
        .order_by(Pupil.id)
    )
    return list(session.scalars(stmt))


def visible_pupils(session: Session, viewer: Person | None, permission: Permission, on: date) -> list[Pupil]:
    if viewer is None:
        return []
    return [p for p in candidate_pupils(session, viewer) if grant_for(session, viewer, p, on).allows(permission)]


def system_grant(session: Session, pupil: Pupil, purpose: str, *, channel: Channel = Channel.OPERATOR) -> Grant:
    """Everything about one pupil, for the operator's own commands (``naervaer status``); audited."""
    audit(session, None, pupil, AuditAction.READ, f"system:{purpose}", channel=channel)
    return Grant(permissions=ALL, relations=("system",), pupil=pupil)


@dataclass(frozen=True)
class Scope:
    """The pupils whose flags and records a reader may see together: one viewer's, or the system's."""

    pupil_ids: frozenset[int] | None  # None: every pupil (the system's own jobs)

    def covers(self, pupil_id: int) -> bool:
        return self.pupil_ids is None or pupil_id in self.pupil_ids


def scope_for(session: Session, viewer: Person | None, permission: Permission, on: date) -> Scope:
    """The pupils `viewer` may do `permission` for on `on` (none for an unknown viewer)."""
    return Scope(frozenset(p.id for p in visible_pupils(session, viewer, permission, on)))


def system_scope(session: Session, purpose: str, *, channel: Channel = Channel.OPERATOR) -> Scope:
    """Every pupil, for the morning digest, the reminders and the operator's commands; the use is
    written to the audit log with its purpose (no pupil named: the jobs audit each pupil they report)."""
    audit(session, None, None, AuditAction.READ, f"system:{purpose}", channel=channel)
    return Scope(None)


def audit(session: Session, actor: Person | None, pupil: Pupil | None, action: AuditAction, what: str,
          record_id: int | None = None, *, channel: Channel = Channel.CHAT) -> None:
    session.add(AuditEntry(actor_id=actor.id if actor else None, pupil_id=pupil.id if pupil else None,
                           action=action, what=what, record_id=record_id, channel=channel))


def audit_read(session: Session, grant: Grant, what: str, *, channel: Channel = Channel.CHAT) -> None:
    """In the audit log: the grant's viewer was shown `what` about the grant's pupil."""
    audit(session, grant.viewer, grant.pupil, AuditAction.READ, what, channel=channel)

"""The absence store: SQLAlchemy 2 models.

Privacy by construction: there is no free-text column anywhere a parent's words
could land. Absence reasons, contact kinds and measures are categories.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from naervaer.absence import AbsenceKind, ReasonCategory, SchoolLevel

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _enum(cls: type[StrEnum]) -> Enum:
    # VARCHAR plus CHECK on every backend: portable, and values (not names) are stored.
    return Enum(cls, native_enum=False, create_constraint=True, length=32,
                values_callable=lambda e: [m.value for m in e], name=cls.__name__.lower())


class StaffRole(StrEnum):
    CONTACT_TEACHER = "contact_teacher"
    SUBJECT_TEACHER = "subject_teacher"
    DEPARTMENT_HEAD = "department_head"
    PRINCIPAL = "principal"
    RESOURCE_TEAM = "resource_team"
    ABSENCE_OFFICER = "absence_officer"  # fraværsansvarlig: keeps the absence overview, makes the first-day contact


class GuardianRelation(StrEnum):
    """So a teacher can write "I called Ida's mother" and the right guardian is logged."""

    MOTHER = "mother"
    FATHER = "father"
    OTHER = "other"


class ClassRole(StrEnum):
    CONTACT_TEACHER = "contact_teacher"
    SUBJECT_TEACHER = "subject_teacher"


class Channel(StrEnum):
    CHAT = "chat"
    IMPORT = "import"
    OPERATOR = "operator"


class ContactMethod(StrEnum):
    PHONE = "phone"
    MEETING = "meeting"
    MESSAGE = "message"


class Initiator(StrEnum):
    HOME = "home"
    SCHOOL = "school"


class ContactPurpose(StrEnum):
    FIRST_DAY = "first_day"
    FOLLOW_UP = "follow_up"


class MeetingKind(StrEnum):
    SAMTALE = "samtale"
    NAERVAERSMOTE = "naervaersmote"
    FAGMOTE = "fagmote"
    SAMARBEIDSMOTE = "samarbeidsmote"
    EVALUERING = "evaluering"


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class AuditAction(StrEnum):
    READ = "read"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    DENIED = "denied"


def level_for_year(year: int) -> SchoolLevel:
    if year <= 7:
        return SchoolLevel.BARNESKOLE
    if year <= 10:
        return SchoolLevel.UNGDOMSSKOLE
    return SchoolLevel.VGS


class School(Base):
    __tablename__ = "schools"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    municipality: Mapped[str] = mapped_column(String(100))
    guide_key: Mapped[str] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(String(32))

    classes: Mapped[list[ClassGroup]] = relationship(back_populates="school")


class ClassGroup(Base):
    __tablename__ = "class_groups"
    __table_args__ = (UniqueConstraint("school_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)  # trinn 1-13 (vg1 = 11)

    school: Mapped[School] = relationship(back_populates="classes")
    pupils: Mapped[list[Pupil]] = relationship(back_populates="class_group")

    @property
    def level(self) -> SchoolLevel:
        """A school of years 1-10 has pupils on two levels, so the level belongs to the class."""
        return level_for_year(self.year)


class Subject(Base):
    __tablename__ = "subjects"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))


class Person(Base):
    """Anyone the store knows: pupil, guardian or staff member."""

    __tablename__ = "people"
    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(2))  # nb, nn or en, when the person chose one
    confidential_address: Mapped[bool] = mapped_column(Boolean, default=False)
    left_on: Mapped[date | None] = mapped_column(Date)  # left the school: the purge removes their chat links

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Pupil(Base):
    __tablename__ = "pupils"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), unique=True)
    class_group_id: Mapped[int] = mapped_column(ForeignKey("class_groups.id"), index=True)
    birth_date: Mapped[date] = mapped_column(Date)

    person: Mapped[Person] = relationship()
    class_group: Mapped[ClassGroup] = relationship(back_populates="pupils")
    guardianships: Mapped[list[Guardianship]] = relationship(back_populates="pupil")

    def is_adult(self, on: date) -> bool:
        eighteenth = self.birth_date.replace(year=self.birth_date.year + 18) if not (
            self.birth_date.month == 2 and self.birth_date.day == 29
        ) else date(self.birth_date.year + 18, 3, 1)
        return on >= eighteenth


class Guardianship(Base):
    __tablename__ = "guardianships"
    __table_args__ = (UniqueConstraint("pupil_id", "guardian_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), index=True)
    guardian_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    parental_responsibility: Mapped[bool] = mapped_column(Boolean)
    relation: Mapped[GuardianRelation | None] = mapped_column(_enum(GuardianRelation))

    pupil: Mapped[Pupil] = relationship(back_populates="guardianships")
    guardian: Mapped[Person] = relationship()


class StaffMembership(Base):
    """A staff member's role at one school."""

    __tablename__ = "staff_roles"
    __table_args__ = (UniqueConstraint("person_id", "school_id", "role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    role: Mapped[StaffRole] = mapped_column(_enum(StaffRole))


class ClassStaff(Base):
    """Who teaches a class: its contact teachers, and subject teachers with their subject."""

    __tablename__ = "class_staff"
    __table_args__ = (UniqueConstraint("class_group_id", "person_id", "role", "subject_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    class_group_id: Mapped[int] = mapped_column(ForeignKey("class_groups.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[ClassRole] = mapped_column(_enum(ClassRole))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subjects.id"))

    person: Mapped[Person] = relationship()
    subject: Mapped[Subject | None] = relationship()


class AbsenceRecord(Base):
    """One registered absence. `slot` keeps records of one pupil, day and kind apart
    (the lesson for hour absence, empty otherwise), so the same report twice is one row."""

    __tablename__ = "absence_records"
    __table_args__ = (UniqueConstraint("pupil_id", "on", "kind", "slot"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), index=True)
    on: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[AbsenceKind] = mapped_column(_enum(AbsenceKind))
    slot: Mapped[str] = mapped_column(String(32), default="")
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subjects.id"))
    hours: Mapped[float] = mapped_column(Float, default=0.0)
    documented: Mapped[bool] = mapped_column(Boolean, default=False)
    announced_by_home: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[ReasonCategory | None] = mapped_column(_enum(ReasonCategory))
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    source: Mapped[str | None] = mapped_column(String(32))  # the school system an import came from
    # The language a report from home was made in (naervaer.languages), so the school can book an interpreter.
    home_language: Mapped[str | None] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    subject: Mapped[Subject | None] = relationship()


class Contact(Base):
    """A contact between school and home; the guides ask that every one is logged."""

    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    method: Mapped[ContactMethod] = mapped_column(_enum(ContactMethod))
    initiated_by: Mapped[Initiator] = mapped_column(_enum(Initiator))
    purpose: Mapped[ContactPurpose] = mapped_column(_enum(ContactPurpose))
    reached: Mapped[bool] = mapped_column(Boolean, default=True)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    channel: Mapped[Channel] = mapped_column(_enum(Channel))


class FollowUpCase(Base):
    __tablename__ = "followup_cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), index=True)
    level: Mapped[int] = mapped_column(Integer, default=0)  # BTI level / wheel phase / routine step index
    stage: Mapped[str | None] = mapped_column(String(64))   # the guide's own stage id
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)


class Meeting(Base):
    __tablename__ = "meetings"
    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("followup_cases.id", ondelete="SET NULL"))
    kind: Mapped[MeetingKind] = mapped_column(_enum(MeetingKind))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    minutes: Mapped[int] = mapped_column(Integer, default=45)
    place: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[MeetingStatus] = mapped_column(_enum(MeetingStatus), default=MeetingStatus.PLANNED)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))

    participants: Mapped[list[MeetingParticipant]] = relationship(cascade="all, delete-orphan")


class MeetingParticipant(Base):
    __tablename__ = "meeting_participants"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))  # contact_teacher, home, pupil, ppt, ... (as the guide names them)


class Measure(Base):
    """An agreed measure. `kind` is one of the guide's measure ids, never free text."""

    __tablename__ = "measures"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("followup_cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    agreed_on: Mapped[date] = mapped_column(Date)
    evaluate_on: Mapped[date] = mapped_column(Date)
    evaluated_on: Mapped[date | None] = mapped_column(Date)


class ChatIdentity(Base):
    """A chat sender id (pseudonymous for Telegram) linked to one person."""

    __tablename__ = "chat_identities"
    __table_args__ = (UniqueConstraint("sender_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(128))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    language: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    person: Mapped[Person] = relationship()


class InviteCode(Base):
    """A single-use, expiring invite. Only the code's hash is stored."""

    __tablename__ = "invite_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """Who read or changed what about a pupil."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    pupil_id: Mapped[int | None] = mapped_column(ForeignKey("pupils.id", ondelete="SET NULL"), index=True)
    action: Mapped[AuditAction] = mapped_column(_enum(AuditAction))
    what: Mapped[str] = mapped_column(String(64))  # e.g. "absence_summary", "absence_record"
    record_id: Mapped[int | None] = mapped_column(Integer)
    channel: Mapped[Channel] = mapped_column(_enum(Channel))


# --- Telegram (bot/) ---

from sqlalchemy import BigInteger  # noqa: E402  (this section is appended; the imports above stay as they are)


class TelegramChat(Base):
    """Where the bot can write to a linked Telegram user on its own (the morning digest, reminders).

    ``sender_id`` is the pseudonymous id (``tg:…``, as in ``chat_identities``); ``chat_id`` is the
    private chat's id, which Telegram needs to deliver a message. Removed by /glem_meg."""

    __tablename__ = "telegram_chats"
    __table_args__ = (UniqueConstraint("sender_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(128))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ThresholdNotice(Base):
    """A notice already sent to the contact teacher: a pupil crossed a guide's rule in one window."""

    __tablename__ = "threshold_notices"
    __table_args__ = (UniqueConstraint("pupil_id", "threshold_id", "window_start"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("pupils.id", ondelete="CASCADE"), index=True)
    threshold_id: Mapped[str] = mapped_column(String(64))  # the guide's rule id
    window_start: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- The web chat (web/) ---


class WebSession(Base):
    """A browser's session with the web chat. The cookie carries a random token; only its sha256 is here.

    Who is signed in is not stored on the row: the session's own ``sender_id`` is linked to the person in
    ``chat_identities`` (as Telegram's are), so unlinking, a leaver's purge or sign-out all end it the same way."""

    __tablename__ = "web_sessions"
    __table_args__ = (UniqueConstraint("token_hash"), UniqueConstraint("sender_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    csrf: Mapped[str] = mapped_column(String(64))
    sender_id: Mapped[str] = mapped_column(String(128))
    lang: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WebFile(Base):
    """A file (a chart, an invitation) one web session may fetch under a random name."""

    __tablename__ = "web_files"
    __table_args__ = (UniqueConstraint("name"), UniqueConstraint("session_id", "path"))
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("web_sessions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(32))
    path: Mapped[str] = mapped_column(String(512))
    media_type: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

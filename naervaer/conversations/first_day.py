"""The first-day report from home: which child, which days, whole day or part of it, a reason
category, a confirmation in plain words, then storage (absence announced by the home and a logged
first-day contact) and what the school's guide expects of the home next.

Each step is a function of plain values, so the dialogue layer (a Rasa form) stays thin. Compute, then
word: `decide_*` reads the store through access, the directory and the store modules and returns a small
result; `render_*` words it; the step functions the actions call are the two together."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from naervaer import absence_store, contacts
from naervaer.absence import AbsenceKind, ReasonCategory
from naervaer.access import Grant, Permission, guardian_acts_for, require, visible_pupils
from naervaer.conversations.context import Asker, unknown_sender, who_is_asking
from naervaer.dates import parse_days
from naervaer.directory import contact_teacher, guardianships_of, school_of
from naervaer.flags import pupil_absence_streak
from naervaer.guides.loader import load_guide
from naervaer.guides.schema import FirstDayKind, FirstDayRule
from naervaer.i18n import N_, format_day, t, untranslated_note
from naervaer.languages import typed
from naervaer.pupil_lookup import find_pupils
from naervaer.replies import Button, Reply
from naervaer.school_calendars import calendar_for

if TYPE_CHECKING:
    from naervaer.models import Person, Pupil

PAST_LIMIT = timedelta(days=7)     # older absence is the school's to register, not a first-day report
FUTURE_LIMIT = timedelta(days=60)  # further ahead is a leave application, not a report

SCOPES = {  # how much of the day, as the kind of record it becomes
    "whole_day": (AbsenceKind.DAY, N_("the whole day")),
    "arrives_late": (AbsenceKind.LATE, N_("comes later")),
    "leaves_early": (AbsenceKind.LEFT_EARLY, N_("leaves early")),
}
REASONS = {
    ReasonCategory.SICK: N_("sick"),
    ReasonCategory.MEDICAL_APPOINTMENT: N_("doctor or dentist"),
    ReasonCategory.LEAVE: N_("leave"),
    ReasonCategory.OTHER: N_("other"),
}


@dataclass
class Step:
    """The outcome of one form step: the value to keep (None: ask again) and what to say."""

    value: object = None
    reply: Reply = field(default_factory=Reply)
    stop: bool = False  # end the flow (the reply says why)
    understood: bool = True  # False when the message held nothing this step could read


# --- which child -------------------------------------------------------------------------------


class Refusal(StrEnum):
    """Why the sender may report for no child."""

    UNKNOWN_SENDER = "unknown_sender"
    ADULT_PUPIL = "adult_pupil"              # the child is 18 or over and reports themselves
    NO_RESPONSIBILITY = "no_responsibility"  # a guardian without parental responsibility
    NOT_REGISTERED = "not_registered"        # nobody's guardian


@dataclass(frozen=True)
class Child:
    given_name: str
    full_name: str


@dataclass(frozen=True)
class ChildChoice:
    """The child the report is for, or the children to choose among, or why there is none."""

    chosen: str | None = None         # the child's full name, the form's value
    options: tuple[Child, ...] = ()
    not_found: str | None = None      # the name asked for, when it matched none of the children
    refused: Refusal | None = None


def _children(session: Session, viewer: Person, today: date) -> list[Pupil]:
    return visible_pupils(session, viewer, Permission.REPORT_ABSENCE, today)


def _refusal(session: Session, viewer: Person, today: date) -> Refusal:
    """Which part of access's guardian rule a person who may report for no child misses."""
    links = guardianships_of(session, viewer)
    if any(link.parental_responsibility and not guardian_acts_for(link, link.pupil, today) for link in links):
        return Refusal.ADULT_PUPIL  # parental responsibility, and still no: the child is 18
    return Refusal.NO_RESPONSIBILITY if links else Refusal.NOT_REGISTERED


def decide_child(session: Session, asker: Asker, name: str | None) -> ChildChoice:
    viewer = who_is_asking(session, asker)
    if viewer is None:
        return ChildChoice(refused=Refusal.UNKNOWN_SENDER)
    children = _children(session, viewer, asker.today)
    if not children:
        return ChildChoice(refused=_refusal(session, viewer, asker.today))
    if len(children) == 1 and not name:
        return ChildChoice(chosen=children[0].person.full_name)
    lookup = find_pupils(session, viewer, Permission.REPORT_ABSENCE, name, asker.today)
    if lookup.found is not None:
        return ChildChoice(chosen=lookup.found.person.full_name)
    return ChildChoice(options=tuple(Child(p.person.given_name, p.person.full_name) for p in lookup.pupils or children),
                       not_found=name if name and not lookup.pupils else None)


def _refusal_reply(refusal: Refusal, lang: str) -> Reply:
    if refusal is Refusal.UNKNOWN_SENDER:
        return unknown_sender(lang)
    if refusal is Refusal.ADULT_PUPIL:
        return Reply().say(t(lang, "Pupils who are 18 or over report their absence themselves. "
                                   "Ask your child to tell the school, or contact the school."))
    if refusal is Refusal.NO_RESPONSIBILITY:
        return Reply().say(t(lang, "Only a guardian with parental responsibility can report absence here. "
                                   "Please contact the school."))
    return Reply().say(t(lang, "You are not registered as someone who can report absence here. "
                               "Please contact the school."))


def render_child(choice: ChildChoice, lang: str) -> Step:
    if choice.refused is not None:
        return Step(reply=_refusal_reply(choice.refused, lang), stop=True)
    if choice.chosen is not None:
        return Step(value=choice.chosen)
    if choice.not_found:
        text = t(lang, "I can't find {name} among the children you can report for. Which child is it?",
                 name=choice.not_found)
    else:
        text = t(lang, "Which child is it?")
    return Step(reply=Reply().say(text, [*(Button.for_intent(c.given_name, "inform", pupil=c.full_name)
                                           for c in choice.options), _cancel(lang)]))


def choose_child(session: Session, asker: Asker, name: str | None) -> Step:
    return render_child(decide_child(session, asker, name), asker.lang)


def _pupil(session: Session, asker: Asker, full_name: str) -> tuple[Person, Pupil] | None:
    viewer = who_is_asking(session, asker)
    if viewer is None:
        return None
    lookup = find_pupils(session, viewer, Permission.REPORT_ABSENCE, full_name, asker.today)
    return (viewer, lookup.found) if lookup.found is not None else None


# --- which days --------------------------------------------------------------------------------


class DaysProblem(StrEnum):
    NO_PUPIL = "no_pupil"              # the sender may (no longer) report for the child
    NOT_UNDERSTOOD = "not_understood"
    TOO_LONG_AGO = "too_long_ago"
    TOO_FAR_AHEAD = "too_far_ahead"
    NO_SCHOOL_DAY = "no_school_day"


@dataclass(frozen=True)
class DayChoice:
    school_days: tuple[date, ...] = ()
    skipped: tuple[date, ...] = ()     # days named that are not school days
    problem: DaysProblem | None = None


def decide_days(session: Session, asker: Asker, pupil_name: str, text: str) -> DayChoice:
    found = _pupil(session, asker, pupil_name)
    if found is None:
        return DayChoice(problem=DaysProblem.NO_PUPIL)
    days = parse_days(text, asker.today)
    if not days:
        return DayChoice(problem=DaysProblem.NOT_UNDERSTOOD)
    if min(days) < asker.today - PAST_LIMIT:
        return DayChoice(problem=DaysProblem.TOO_LONG_AGO)
    if max(days) > asker.today + FUTURE_LIMIT:
        return DayChoice(problem=DaysProblem.TOO_FAR_AHEAD)
    calendar = calendar_for(school_of(found[1]).code, asker.today)
    school_days = tuple(d for d in days if calendar.is_school_day(d))
    skipped = tuple(d for d in days if d not in school_days)
    return DayChoice(school_days, skipped, None if school_days else DaysProblem.NO_SCHOOL_DAY)


def render_days(choice: DayChoice, lang: str) -> Step:
    problem = choice.problem
    if problem is DaysProblem.NO_PUPIL:
        return Step(reply=Reply(), stop=True)
    if problem is DaysProblem.NOT_UNDERSTOOD:
        return Step(reply=Reply().say(t(lang, "I didn't catch which days. Write for example \"i dag\", "
                                              "\"i morgen\" or \"fra mandag til onsdag\".")), understood=False)
    if problem is DaysProblem.TOO_LONG_AGO:
        return Step(reply=Reply().say(t(lang, "That is more than a week ago. Absence that far back is registered by "
                                              "the school: please contact the contact teacher.")))
    if problem is DaysProblem.TOO_FAR_AHEAD:
        return Step(reply=Reply().say(t(lang, "That is more than two months ahead. For absence planned that far "
                                              "ahead, apply for leave at the school.")))
    if problem is DaysProblem.NO_SCHOOL_DAY:
        return Step(reply=Reply().say(t(lang, "{days} is not a school day, so there is nothing to report. "
                                              "Which days will the child be away?",
                                        days=_list_days(choice.skipped, lang))))
    reply = Reply()
    if choice.skipped and len(choice.school_days) + len(choice.skipped) <= 7:
        reply.say(t(lang, "{days} is not a school day, so I leave it out.", days=_list_days(choice.skipped, lang)))
    return Step(value=[d.isoformat() for d in choice.school_days], reply=reply)


def choose_days(session: Session, asker: Asker, pupil_name: str, text: str | None) -> Step:
    if not text:
        return Step(reply=ask_days(asker.lang))
    return render_days(decide_days(session, asker, pupil_name, text), asker.lang)


def reason_in(text: str) -> str | None:
    """A reason category named in a message ("syk", "sjuk", "tannlege"), using the import's words."""
    from naervaer.imports.values import REASONS as WORDS

    for word in re.findall(r"\w+", text.lower()):
        if word in WORDS:
            return WORDS[word].value
    return None


# --- the questions and the confirmation (words only) -------------------------------------------


# The days a button can report; the payload is in the date reader's words, whatever the button's language.
DAY_BUTTONS = (
    (N_("Today"), "i dag"),
    (N_("Tomorrow"), "i morgen"),
    (N_("Today and tomorrow"), "i dag og i morgen"),
    (N_("The rest of the week"), "resten av uka"),
)


def _cancel(lang: str) -> Button:
    return Button.for_intent(t(lang, "Cancel"), "deny")


def ask_days(lang: str) -> Reply:
    question = (t(lang, "Which days? For example \"i dag\", \"i morgen\" or \"fra mandag til onsdag\".") if typed(lang)
                else t(lang, "Which days? Choose below."))
    return Reply().say(question, [*(Button.for_intent(t(lang, title), "inform", date=words)
                                    for title, words in DAY_BUTTONS), _cancel(lang)])


def ask_scope(lang: str) -> Reply:
    return Reply().say(t(lang, "The whole day, or part of it?"),
                       [*(Button.for_intent(t(lang, label).capitalize(), "inform", absence_scope=key)
                          for key, (_kind, label) in SCOPES.items()), _cancel(lang)])


def ask_reason(lang: str) -> Reply:
    return Reply().say(t(lang, "What is the reason? Choose one; please don't write details about health here."),
                       [*(Button.for_intent(t(lang, label).capitalize(), "inform", reason=reason.value)
                          for reason, label in REASONS.items()), _cancel(lang)])


def _list_days(days: tuple[date, ...] | list[date], lang: str) -> str:
    names = [format_day(d, lang) for d in sorted(days)]
    if len(names) > 3:
        return t(lang, "{first} to {last}", first=names[0], last=names[-1])
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + t(lang, " and ") + names[-1]


def summary(asker: Asker, pupil_name: str, days: list[str], scope: str, reason: str) -> Reply:
    lang = asker.lang
    first = pupil_name.split()[0]
    text = t(lang, "{name} is away {days}, {scope}, reason: {reason}. Is that right?", name=first,
             days=_list_days([date.fromisoformat(d) for d in days], lang), scope=t(lang, SCOPES[scope][1]),
             reason=t(lang, REASONS[ReasonCategory(reason)]))
    return Reply().say(text, [Button.for_intent(t(lang, "Yes, send"), "affirm"),
                              Button.for_intent(t(lang, "No"), "deny")])


def not_sent(lang: str) -> Reply:
    return Reply().say(t(lang, "OK, nothing was sent to the school. You can start again whenever you like."))


# --- storing, and what the guide expects next ---------------------------------------------------


@dataclass(frozen=True)
class ContactTeacher:
    pupil: str  # the child's given name
    name: str
    phone: str


@dataclass(frozen=True)
class PhoneRule:
    """A rule of the guide that the home must phone, and whether this report is longer than its days."""

    rule: FirstDayRule
    longer_than_its_days: bool
    # School days in a row of whole-day absence up to the last day reported, this report included
    # (naervaer.rules.streaks): four one-day reports in a row are as long as one report of four days.
    in_a_row: int = 0

    @property
    def run_longer_than_its_days(self) -> bool:
        return self.rule.days is not None and self.in_a_row > self.rule.days


@dataclass(frozen=True)
class Expectations:
    guide_title: str
    phone_rules: tuple[PhoneRule, ...]
    teacher: ContactTeacher | None  # only a teacher with a phone number is named


@dataclass(frozen=True)
class Stored:
    """What storing a confirmed report did."""

    allowed: bool
    name: str = ""                       # the child's given name
    days: tuple[date, ...] = ()
    anything_new: bool = False           # False: the same report was there already
    expectations: Expectations | None = None


def _contact_teacher(session: Session, pupil: Pupil) -> ContactTeacher | None:
    teacher = contact_teacher(session, pupil)
    if teacher is None or not teacher.phone:
        return None
    return ContactTeacher(pupil.person.given_name, teacher.full_name, teacher.phone)


def _expectations(session: Session, pupil: Pupil, n_days: int, grant: Grant | None = None,
                  last_day: date | None = None) -> Expectations:
    """What the school's guide expects of the home next, for a report of `n_days` school days ending on
    `last_day` (with the grant, the run of days in a row it ends is read from the store)."""
    guide = load_guide(school_of(pupil).guide_key)
    phone_rules = [rule for rule in guide.first_day if rule.kind is FirstDayKind.PHONE_REQUIRED]
    streak = pupil_absence_streak(session, grant, last_day) if phone_rules and grant and last_day else None
    rules = tuple(PhoneRule(rule, rule.days is not None and n_days > rule.days, streak.length if streak else 0)
                  for rule in phone_rules)
    return Expectations(guide.title, rules, _contact_teacher(session, pupil))


def decide_store(session: Session, asker: Asker, pupil_name: str, days: list[str], scope: str,
                 reason: str) -> Stored:
    """Store a confirmed report; the same report twice stores nothing new."""
    found = _pupil(session, asker, pupil_name)
    if found is None:  # access is checked again at the moment of writing, never trusted from slots
        return Stored(allowed=False)
    viewer, pupil = found
    grant = require(session, viewer, Permission.REPORT_ABSENCE, pupil, asker.today)
    reported = tuple(sorted(date.fromisoformat(d) for d in days))
    fresh = absence_store.record_home_report(session, grant, reported, SCOPES[scope][0], ReasonCategory(reason),
                                             home_language=asker.lang)
    if not fresh:
        return Stored(True, pupil.person.given_name, reported)
    contacts.record_first_day_contact(session, grant)
    return Stored(True, pupil.person.given_name, reported, True,
                  _expectations(session, pupil, len(reported), grant, reported[-1]))


def _say_expectations(expectations: Expectations, lang: str, reply: Reply) -> None:
    untranslated = untranslated_note(lang)
    if untranslated and expectations.phone_rules:
        reply.say(untranslated)
    for phone in expectations.phone_rules:
        rule = phone.rule
        note = rule.text.get(lang)
        if phone.longer_than_its_days:
            note = t(lang, "This report covers more than {n} days, so: {rule}", n=rule.days, rule=note)
        elif phone.run_longer_than_its_days:
            note = t(lang, "With this report that makes {count} school days in a row, more than {n}, so: {rule}",
                     count=phone.in_a_row, n=rule.days, rule=note)
        reply.say(t(lang, "{rule} ({guide}, \"{section}\")", rule=note, guide=expectations.guide_title,
                    section=rule.source.section))
    if expectations.teacher is not None:
        reply.say(t(lang, "The contact teacher is {teacher}, phone {phone}.", teacher=expectations.teacher.name,
                    phone=expectations.teacher.phone))


def render_store(stored: Stored, lang: str) -> Reply:
    if not stored.allowed:
        return Reply().say(t(lang, "I couldn't store the report: you can't report absence for this pupil."))
    if not stored.anything_new:
        return Reply().say(t(lang, "That is already reported for {name}; nothing new was stored.", name=stored.name))
    reply = Reply().say(t(lang, "Thank you, the school now knows that {name} is away {days}.", name=stored.name,
                          days=_list_days(stored.days, lang)))
    _say_expectations(stored.expectations, lang, reply)
    return reply


def store(session: Session, asker: Asker, pupil_name: str, days: list[str], scope: str, reason: str) -> Reply:
    return render_store(decide_store(session, asker, pupil_name, days, scope, reason), asker.lang)


# --- withdrawing and changing -------------------------------------------------------------------
#
# Nothing is withdrawn on the first message: the answer names the child and the days and asks; its "yes"
# button sends the intent again with the child's full name and the days (`date`), and only such a press
# withdraws, after access is checked again and only what is still the asker's to take back that Oslo day.
# A forged payload is no more than a press: another family's child is not the asker's, and days are only
# ever narrowed to what `absence_store.withdrawable` gives.

# A child named in a withdrawal that the NLU did not mark, written with a capital: the word after
# "om"/"for"/"til"/"about"/"of", before "'s"/"sin", or inside the sentence. A lower-case word is left
# alone: the question that follows names the child it would withdraw for, so a miss withdraws nothing.
_NAME = r"([A-ZÆØÅ][^\W\d_]*(?:-[A-ZÆØÅ][^\W\d_]*)?)"
_AFTER = re.compile(rf"(?i:\b(?:om|for|til|åt|about|of))\s+{_NAME}")
_POSSESSIVE = re.compile(rf"\b{_NAME}(?:'s|'|\s+(?i:sin|si|sitt|sine))(?=\W|$)")
_INSIDE = re.compile(rf"(?<=[^\W\d_][ ,])\s*{_NAME}")
# Capitalised words in those places that name no child (the days are told apart by the date parser).
_NOT_NAMES = frozenset("""
    i på en ei et ein eit den det denne dette min mi mitt mine han hun ho henne ham hans hennes hennar dem
    jeg eg meg deg oss ja nei ok takk hei skolen skulen sfo barnet sønnen datteren dottera sonen guten jenta
    mor far mora moren faren mamma pappa fraværet fråværet meldingen meldinga
    the a an my our his her him them this that son daughter child school absence report message yes no
""".split())


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def name_in(text: str, children: list[Pupil], today: date) -> str | None:
    """The child a withdrawal's words name when the NLU marked none: one of the `children` by given name,
    else a capitalised word where a name stands ("meldingen om Tobias") that is no day and no common word."""
    folded = _fold(text)
    for pupil in children:
        if re.search(rf"(?<!\w){re.escape(_fold(pupil.person.given_name))}(?!\w)", folded):
            return pupil.person.full_name
    for pattern in (_AFTER, _POSSESSIVE, _INSIDE):
        for match in pattern.finditer(text):
            word = match.group(1)
            if _fold(word) not in _NOT_NAMES and len(word) > 1 and not parse_days(word, today):
                return word
    return None


def _days_value(days: tuple[date, ...]) -> str:
    """The days a confirmation covers, as its button carries them: a list, or (as the question words more
    than three days) the first to the last."""
    if len(days) > 3:
        return f"{days[0].isoformat()}..{days[-1].isoformat()}"
    return ",".join(d.isoformat() for d in days)


def _confirmed_days(value: str | None):  # noqa: ANN202 - a predicate on days, or None
    """What a confirmation's `date` says, as a test of a day; None when it is not one (typed words)."""
    if not value:
        return None
    try:
        if ".." in value:
            first, last = (date.fromisoformat(part) for part in value.split("..", 1))
            return lambda day: first <= day <= last
        chosen = {date.fromisoformat(part) for part in value.split(",")}
    except ValueError:
        return None
    return lambda day: day in chosen


@dataclass(frozen=True)
class Withdrawal:
    """What a request to withdraw (or change) reports comes to."""

    unknown_sender: bool = False
    not_theirs: str | None = None     # the name asked for: none of the children the asker may report for
    choose: tuple[Child, ...] = ()    # several children have reports that can be withdrawn: which one?
    child: Child | None = None        # the child it concerns
    days: tuple[date, ...] = ()       # sorted: withdrawn (done), or to be withdrawn when confirmed
    done: bool = False


def decide_withdraw(session: Session, asker: Asker, pupil_name: str | None, *, text: str = "",
                    day_text: str | None = None, confirmed: bool = False, changing: bool = False) -> Withdrawal:
    """Withdraw the asker's reports made today (an Oslo day) for today or later, of one child, once confirmed.

    `confirmed`: the message is a button press, whose `day_text` then carries the days the question named;
    otherwise `day_text` is the days as typed ("fjern fraværet for i morgen"), which narrow what is asked about
    (not when changing: there the days are the new report's)."""
    viewer = who_is_asking(session, asker)
    if viewer is None:
        return Withdrawal(unknown_sender=True)
    children = _children(session, viewer, asker.today)
    name = (pupil_name or "").strip() or (None if confirmed else name_in(text, children, asker.today))
    if name:
        children = find_pupils(session, viewer, Permission.REPORT_ABSENCE, name, asker.today).pupils
        if not children:
            return Withdrawal(not_theirs=name[:1].upper() + name[1:])
    wanted = _confirmed_days(day_text) if confirmed and pupil_name else None
    if wanted is None:
        confirmed = False  # a press that names no child and days is a question, not a "yes"
    if wanted is None and day_text and not changing:
        typed = set(parse_days(day_text, asker.today))
        wanted = (lambda day: day in typed) if typed else None
    found = []
    for pupil in children:
        # Access again, at the moment of withdrawing: only a child the asker may still report for.
        grant = require(session, viewer, Permission.REPORT_ABSENCE, pupil, asker.today)
        records = [r for r in absence_store.withdrawable(session, grant, asker.today) if wanted is None or wanted(r.on)]
        if records:
            found.append((pupil, grant, records))
    if not found:
        return Withdrawal()
    if len(found) > 1:
        return Withdrawal(choose=tuple(Child(p.person.given_name, p.person.full_name) for p, _g, _r in found))
    [(pupil, grant, records)] = found
    child = Child(pupil.person.given_name, pupil.person.full_name)
    days = tuple(sorted({record.on for record in records}))
    if not confirmed:
        return Withdrawal(child=child, days=days)
    absence_store.withdraw(session, grant, records)
    return Withdrawal(child=child, days=days, done=True)


def render_withdrawn(withdrawal: Withdrawal, lang: str, *, changing: bool = False) -> Reply:
    intent = "change_report" if changing else "cancel_report"
    if withdrawal.unknown_sender:
        return unknown_sender(lang)
    if withdrawal.not_theirs is not None:
        return Reply().say(t(lang, "{name} is not among the children you can report for. Nothing was withdrawn.",
                             name=withdrawal.not_theirs))
    if withdrawal.choose:
        question = (t(lang, "Which child's report do you want to change?") if changing
                    else t(lang, "Which child's report do you want to withdraw?"))
        return Reply().say(question, [Button.for_intent(c.given_name, intent, pupil=c.full_name)
                                      for c in withdrawal.choose])
    if not withdrawal.days:
        return Reply().say(t(lang, "I find no report from you today that can be withdrawn."))
    name, days = withdrawal.child.given_name, _list_days(withdrawal.days, lang)
    if withdrawal.done:
        return Reply().say(t(lang, "The report for {names} for {days} is withdrawn.", names=name, days=days))
    if changing:
        question = t(lang, "To change it, I withdraw the report for {name} for {days}, and you send the new one. "
                           "Shall I withdraw it?", name=name, days=days)
    else:
        question = t(lang, "Shall I withdraw the report for {name} for {days}?", name=name, days=days)
    return Reply().say(question, [
        Button.for_intent(t(lang, "Yes, withdraw"), intent, pupil=withdrawal.child.full_name,
                          date=_days_value(withdrawal.days)),
        Button.for_intent(t(lang, "No"), "deny")])


def withdraw(session: Session, asker: Asker, pupil_name: str | None, *, text: str = "", day_text: str | None = None,
             confirmed: bool = False) -> Reply:
    return render_withdrawn(decide_withdraw(session, asker, pupil_name, text=text, day_text=day_text,
                                            confirmed=confirmed), asker.lang)


def change(session: Session, asker: Asker, pupil_name: str | None, *, text: str = "", day_text: str | None = None,
           confirmed: bool = False) -> Reply:
    """Changing a report is withdrawing it (once confirmed) and reporting again."""
    withdrawal = decide_withdraw(session, asker, pupil_name, text=text, day_text=day_text, confirmed=confirmed,
                                 changing=True)
    reply = render_withdrawn(withdrawal, asker.lang, changing=True)
    if withdrawal.done or (not withdrawal.days and not withdrawal.choose and not withdrawal.unknown_sender
                           and withdrawal.not_theirs is None):
        reply.say(t(asker.lang, "Tell me the new report, for example \"Ida er syk i dag og i morgen\"."))
    return reply


# --- health details ------------------------------------------------------------------------------


def contact_teachers(session: Session, asker: Asker) -> tuple[ContactTeacher, ...]:
    """The contact teachers (with a phone) of the first two children the sender may report for."""
    viewer = who_is_asking(session, asker)
    if viewer is None:
        return ()
    teachers = (_contact_teacher(session, pupil) for pupil in _children(session, viewer, asker.today)[:2])
    return tuple(teacher for teacher in teachers if teacher is not None)


def render_health(teachers: tuple[ContactTeacher, ...], lang: str) -> Reply:
    """The chat cannot take health details; point to the contact teacher instead."""
    reply = Reply().say(t(lang, "Thank you for telling me. This chat can't take details about health, so I have "
                                "not stored what you wrote. Please talk to the contact teacher directly."))
    for teacher in teachers:
        reply.say(t(lang, "{pupil}'s contact teacher is {teacher}, phone {phone}.", pupil=teacher.pupil,
                    teacher=teacher.name, phone=teacher.phone))
    return reply


def free_text_health(session: Session, asker: Asker) -> Reply:
    return render_health(contact_teachers(session, asker), asker.lang)

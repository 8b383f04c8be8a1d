"""Questions about the municipal guide ("hva gjør PPT?", "hvor fort må fagmøtet holdes?"), answered from
the knowledge units of the asker's own guide (naervaer/guides/knowledge), in the asker's language, with
the guide and section each answer comes from.

Compute, then word: `decide` finds what to answer (pure over the store and the units), `render` words it.

Which guide: staff → their school's; a guardian → their child's school's; a pupil → their own school's.
A person with no school (not linked, or an anonymous visitor) picks a municipality with a button; the
question waits in the `guide_question` slot and the choice is kept in the `guide` slot for the rest of
the conversation. Nothing about pupils is read here.

When the asker's guide does not answer well enough, the reply says so, offers the nearest topics the
guide covers as buttons, and, when another guide answers it, says what that guide says, labelled with
its name and never as the asker's rule.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from naervaer.absence import SchoolLevel
from naervaer.conversations.context import Asker, who_is_asking
from naervaer.directory import role_of, school_ties
from naervaer.guides import GUIDE_KEYS, Guide, load_guide
from naervaer.i18n import N_, t
from naervaer.knowledge.finder import ANSWER_AT, QUESTION_WORDS, Finding, find
from naervaer.knowledge.ranker import index_for
from naervaer.knowledge.units import Unit, LineRange
from naervaer.replies import Button, Reply

if TYPE_CHECKING:
    from naervaer.models import Person

QUESTION_SLOT = "guide_question"  # a question waiting for the person to pick a guide
TOPIC_SLOT = "guide_topic"        # the unit answered last: a short follow-up ("og BUP?") leans on it
# Another guide's answer is shown only when it explains the question clearly better than the bar.
ELSEWHERE_AT = ANSWER_AT + 0.15

# The acting flows a unit can offer, the roles that may start them, and the button (title, intent) that starts them.
FLOWS = {
    "report_absence": ({"parent", "pupil"}, N_("Report absence"), "report_absence"),
    "book_meeting": ({"staff"}, N_("Schedule a meeting"), "schedule_meeting"),
    "log_contact": ({"staff"}, N_("Log a contact with the home"), "log_contact"),
    "pupil_status": ({"staff"}, N_("What now with a pupil?"), "ask_pupil_status"),
    "flagged_pupils": ({"staff"}, N_("Pupils with worrying absence"), "list_flagged"),
}


@dataclass(frozen=True)
class GuideContext:
    """The guide to answer from, and the school levels it is read for (empty: all the guide's levels)."""

    guide: Guide | None
    levels: frozenset[SchoolLevel] = frozenset()
    choices: Sequence[str] = ()  # guide keys to pick from when `guide` is None
    chosen: bool = False  # picked by the person (remembered in the `guide` slot), not from a school


def guide_label(guide: Guide) -> str:
    """A short name for a button: the owner without its parenthesis ("Tynset kommune")."""
    return guide.owner.split(" (")[0]


# --- which guide --------------------------------------------------------------------------------


def guides_of(session: Session, person: Person | None) -> dict[str, set[SchoolLevel]]:
    """The guide keys of the person's schools, with the school levels that concern them."""
    found: dict[str, set[SchoolLevel]] = {}
    for tie in school_ties(session, person) if person is not None else ():
        found.setdefault(tie.school.guide_key, set()).update(tie.levels)
    return {key: levels for key, levels in found.items() if key in GUIDE_KEYS}


def guide_for(session: Session, person: Person | None, chosen: str | None) -> GuideContext:
    schools = guides_of(session, person)
    if len(schools) == 1:
        key, levels = next(iter(schools.items()))
        return GuideContext(load_guide(key), frozenset(levels))
    if schools:  # children at schools under different guides: the chosen one, if it is theirs
        if chosen in schools:
            return GuideContext(load_guide(chosen), frozenset(schools[chosen]), chosen=True)
        return GuideContext(None, choices=sorted(schools))
    if chosen in GUIDE_KEYS:
        return GuideContext(load_guide(chosen), chosen=True)
    return GuideContext(None, choices=list(GUIDE_KEYS))


def _guide_and_role(session: Session, asker: Asker, chosen: str | None) -> tuple[GuideContext, str]:
    """Both from one look-up of the person: a turn asks the store who is asking once."""
    person = who_is_asking(session, asker)
    return guide_for(session, person, chosen), role_of(session, person)


# --- deciding -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    context: GuideContext
    finding: Finding | None = None
    elsewhere: tuple[Guide, Unit] | None = None  # another guide's answer, when the asker's has none
    role: str = "unknown"
    question: str = ""
    offer_report: bool = False  # a parent's statement that also reports ("she has been ill four days, ...")


def _audience(role: str) -> str | None:
    return role if role in ("staff", "parent", "pupil") else None


def decide(session: Session, asker: Asker, question: str, chosen_guide: str | None, unit_id: str | None = None,
           previous_unit: str | None = None, sounds_like_report: bool = False) -> Decision:
    """What to answer: a unit picked by button (`unit_id`), else the best units for `question`; a short
    follow-up that finds nothing on its own is asked again together with the previous unit's title.
    `sounds_like_report`: the message also reads as an absence report (the NLU's second guess), so a
    parent gets the answer first and the report as a button, never a report they did not ask for."""
    ctx, role = _guide_and_role(session, asker, chosen_guide)
    offer = (sounds_like_report or mentions_absence(question)) and role in ("parent", "pupil")
    if ctx.guide is None:
        return Decision(ctx, role=role, question=question)
    index = index_for(ctx.guide.key)
    if unit_id:
        unit = next((u for u in index.units if u.id == unit_id), None)
        if unit is not None:
            return Decision(ctx, Finding((unit,), confidence=1.0), role=role, question=question, offer_report=offer)
        question = question if not question.startswith("/") else ""
    audience = _audience(role)
    finding = find(index, question, audience, ctx.levels)
    if not finding.answered and previous_unit and is_follow_up(question):
        before = next((u for u in index.units if u.id == previous_unit), None)
        if before is not None:
            retry = find(index, f"{question} {before.title.nb}", audience, ctx.levels)
            if retry.answered:
                finding = retry
    elsewhere = None
    if not finding.answered:
        elsewhere = _elsewhere(ctx.guide.key, question, audience)
    return Decision(ctx, finding, elsewhere, role, question, offer)


FOLLOW_UP_STARTS = ("og ", "og,", "and ", "hva med", "kva med", "what about", "enn ", "men ", "but ")
ABSENCE_WORDS = frozenset("syk syke sjuk sjuke borte vekke heime hjemme feber ill sick away fravær fråvær".split())


def is_follow_up(message: str) -> bool:
    """A short message that leans on the answer before ("og på nivå 2?", "hva med BUP?")."""
    text = message.casefold().strip()
    return len(text.split()) <= 6 and text.startswith(FOLLOW_UP_STARTS)


def mentions_absence(message: str) -> bool:
    """The message says a child is ill or away: a parent asking about it may want to report it too."""
    return bool({w.strip("?,.!:;") for w in message.casefold().split()} & ABSENCE_WORDS)


def _elsewhere(own: str, question: str, audience: str | None) -> tuple[Guide, Unit] | None:
    best: tuple[float, str, Unit] | None = None
    for key in GUIDE_KEYS:
        if key == own:
            continue
        hits = index_for(key).search(question, audience=audience, k=1)
        if hits and hits[0].confidence >= ELSEWHERE_AT and (best is None or hits[0].confidence > best[0]):
            best = (hits[0].confidence, key, hits[0].unit)
    return (load_guide(best[1]), best[2]) if best else None


# Besides the question words (finder.QUESTION_WORDS): a question may open with a modal ("må jeg ...?").
MODAL_STARTS = frozenset("må skal bør kan får er do does should must can is are".split())


def looks_like_question(message: str) -> bool:
    text = message.casefold().strip()
    first = text.split()[0] if text.split() else ""
    return text.endswith("?") or first in QUESTION_WORDS or first in MODAL_STARTS


def second_opinion(session: Session, asker: Asker, message: str, chosen_guide: str | None) -> Reply | None:
    """For a turn the NLU sent elsewhere (to a person, out of scope, a visitor's pupil question): the
    guide's answer when the message is a question and the asker's guide answers it clearly."""
    if not message or message.startswith("/") or not looks_like_question(message):
        return None
    decision = confident(session, asker, message, chosen_guide)
    return render(asker.lang, decision) if decision is not None else None


def confident(session: Session, asker: Asker, question: str, chosen_guide: str | None) -> Decision | None:
    """For the fallback: a decision only when the asker's guide answers the message clearly."""
    ctx, role = _guide_and_role(session, asker, chosen_guide)
    if ctx.guide is None:
        return None
    finding = find(index_for(ctx.guide.key), question, _audience(role), ctx.levels, answer_at=ANSWER_AT + 0.15)
    return Decision(ctx, finding, role=role, question=question) if finding.answered else None


# --- wording ------------------------------------------------------------------------------------


def source_note(lang: str, guide: Guide, sources: Iterable[LineRange]) -> str:
    sections: list[str] = []
    for source in sources:
        if source.section not in sections:
            sections.append(source.section)
    return t(lang, "(Source: {title}, «{sections}»)", title=guide.title, sections="», «".join(sections))


def topic_buttons(lang: str, units: Iterable[Unit]) -> list[Button]:
    return [Button.for_intent(u.title.get(lang), "ask_guide", unit=u.id) for u in units]


def _flow_buttons(lang: str, units: Iterable[Unit], role: str, offer_report: bool = False) -> list[Button]:
    buttons = []
    if offer_report:
        _, title, intent = FLOWS["report_absence"]
        buttons.append(Button.for_intent(t(lang, title), intent))
    for unit in units:
        if unit.flow and role in FLOWS[unit.flow][0]:
            _, title, intent = FLOWS[unit.flow]
            button = Button.for_intent(t(lang, title), intent)
            if button not in buttons:
                buttons.append(button)
    return buttons


def render(lang: str, decision: Decision) -> Reply:
    ctx = decision.context
    if ctx.guide is None:
        return _ask_which_guide(lang, ctx.choices, decision.question)
    guide, finding = ctx.guide, decision.finding
    reply = Reply()
    if finding is not None and finding.answered:
        units = finding.answers
        if len(units) == 1:
            text = units[0].answer.get(lang)
        else:
            text = "\n".join(f"• {u.title.get(lang)}: {u.answer.get(lang)}" for u in units)
        text += "\n" + source_note(lang, guide, (s for u in units for s in u.sources))
        reply.say(text, _flow_buttons(lang, units, decision.role, decision.offer_report))
        reply.slots[TOPIC_SLOT] = units[0].id
    else:
        nearest = finding.nearest if finding is not None else ()
        lines = [t(lang, "I can't find an answer to that in the guide of {guide}.", guide=guide_label(guide))]
        if decision.elsewhere is not None:
            other, unit = decision.elsewhere
            lines.append(t(lang, "The guide of {other} (not the one your school follows) says:", other=guide_label(other)))
            lines.append(unit.answer.get(lang) + "\n" + source_note(lang, other, unit.sources))
        lines.append(t(lang, "You can also ask the contact teacher or the school."))
        if nearest:  # last, so the topic buttons follow it
            lines.append(t(lang, "The nearest topics your guide does cover:"))
        buttons = topic_buttons(lang, nearest) + _flow_buttons(lang, (), decision.role, decision.offer_report)
        reply.say("\n".join(lines), buttons)
    if ctx.chosen:
        reply.slots["guide"] = guide.key
    reply.slots[QUESTION_SLOT] = None
    return reply


def _ask_which_guide(lang: str, choices: Sequence[str], question: str) -> Reply:
    buttons = [Button.for_intent(guide_label(load_guide(key)), "ask_guide", guide=key) for key in choices]
    reply = Reply().say(t(lang, "Which municipality's guide do you mean? I answer from the guide your "
                                "school follows."), buttons)
    if question and not question.startswith("/"):
        reply.slots[QUESTION_SLOT] = question
    return reply


def answer(session: Session, asker: Asker, question: str, chosen_guide: str | None, unit_id: str | None = None,
           previous_unit: str | None = None, sounds_like_report: bool = False) -> Reply:
    return render(asker.lang, decide(session, asker, question, chosen_guide, unit_id, previous_unit,
                                     sounds_like_report))

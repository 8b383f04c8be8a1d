"""Questions about the municipal guide ("hva gjør PPT?", "når er fravær bekymringsfullt?"), answered
from the guide of the asker's school. Every fact comes from the guide data (naervaer/guides/data),
in the asker's language, and ends with a reference to the guide and its section.

Which guide: staff → their school's; a guardian → their child's school's; a pupil → their own
school's. A person with no school (not linked, or linked to nobody with a school) picks one with a
button; the buttons repeat the question with the chosen guide, and the dialogue keeps it in the
`guide` slot.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from naervaer.absence import SchoolLevel
from naervaer.conversations.context import Asker, who_is_asking
from naervaer.guides import GUIDE_KEYS, Guide, Source, canonical_agency, load_guide
from naervaer.guides.schema import Item, Stage
from naervaer.i18n import N_, t
from naervaer.models import ClassGroup, Guardianship, Person, Pupil, School, StaffMembership
from naervaer.replies import Button, Reply

# Question types (the intent names) this module answers.
QUESTIONS = ("ask_when_worry", "ask_level", "ask_agency", "ask_early_signs", "ask_seven_h",
             "ask_conversation_guide", "ask_measures", "ask_expectations")

# The guides keep their tools as one list; which tool answers which question is our reading, kept here.
SEVEN_H_SUFFIX = "_seven_h"
CONVERSATION_TOOLS = frozenset({
    "jevnaker_pupil_voice", "jevnaker_blame_trap",
    "alvoen_mapping_forms", "alvoen_meeting_preparation",
    "tynset_overview_forms",
    "aas_talk_to_child", "aas_school_level1_tools", "aas_kindergarten_tools",
    "trondelag_pupil_conversation", "trondelag_voice_alternatives", "trondelag_parent_checklist",
    "trondelag_school_checklist", "trondelag_stress_mapping", "trondelag_window_of_tolerance",
})
HOME_TOOL_SUFFIX = "_measures_home"
# First-day rules that ask something of the home (or of the adult pupil).
HOME_FIRST_DAY_KINDS = frozenset({"home_reports", "phone_required", "adult_pupil"})

ROLE_NAMES = {
    "contact_teacher": N_("contact teacher"), "subject_teacher": N_("subject teachers"),
    "department_head": N_("department head"), "principal": N_("principal"),
    "school_management": N_("school management"), "resource_team": N_("resource team"),
    "interdisciplinary_team": N_("interdisciplinary team"), "absence_officer": N_("absence officer"),
    "counsellor": N_("counsellor"), "kindergarten_leader": N_("kindergarten leader"), "home": N_("the home"),
    "pupil": N_("the pupil"), "school_health_service": N_("school health service"), "ppt": N_("PPT"),
    "team_around_pupil": N_("the team around the pupil"),
}

NUMBER_WORDS = {"null": 0, "zero": 0, "en": 1, "ein": 1, "ett": 1, "eitt": 1, "one": 1, "first": 1, "første": 1,
                "to": 2, "two": 2, "andre": 2, "second": 2, "tre": 3, "three": 3, "tredje": 3, "third": 3,
                "fire": 4, "four": 4, "fjerde": 4, "fem": 5, "five": 5, "femte": 5, "seks": 6, "six": 6}
MAX_ITEMS = 8  # a chat answer, not the whole guide


@dataclass
class GuideContext:
    """The guide to answer from, and the school levels it is read for (empty: all the guide's levels)."""

    guide: Guide | None
    levels: frozenset[SchoolLevel] = frozenset()
    choices: list[str] = field(default_factory=list)  # guide keys to pick from when `guide` is None
    chosen: bool = False  # picked by the person (remembered in the `guide` slot), not from a school


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    return text.replace("ø", "o").replace("æ", "ae").replace("å", "a")


def guide_label(guide: Guide) -> str:
    """A short name for a button: the owner without its parenthesis ("Tynset kommune")."""
    return guide.owner.split(" (")[0]


# --- which guide --------------------------------------------------------------------------------


def schools_of(session: Session, person: Person) -> dict[str, set[SchoolLevel]]:
    """The guide keys of the person's schools, with the school levels that concern them."""
    found: dict[str, set[SchoolLevel]] = {}

    def add(school: School, levels: Iterable[SchoolLevel]) -> None:
        found.setdefault(school.guide_key, set()).update(levels)

    for school in session.scalars(select(School).join(StaffMembership, StaffMembership.school_id == School.id)
                                  .where(StaffMembership.person_id == person.id)):
        add(school, {c.level for c in school.classes})
    children = select(Guardianship.pupil_id).where(Guardianship.guardian_id == person.id)
    for pupil in session.scalars(select(Pupil).where(Pupil.id.in_(children) | (Pupil.person_id == person.id))):
        group: ClassGroup = pupil.class_group
        add(group.school, {group.level})
    return {key: levels for key, levels in found.items() if key in GUIDE_KEYS}


def guide_for(session: Session, asker: Asker, chosen: str | None) -> GuideContext:
    person = who_is_asking(session, asker)
    schools = schools_of(session, person) if person is not None else {}
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


def ask_which_guide(lang: str, intent: str, choices: list[str], entities: dict[str, str]) -> Reply:
    buttons = []
    for key in choices:
        payload = json.dumps({**entities, "guide": key}, ensure_ascii=False, separators=(",", ":"))
        buttons.append(Button(guide_label(load_guide(key)), f"/{intent}{payload}"))
    return Reply().say(t(lang, "Which municipality's guide do you mean? I answer from the guide your "
                               "school follows."), buttons)


# --- shared pieces ------------------------------------------------------------------------------


def source_note(lang: str, guide: Guide, sources: Iterable[Source]) -> str:
    sections: list[str] = []
    for source in sources:
        if source.section not in sections:
            sections.append(source.section)
    return t(lang, "(Source: {title}, «{sections}»)", title=guide.title, sections="», «".join(sections[:3]))


def _bullets(lines: Iterable[str]) -> str:
    return "\n".join(f"• {line}" for line in lines)


def _items_answer(lang: str, guide: Guide, lead: str, items: list[Item]) -> Reply:
    shown = items[:MAX_ITEMS]
    text = f"{lead}\n{_bullets(i.text.get(lang) for i in shown)}\n{source_note(lang, guide, (i.source for i in shown))}"
    return Reply().say(text)


def _applies(levels_of_rule: Iterable[SchoolLevel] | None, levels: frozenset[SchoolLevel]) -> bool:
    return levels_of_rule is None or not levels or bool(set(levels_of_rule) & levels)


# --- the answers (pure over the guide) ---------------------------------------------------------


def when_worry(guide: Guide, lang: str, levels: frozenset[SchoolLevel] = frozenset()) -> Reply:
    rules = [r for r in [*guide.thresholds, *guide.judgement_signs.patterns] if _applies(r.levels, levels)]
    signs = guide.judgement_signs.signs
    parts = []
    if rules:
        parts.append(t(lang, "{guide} says absence is worrying when:", guide=guide_label(guide)))
        parts.append(_bullets(r.text.get(lang) for r in rules[:MAX_ITEMS]))
    if signs:
        parts.append(t(lang, "Also worrying, by judgement:") if rules else
                     t(lang, "{guide} sets no number; these signs call for a judgement:", guide=guide_label(guide)))
        parts.append(_bullets(s.text.get(lang) for s in signs[:MAX_ITEMS]))
    parts.append(source_note(lang, guide, [r.source for r in rules] + [s.source for s in signs]))
    return Reply().say("\n".join(parts))


def stages(guide: Guide, levels: frozenset[SchoolLevel] = frozenset()) -> list[Stage]:
    return [s for s in guide.followup.stages if _applies(s.levels, levels)]


def stage_number(stage: Stage, index: int) -> str:
    """The number a person uses for a stage: the guide's own level number (nivå 0-3) or its place."""
    match = re.search(r"level_(\d+)$", stage.id)
    return match.group(1) if match else str(index + 1)


def wanted_number(value: str) -> int | None:
    digits = re.search(r"\d+", value)
    if digits:
        return int(digits.group())
    for word in _fold(value).replace("-", " ").split():
        if word in NUMBER_WORDS:
            return NUMBER_WORDS[word]
    return None


def find_stage(guide: Guide, wanted: str, levels: frozenset[SchoolLevel] = frozenset()) -> Stage | None:
    candidates = stages(guide, levels)
    number = wanted_number(wanted)
    if number is not None:
        for i, stage in enumerate(candidates):
            if stage_number(stage, i) == str(number):
                return stage
        return None
    folded = _fold(wanted)
    if folded in ("next", "neste", "neste niva"):
        return next((s for s in candidates if "next" in s.id), None)
    stem = re.sub(r"(s?fasen|s?fase|en|a)$", "", folded)[:7] or folded
    for stage in candidates:
        names = [_fold(stage.id), *(_fold(stage.title.get(x)) for x in ("nb", "nn", "en"))]
        if any(stem in name for name in names):
            return stage
    return None


def _who(lang: str, roles: Iterable[str]) -> str:
    return ", ".join(t(lang, ROLE_NAMES[r]) if r in ROLE_NAMES else r for r in roles)


def level(guide: Guide, lang: str, wanted: str | None, levels: frozenset[SchoolLevel] = frozenset()) -> Reply:
    candidates = stages(guide, levels)
    stage = find_stage(guide, wanted, levels) if wanted else None
    if stage is None:
        buttons = [Button(f"{stage_number(s, i)}. {s.title.get(lang)}", f'/ask_level{{"level":"{stage_number(s, i)}"}}')
                   for i, s in enumerate(candidates)]
        lead = (t(lang, "{guide} has no stage called «{wanted}». Its stages are:", guide=guide_label(guide),
                  wanted=wanted) if wanted else
                t(lang, "The follow-up in {guide} has these stages. Which one do you want to know about?",
                  guide=guide_label(guide)))
        return Reply().say(f"{lead}\n{source_note(lang, guide, [s.source for s in candidates])}", buttons)
    lines = [f"{stage.title.get(lang)}:"]
    lines.append(_bullets(t(lang, "{step} (responsible: {who})", step=step.text.get(lang),
                            who=_who(lang, step.responsible)) for step in stage.steps))
    lines.append(source_note(lang, guide, [stage.source]))
    return Reply().say("\n".join(lines))


def agency(guide: Guide, lang: str, wanted: str | None) -> Reply:
    key = None
    if wanted:
        key = wanted if any(a.key == wanted for a in guide.agencies) else canonical_agency(wanted) or wanted
    found = next((a for a in guide.agencies if a.key == key), None)
    if found is not None:
        text = f"{found.name.get(lang)}: {found.role.get(lang)}\n{source_note(lang, guide, [found.source])}"
        return Reply().say(text)
    buttons = [Button(a.name.get(lang), f'/ask_agency{{"agency":"{a.key}"}}') for a in guide.agencies]
    names = ", ".join(a.name.get(lang) for a in guide.agencies)
    if wanted:
        lead = t(lang, "The guide of {guide} says nothing about «{wanted}». It names: {names}.",
                 guide=guide_label(guide), wanted=wanted, names=names)
    else:
        lead = t(lang, "The guide of {guide} names these services. Which one do you want to know about?",
                 guide=guide_label(guide))
    return Reply().say(lead, buttons)


def early_signs(guide: Guide, lang: str) -> Reply:
    label = guide_label(guide)
    if guide.early_signs:
        return _items_answer(lang, guide, t(lang, "Early signs, according to {guide}:", guide=label), guide.early_signs)
    if guide.risk_factors:
        return _items_answer(lang, guide, t(lang, "{guide} lists no early signs as such, but names these risk "
                                                  "factors:", guide=label), guide.risk_factors)
    return _items_answer(lang, guide, t(lang, "{guide} lists no early signs as such, but names these signs to "
                                              "judge:", guide=label), guide.judgement_signs.signs)


def seven_h(guide: Guide, lang: str) -> Reply:
    tool = next((x for x in guide.tools if x.id.endswith(SEVEN_H_SUFFIX)), None)
    if tool is not None:
        return _items_answer(lang, guide, t(lang, "The seven H's, according to {guide}:", guide=guide_label(guide)),
                             [tool])
    return Reply().say(t(lang, "The guide of {guide} does not use the seven H's. Ask me about measures or "
                               "conversation questions instead.", guide=guide_label(guide)))


def conversation_guide(guide: Guide, lang: str) -> Reply:
    tools = [x for x in guide.tools if x.id in CONVERSATION_TOOLS]
    if not tools:
        return Reply().say(t(lang, "The guide of {guide} has no conversation guide.", guide=guide_label(guide)))
    return _items_answer(lang, guide, t(lang, "For the conversations, {guide} says:", guide=guide_label(guide)),
                         tools)


def measures(guide: Guide, lang: str) -> Reply:
    tools = [x for x in guide.tools if x.id not in CONVERSATION_TOOLS and not x.id.endswith(SEVEN_H_SUFFIX)]
    if not tools:
        return Reply().say(t(lang, "The guide of {guide} names no measures of its own.", guide=guide_label(guide)))
    return _items_answer(lang, guide, t(lang, "Measures and tools in {guide}:", guide=guide_label(guide)), tools)


def expectations(guide: Guide, lang: str) -> Reply:
    rules = [r for r in guide.first_day if r.kind.value in HOME_FIRST_DAY_KINDS]
    home_tools = [x for x in guide.tools if x.id.endswith(HOME_TOOL_SUFFIX)]
    if not rules and not home_tools:
        return Reply().say(t(lang, "The guide of {guide} says nothing particular about the home. Ask the contact "
                                   "teacher what the school expects.", guide=guide_label(guide)))
    lines = [t(lang, "What {guide} expects of the home:", guide=guide_label(guide))]
    lines.append(_bullets([*(r.text.get(lang) for r in rules), *(x.text.get(lang) for x in home_tools)]))
    lines.append(source_note(lang, guide, [*(r.source for r in rules), *(x.source for x in home_tools)]))
    return Reply().say("\n".join(lines))


# --- the entry point for the actions -----------------------------------------------------------

ANSWERS: dict[str, Callable[[Guide, str, GuideContext, dict[str, str]], Reply]] = {
    "ask_when_worry": lambda g, lang, ctx, e: when_worry(g, lang, ctx.levels),
    "ask_level": lambda g, lang, ctx, e: level(g, lang, e.get("level"), ctx.levels),
    "ask_agency": lambda g, lang, ctx, e: agency(g, lang, e.get("agency")),
    "ask_early_signs": lambda g, lang, ctx, e: early_signs(g, lang),
    "ask_seven_h": lambda g, lang, ctx, e: seven_h(g, lang),
    "ask_conversation_guide": lambda g, lang, ctx, e: conversation_guide(g, lang),
    "ask_measures": lambda g, lang, ctx, e: measures(g, lang),
    "ask_expectations": lambda g, lang, ctx, e: expectations(g, lang),
}


def answer(session: Session, asker: Asker, question: str, entities: dict[str, str], chosen_guide: str | None) -> Reply:
    """`question` is one of QUESTIONS; `entities` may hold `level` and `agency`."""
    entities = {k: v for k, v in entities.items() if k in ("level", "agency") and v}
    ctx = guide_for(session, asker, chosen_guide)
    if ctx.guide is None:
        return ask_which_guide(asker.lang, question, ctx.choices, entities)
    reply = ANSWERS[question](ctx.guide, asker.lang, ctx, entities)
    if ctx.chosen:
        reply.slots["guide"] = ctx.guide.key
    return reply

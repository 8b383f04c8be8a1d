"""Greetings, thanks, goodbyes, 'what can you do?', 'are you a bot?', out of scope, the language
choice, and 'I did not understand' (two guesses as buttons, then a person)."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from naervaer import identity
from naervaer.conversations.context import Asker, who_is_asking
from naervaer.conversations.home_menu import LANGUAGE_LABEL, language_buttons, menu_buttons
from naervaer.directory import role_of
from naervaer.i18n import N_, t
from naervaer.languages import LANGUAGES, typed
from naervaer.replies import Button, Reply

TEXTS = {
    "greet": N_("Hi! I'm Nærvær, the school's assistant for absence. What can I help you with?"),
    "goodbye": N_("Goodbye, and have a good day!"),
    "thank": N_("You're welcome!"),
    "help": N_("I can tell you how much absence a pupil has, for the pupils you are responsible for. "
               "Ask for example: \"How much absence does Ida have?\""),
    "bot_challenge": N_("I'm a chatbot, not a person. If you want to talk to someone, "
                        "contact the contact teacher or the school office."),
    "out_of_scope": N_("I can only help with school absence and attendance. For anything else, please contact "
                       "the school."),
    "affirm": N_("Good. What can I help you with?"),
    "deny": N_("All right. Is there anything else I can help you with?"),
}

HELP_BY_ROLE = {
    "parent": N_("I can help you with your child's school attendance:\n"
                 "• report absence on the first day (\"Ida is sick today\"), change or cancel a report\n"
                 "• how much absence your child has\n"
                 "• what the school expects of you at home, and when absence is worrying\n"
                 "• early signs, and what services like the school nurse or PPT do\n"
                 "• who to contact at the school"),
    "staff": N_("I can help you follow up attendance at your school:\n"
                "• what now with a pupil (\"what now with Ida?\"), and which pupils have worrying absence\n"
                "• register a pupil absent, log a contact with the home, schedule a meeting\n"
                "• what your guide says: when absence is worrying, what to do at each level, what the "
                "services do, early signs, the seven H's, conversation questions and measures"),
    "pupil": N_("I can tell you how much absence you have, when absence is worrying, what the school "
                "does to help, and who you can talk to."),
    "unknown": N_("I answer questions about worrying school absence from the municipal guides: when absence "
                  "is worrying, what to do at each level, what the services do, early signs and measures. "
                  "To see a pupil's absence or report absence, ask your school for an invitation code."),
}

# What the fallback buttons call each intent (the two best guesses of the NLU).
INTENT_TITLES = {
    "ask_absence": N_("How much absence?"),
    "report_absence": N_("Report absence"),
    "change_report": N_("Change a report"),
    "cancel_report": N_("Cancel a report"),
    "ask_human": N_("Talk to a person"),
    "ask_pupil_status": N_("What now with a pupil?"),
    "register_absent": N_("Register a pupil absent"),
    "log_contact": N_("Log a contact with the home"),
    "schedule_meeting": N_("Schedule a meeting"),
    "list_flagged": N_("Pupils with worrying absence"),
    "ask_guide": N_("A question about the guide"),
    "help": N_("What can you do?"),
}


def answer(intent: str, lang: str) -> Reply:
    return Reply().say(t(lang, TEXTS.get(intent, TEXTS["help"])))


def help_for(session: Session, asker: Asker) -> Reply:
    return render_help(asker.lang, role_of(session, who_is_asking(session, asker)))


# In a home language a parent has the buttons only: the typed examples and guide questions above would not be read.
HOME_PARENT_HELP = N_("I can help you with your child's school attendance. Choose below: report absence or withdraw "
                      "a report, see how much absence your child has, or talk to a person at the school. I can't "
                      "read typed messages in your language, so please use the buttons.")


def render_help(lang: str, role: str) -> Reply:
    """What Nærvær can do for someone in this role (staff, parent, pupil, unknown) with the languages to choose
    from; in a home language, what the buttons do, with the buttons."""
    if not typed(lang):
        text = HOME_PARENT_HELP if role == "parent" else HELP_BY_ROLE[role]
        return Reply().say(t(lang, text), menu_buttons(lang))
    text = t(lang, HELP_BY_ROLE[role]) + "\n" + t(
        lang, "I answer in Bokmål, Nynorsk, English, Polski, Lietuvių, Українська, العربية, Soomaali, ትግርኛ and اردو:")
    return Reply().say(text, language_buttons())


def choose_language(session: Session, asker: Asker, value: str | None) -> Reply:
    """Switch to the chosen language and remember it with the chat identity, or offer them all when none was
    named."""
    if value not in LANGUAGES:
        return Reply().say(LANGUAGE_LABEL + "\n" + t(asker.lang, "Which language do you want me to answer in?"),
                           language_buttons())
    identity.choose_language(session, asker.sender_id, value)
    reply = Reply().say(t(value, "OK, I will answer in English from now on."))
    reply.slots["language"] = value
    return reply


def not_understood(lang: str, ranking: Sequence[tuple[str, float]] = (), entities: dict[str, str] | None = None) -> Reply:
    """Ask back with the two best guesses of the NLU as buttons (the second time in a row, the action
    offers a person instead: `handoff.contact`)."""
    guesses = [name for name, _ in ranking if name in INTENT_TITLES][:2]
    if not guesses:
        return Reply().say(t(lang, "Sorry, I didn't understand that. You can ask for example: "
                                   "\"How much absence does Ida have?\""))
    # The entities the NLU found go along, so a guess chosen by button need not ask for them again.
    buttons = [Button.for_intent(t(lang, INTENT_TITLES[name]), name, **(entities or {})) for name in guesses]
    buttons.append(Button.for_intent(t(lang, "Something else"), "help"))
    return Reply().say(t(lang, "Sorry, I'm not sure I understood. Did you mean one of these?"), buttons)


def restarted(lang: str) -> Reply:
    """After Rasa's own /restart: the conversation is forgotten, the person is not left in silence."""
    return Reply().say(t(lang, "OK, we start again from the beginning. What can I help you with?"))


def went_back(lang: str) -> Reply:
    """After Rasa's own /back: the last message is forgotten."""
    return Reply().say(t(lang, "OK, I have set aside your last message. What would you like to write instead?"))

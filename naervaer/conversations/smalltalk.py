"""Greetings, thanks, goodbyes, 'what can you do?', 'are you a bot?' and 'I did not understand'."""
from __future__ import annotations

from naervaer.i18n import N_, t
from naervaer.replies import Reply

TEXTS = {
    "greet": N_("Hi! I'm Nærvær, the school's assistant for absence. What can I help you with?"),
    "goodbye": N_("Goodbye, and have a good day!"),
    "thank": N_("You're welcome!"),
    "help": N_("I can tell you how much absence a pupil has, for the pupils you are responsible for. "
             "Ask for example: \"How much absence does Ida have?\""),
    "bot_challenge": N_("I'm a chatbot, not a person. If you want to talk to someone, "
                      "contact the contact teacher or the school office."),
}


def answer(intent: str, lang: str) -> Reply:
    return Reply().say(t(lang, TEXTS.get(intent, TEXTS["help"])))


def not_understood(lang: str) -> Reply:
    return Reply().say(t(lang, "Sorry, I didn't understand that. You can ask for example: "
                               "\"How much absence does Ida have?\""))

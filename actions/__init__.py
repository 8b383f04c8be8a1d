"""Rasa custom actions: thin adapters from the tracker to the core in `naervaer`."""
from actions.absence import ActionAnswerAbsence  # noqa: F401
from actions.smalltalk import ActionDefaultFallback, ActionSmallTalk  # noqa: F401

"""Levels and steps as each guide names them, through the real Rasa and action servers: Jevnaker's level 2
answered as level 2, the status naming the guide's level, Ås's school answer with the four weeks counted."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def ask(stack, sender: str, text: str) -> str:
    return "\n".join(m.text or "" for m in stack.chat.send(sender, text))


def test_jevnaker_teacher_asking_about_level_2_gets_level_2(stack):
    text = ask(stack, "demo-teacher", "hva gjør jeg på nivå 2?")
    assert "Nivå 2" in text and "nytt samarbeidsmøte" in text and "(Kilde: Retningslinjer" in text
    assert "beskriver ikke hva som skjer på hvert nivå" not in text


def test_the_status_names_the_level_of_the_next_step(stack):
    text = ask(stack, "demo-teacher", "hva nå med Ida Hansen?")
    assert "Neste steg (Nivå 0 - oppdage fraværet og snakke med hjemmet)" in text


def test_aas_school_answer_states_the_four_weeks_counted(stack):
    text = ask(stack, "demo-teacher-aas", "hvor mange fraværsdager før skolen blir bekymret?")
    assert "3 til 4 uker" in text and "de siste fire ukene" in text

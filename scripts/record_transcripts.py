"""Record one real transcript per flow into docs/transcripts.md.

Starts the real action server and Rasa server on a fresh demo store (as `make demo` does, on
Monday 23 November 2026), plays the conversations below through the REST channel, and writes
what the terminal chat shows.  Run: .venv/bin/python scripts/record_transcripts.py
"""
from __future__ import annotations

import os
import socket
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["NAERVAER_TODAY"] = "2026-11-23"

from naervaer import demo, services  # noqa: E402
from naervaer.chat_client import RestChannel  # noqa: E402
from naervaer.clock import today  # noqa: E402
from naervaer.db import make_engine, session_scope  # noqa: E402
from naervaer.i18n import t  # noqa: E402
from naervaer.migrate import upgrade  # noqa: E402
from naervaer.settings import Settings  # noqa: E402

CONVERSATIONS = [
    ("First-day report from a parent (Bokmål)", "demo-parent",
     ["Ida er syk i dag", ("press", "Hele dagen"), ("press", "Ja")]),
    ("The same parent withdraws the report the same day", "demo-parent",
     ["trekk tilbake meldingen for Ida", ("press", "Ja, trekk tilbake")]),
    ("First-day report in Nynorsk: comes later tomorrow", "demo-parent",
     ["ida e sjuk i morgon", ("press", "Kjem seinare"), ("press", "Ja")]),
    ("First-day report in English, declined at the confirmation", "demo-parent",
     ["Ida will be away on friday", ("press", "The whole day"), ("press", "Doctor"), ("press", "No")]),
    ("Health details are not taken", "demo-parent", ["hun har angst og vil ikke på skolen"]),
    ("A parent without parental responsibility", "demo-parent-noresp", ["Ida er syk i dag"]),
    ("A parent asks how much absence", "demo-parent", ["Hvor mye fravær har Ida?"]),
    ("A parent writes Polish: the report runs on buttons", "demo-parent",
     ["Dzień dobry, moje dziecko jest dziś chore", ("press", t("pl", "Report absence")),
      ("press", t("pl", "The rest of the week")), ("press", t("pl", "the whole day").capitalize()),
      ("press", t("pl", "sick").capitalize()),
      ("press", t("pl", "Yes, send"))]),
    ("Teacher registers a pupil absent and logs the call", "demo-teacher",
     ["Eirik er ikke her i dag", "jeg ringte mora til Eirik i dag, fikk ikke svar"]),
    ("Teacher asks what now", "demo-teacher", ["hva nå med Ida Hansen?"]),
    ("Teacher books a meeting", "demo-teacher", ["sett opp nærværsmøte for Ida Hansen neste tirsdag kl 10"]),
    ("Principal's overview", "demo-principal", ["hvilke elever har bekymringsfullt fravær nå?"]),
    ("A teacher asks about a flow, then a follow-up (Tynset's guide)", "demo-teacher-tynset",
     ["hvor fort må et fagmøte kalles inn?", "og hva skjer etter fagmøtet?"]),
    ("A question the guide does not answer", "demo-teacher-tynset", ["hva sier veilederen om skoleskyss og busskort?"]),
    ("A parent says the child is ill and asks (Jevnaker's guide)", "demo-parent",
     ["hun har vært syk i fire dager nå, må jeg gjøre noe mer?"]),
    ("Upper secondary, in English: a pupil over 18", "demo-teacher-trondelag",
     ["who do we contact when the pupil is over 18?"]),
    ("A visitor without an account picks a municipality once", "visitor-transcript",
     ["når er fravær bekymringsfullt?", ("press", "Alvøen"), "hvem deltar på nærværsmøtet?"]),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    var = Path(tempfile.mkdtemp(prefix="naervaer-transcripts-"))
    settings = Settings(database_url=f"sqlite:///{var / 'naervaer.db'}", var_dir=var, rasa_port=free_port(),
                        actions_port=free_port(), log_level="WARNING",
                        tracker_store_url=f"sqlite:///{var / 'tracker.db'}", models_dir=ROOT / "models")
    engine = make_engine(settings.database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        demo.seed(session, today())
    model = services.train(settings.models_dir)
    out = ["# Transcripts", "",
           "Recorded from the real Rasa server and action server on the demo store by "
           "`scripts/record_transcripts.py` (Monday 23 November 2026). `>` is the person; buttons are shown "
           "as `[1] title`, and a pressed button as `(pressed: title)`.", ""]
    with services.running_stack(settings, model):
        chat = RestChannel(settings.rasa_url)
        for title, sender, steps in CONVERSATIONS:
            out += [f"## {title}", "", f"As `{sender}`:", "", "```text"]
            last = []
            for step in steps:
                if isinstance(step, tuple):
                    button = next(b for m in last for b in m.buttons if b["title"].startswith(step[1]))
                    out.append(f"> (pressed: {button['title']})")
                    last = chat.send(sender, button["payload"])
                else:
                    out.append(f"> {step}")
                    last = chat.send(sender, step)
                n = 0
                for message in last:
                    if message.text:
                        out += [f"Nærvær: {line}" if i == 0 else f"        {line}"
                                for i, line in enumerate(message.text.splitlines())]
                    if message.image:
                        out.append(f"        [picture: {Path(message.image).name}]")
                    for button in message.buttons:
                        n += 1
                        out.append(f"   [{n}] {button['title']}")
            out += ["```", ""]
        chat.close()
    (ROOT / "docs" / "transcripts.md").write_text("\n".join(out), encoding="utf-8")
    print("wrote docs/transcripts.md")


if __name__ == "__main__":
    main()

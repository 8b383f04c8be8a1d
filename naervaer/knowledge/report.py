"""`make evaluate`: the exam (tests/exam) on the ranker, and through the real servers.

    .venv/bin/python -m naervaer.knowledge.report               # ranker + every exam question through the servers
    .venv/bin/python -m naervaer.knowledge.report --no-servers  # ranker only (seconds)
    .venv/bin/python -m naervaer.knowledge.report --sample 3    # every 3rd question through the servers

Prints top-1 and top-3 per guide and language, the share answered right, every miss with what came
back; writes var/knowledge-eval/latest.json and the figures block of docs/knowledge.md.

Through the servers each question is sent as a person of that guide: staff questions as the guide's
demo contact teacher, parent and pupil questions as the demo parent (Jevnaker) or an anonymous visitor
who picked the municipality by its button. A reply is right when it carries the answer of a unit that
cites the question's lines; an unanswerable question is right when no unit of the asker's guide is
given as the answer.
"""
from __future__ import annotations

import argparse
import json
import re
import tempfile
from dataclasses import asdict
from pathlib import Path

from naervaer.knowledge import exam
from naervaer.knowledge.units import load_knowledge
from naervaer.languages import TYPED_LANGUAGES
from naervaer.settings import PROJECT_ROOT

OUT = PROJECT_ROOT / "var" / "knowledge-eval"
DOC = PROJECT_ROOT / "docs" / "knowledge.md"
START, END = "<!-- knowledge-eval:start -->", "<!-- knowledge-eval:end -->"
TEACHERS = {"jevnaker": "demo-teacher", "alvoen": "demo-teacher-alvoen", "tynset": "demo-teacher-tynset",
            "aas": "demo-teacher-aas", "trondelag": "demo-teacher-trondelag"}
PARENTS = {"jevnaker": "demo-parent"}


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def ranker_table(summary: dict) -> list[str]:
    rows = ["| set | questions | top-1 | top-3 | answered right | unanswerable | declined right |",
            "|---|---|---|---|---|---|---|"]
    for name in sorted(summary, key=lambda n: (n != "all", n)):
        s = summary[name]
        rows.append(f"| {name} | {s['questions']} | {_pct(s['top1'])} | {_pct(s['top3'])} | {_pct(s['answered_right'])} "
                    f"| {s['unanswerable']} | {_pct(s['declined_right'])} |")
    return rows


def ranker_misses(results: list[exam.Result]) -> list[str]:
    out = []
    for r in results:
        q = r.question
        if q.answerable and not r.top1:
            out.append(f"- `{q.id}` ({q.lang}) «{q.q}» wants lines {list(map(list, q.lines))}; got "
                       f"{', '.join(r.returned[:3]) or 'nothing'}{' (top-3 ok)' if r.top3 else ''}")
        elif not q.answerable and not r.declined_right:
            out.append(f"- `{q.id}` ({q.lang}) «{q.q}» is not in the guide; answered with {r.returned[0]}")
    return out


# --- through the servers ------------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(re.sub(r"\s+", " ", text).split()).casefold()


def _through_servers(questions: list[exam.Question]) -> list[dict]:
    from naervaer import demo, services
    from naervaer.chat_client import RestChannel
    from naervaer.clock import today
    from naervaer.db import make_engine, session_scope
    from naervaer.migrate import upgrade
    from naervaer.settings import Settings

    var = Path(tempfile.mkdtemp(prefix="naervaer-exam-"))
    settings = Settings(database_url=f"sqlite:///{var / 'naervaer.db'}", var_dir=var, rasa_port=services.free_port(),
                        actions_port=services.free_port(), log_level="WARNING",
                        tracker_store_url=f"sqlite:///{var / 'tracker.db'}", models_dir=PROJECT_ROOT / "models")
    engine = make_engine(settings.database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        demo.seed(session, today())
    model = services.train(settings.models_dir, show_output=False)
    rows = []
    with services.running_stack(settings, model):
        chat = RestChannel(settings.rasa_url)
        visitors_ready: set[str] = set()
        for q in questions:
            sender = TEACHERS[q.guide] if q.asker == "staff" else PARENTS.get(q.guide)
            if sender is None:
                sender = f"exam-visitor-{q.guide}"
                if sender not in visitors_ready:  # the visitor picks the municipality once, by its button
                    first = chat.send(sender, "hva gjør ppt?")
                    button = next(b for m in first for b in m.buttons if b["payload"].endswith(f'"guide":"{q.guide}"}}'))
                    chat.send(sender, button["payload"])
                    visitors_ready.add(sender)
            reply = chat.send(sender, q.q)
            text = _norm("\n".join(m.text or "" for m in reply))
            units = load_knowledge(q.guide).units
            given = [u.id for u in units if any(_norm(getattr(u.answer, lang)) in text for lang in TYPED_LANGUAGES)]
            if q.answerable:
                right = any(exam.answers_it(u, q) for u in units if u.id in given)
            else:
                right = not given
            rows.append({"id": q.id, "guide": q.guide, "lang": q.lang, "q": q.q, "answerable": q.answerable,
                         "right": right, "given": given, "reply": text[:300]})
        chat.close()
    engine.dispose()
    return rows


def server_table(rows: list[dict]) -> list[str]:
    groups: dict[str, list[dict]] = {}
    for r in rows:
        for name in ("all", f"guide:{r['guide']}", f"lang:{r['lang']}"):
            groups.setdefault(name, []).append(r)
    out = ["| set | answerable | answered right | unanswerable | declined right |", "|---|---|---|---|---|"]
    for name in sorted(groups, key=lambda n: (n != "all", n)):
        ans = [r for r in groups[name] if r["answerable"]]
        una = [r for r in groups[name] if not r["answerable"]]
        share = lambda rs: _pct(sum(r["right"] for r in rs) / len(rs)) if rs else "–"  # noqa: E731
        out.append(f"| {name} | {len(ans)} | {share(ans)} | {len(una)} | {share(una)} |")
    return out


def server_misses(rows: list[dict]) -> list[str]:
    return [f"- `{r['id']}` ({r['lang']}) «{r['q']}»: {', '.join(r['given']) or 'no unit'} — «{r['reply'][:140]}»"
            for r in rows if not r["right"]]


def _write_doc(lines: list[str]) -> None:
    if not DOC.exists():
        return
    text = DOC.read_text(encoding="utf-8")
    if START not in text or END not in text:
        return
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    DOC.write_text(head + START + "\n" + "\n".join(lines) + "\n" + END + tail, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--servers", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--sample", type=int, default=1, help="through the servers: every Nth question")
    parser.add_argument("--doc", action=argparse.BooleanOptionalAction, default=True,
                        help="write the figures into docs/knowledge.md")
    args = parser.parse_args(argv)

    questions = exam.load_exam()
    results = exam.run(questions)
    summary = exam.summary(results)
    doc = ["### The ranker", "", *ranker_table(summary), "", "Misses (top-1 wrong):", "", *ranker_misses(results)]
    print("\n".join(doc))
    data = {"ranker": summary, "ranker_results": [asdict(r) | {"question": asdict(r.question)} for r in results]}
    if args.servers:
        rows = _through_servers(questions[::max(1, args.sample)])
        servers = ["", f"### Through the servers ({len(rows)} questions)", "", *server_table(rows), "",
                   "Misses:", "", *server_misses(rows)]
        print("\n".join(servers))
        doc += servers
        data["servers"] = rows
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "latest.json").write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    if args.doc:
        _write_doc(doc)
    print(f"\nJSON: {OUT / 'latest.json'}")


if __name__ == "__main__":
    main()

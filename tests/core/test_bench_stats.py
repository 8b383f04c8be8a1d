"""The pure parts of the benchmark: percentiles, the load driver against a tiny local HTTP server, the
turn breakdown, process-group memory, the tables and the JSON file. No timing assertions."""
from __future__ import annotations

import asyncio
import json
import os
import socket
import threading

import pytest

from naervaer.bench import breakdown, chat, memory, report, sections, turns
from naervaer.bench.turns import Press, Say, SenderPool, TurnKind


def test_percentile_interpolates_between_ranks():
    assert turns.percentile([3, 1, 2], 50) == 2
    assert turns.percentile([1, 2, 3, 4], 50) == 2.5
    assert turns.percentile(list(range(1, 101)), 95) == pytest.approx(95.05)
    assert turns.percentile([7], 95) == 7
    assert turns.percentile([], 50) != turns.percentile([], 50)  # nan
    assert turns.summarize([10, 20, 30]) == {"n": 3, "median_ms": 20.0, "p95_ms": 29.0}


def test_sender_pool_moves_to_a_fresh_sender_every_few_turns():
    pool = SenderPool("run", per_sender=2)
    assert [pool.sender("p", 0, k) for k in range(5)] == ["p-run-0-0", "p-run-0-0", "p-run-0-1", "p-run-0-1",
                                                            "p-run-0-2"]
    assert pool.all_senders("p", 2, 3) == ["p-run-0-0", "p-run-0-1", "p-run-1-0", "p-run-1-1"]
    assert turns.turns_per_client(32, 128) == 4 and turns.turns_per_client(1, 128) == 128
    assert turns.turns_per_client(64, 128) == 3  # never fewer than the minimum


class FakeRest:
    """A tiny asyncio HTTP/1.1 server playing the REST channel: a form with buttons, and failures."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.active = 0
        self.max_active = 0
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length")), 0)
                body = json.loads(await reader.readexactly(length))
                self.received.append(body)
                self.active += 1
                self.max_active = max(self.max_active, self.active)
                await asyncio.sleep(0.01)
                self.active -= 1
                status, answer = self._answer(body["message"])
                data = json.dumps(answer).encode()
                writer.write(b"HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                             % (status, len(data)) + data)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    @staticmethod
    def _answer(message: str) -> tuple[int, list]:
        if message == "open the form":
            return 200, [{"text": "Whole day?", "buttons": [{"title": "Whole day", "payload": "/whole"},
                                                            {"title": "Part", "payload": "/part"}]}]
        if message == "/whole":
            return 200, [{"text": "Right?", "buttons": [{"title": "No", "payload": "/deny"}]}]
        if message == "boom":
            return 500, []
        if message == "silence":
            return 200, []
        return 200, [{"text": f"you said {message}"}]

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()

    def __enter__(self) -> FakeRest:
        self.thread.start()
        self.ready.wait(5)
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def test_driver_runs_concurrent_conversations_and_counts_turns():
    kind = TurnKind("echo", Say("hello"), expect="you said", sender_prefix="t")
    with FakeRest() as server:
        result = turns.measure(server.url, kind, clients=4, turns_per_client=3, pool=SenderPool("r", per_sender=2))
    assert (result.clients, result.turns, result.errors) == (4, 12, 0)
    assert len(result.latencies_ms) == 12 and result.turns_per_s > 0
    assert server.max_active > 1  # the clients really overlapped
    assert {b["sender"] for b in server.received} == {f"t-r-{c}-{k}" for c in range(4) for k in range(2)}
    row = result.row()
    assert set(row) >= {"clients", "turns", "errors", "seconds", "turns_per_s", "median_ms", "p95_ms"}


def test_driver_steps_before_and_after_are_not_timed_and_buttons_are_pressed_by_title():
    kind = TurnKind("form", Press("Whole"), before=(Say("open the form"),), after=(Press("No"),), expect="Right?")
    seen = []
    with FakeRest() as server:
        result = turns.measure(server.url, kind, clients=1, turns_per_client=2, pool=SenderPool("f"),
                               on_result=lambda sender, r: seen.append((sender, r.ms)))
    assert (result.turns, result.errors) == (2, 0)
    assert [b["message"] for b in server.received] == ["open the form", "/whole", "/deny"] * 2
    assert len(seen) == 2


@pytest.mark.parametrize(("message", "error"), [("boom", "HTTP 500"), ("silence", "empty reply")])
def test_driver_counts_failed_turns_as_errors(message, error):
    with FakeRest() as server:
        result = turns.measure(server.url, TurnKind("bad", Say(message)), clients=2, turns_per_client=2,
                               pool=SenderPool("e"))
    assert (result.turns, result.errors, result.error_kinds) == (0, 4, {error: 4})


def test_driver_counts_a_wrong_reply_and_a_refused_connection_as_errors():
    with FakeRest() as server:
        wrong = turns.measure(server.url, TurnKind("x", Say("hi"), expect="nope"), clients=1, turns_per_client=2,
                              pool=SenderPool("w"))
    assert wrong.errors == 2 and wrong.error_kinds == {"unexpected reply": 2}
    assert "you said hi" in wrong.error_examples["unexpected reply"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    refused = turns.measure(f"http://127.0.0.1:{port}", TurnKind("x", Say("hi")), clients=1, turns_per_client=1,
                            pool=SenderPool("c"), timeout_s=2)
    assert refused.errors == 1 and refused.turns == 0


def test_split_turn_reads_nlu_actions_and_the_rest_from_event_timestamps():
    events = [breakdown.Event("user", 99.0), breakdown.Event("action", 99.5, "action_listen"),  # an earlier turn
              breakdown.Event("user", 100.020), breakdown.Event("slot", 100.021),
              breakdown.Event("action", 100.060, "action_status"), breakdown.Event("bot", 100.061),
              breakdown.Event("action", 100.070, "action_listen")]
    segments = breakdown.split_turn(events, started=100.0, ended=100.080)
    assert segments == pytest.approx({"nlu": 20, "action:action_status": 40, "listen": 10, "rest": 10})
    assert breakdown.split_turn(events, started=200.0, ended=201.0) is None
    nxt = [*events, breakdown.Event("user", 100.081), breakdown.Event("action", 100.2, "action_x")]
    assert breakdown.split_turn(nxt, started=100.0, ended=100.080) == segments  # not the next turn's
    merged = breakdown.median_segments([{"nlu": 10, "listen": 5}, {"nlu": 30, "listen": 7}, {"nlu": 20}])
    assert merged == {"nlu": 20, "listen": 6}
    assert breakdown.describe({"nlu": 10.2, "action:action_x": 3}) == "nlu 10, action_x 3"


def test_peak_memory_sums_the_process_group_from_proc(tmp_path):
    def fake(pid: int, pgrp: int, hwm: int, rss: int) -> None:
        d = tmp_path / str(pid)
        d.mkdir()
        (d / "stat").write_text(f"{pid} (py (thon)) S 1 {pgrp} {pgrp} 0 -1\n")
        (d / "status").write_text(f"Name:\tpython\nVmHWM:\t{hwm} kB\nVmRSS:\t{rss} kB\n")

    fake(100, 100, 2048, 1024)
    fake(101, 100, 1024, 512)
    fake(200, 200, 9999, 9999)
    (tmp_path / "self").mkdir()
    assert memory.process_group(100, tmp_path) == [100, 101]
    assert memory.peak_memory(100, tmp_path) == {"processes": 2, "peak_mb": 3.0, "rss_mb": 1.5}
    own = memory.peak_memory(os.getpid())  # the real /proc: this process leads no group of its own maybe
    assert own["processes"] >= 1 and own["peak_mb"] > 0


def _rows() -> list[dict]:
    def lat(bot, kind, median, errors=0):
        return {"bot": bot, "measure": "latency", "kind": kind, "clients": 1, "median_ms": median,
                "p95_ms": median * 2, "errors": errors, "turns_per_s": 1.0}

    def thr(bot, kind, n, rate, errors=0):
        return {"bot": bot, "measure": "throughput", "kind": kind, "clients": n, "median_ms": 100.0,
                "p95_ms": 300.0, "errors": errors, "turns_per_s": rate}

    return [lat("naervaer", "count", 90.0), lat("naervaer", "status", 500.0), lat("reference", "custom", 120.0),
            lat("reference", "response", 70.0), thr("naervaer", "count", 32, 40.0), thr("naervaer", "status", 32, 2.0),
            thr("reference", "custom", 32, 15.0), thr("reference", "custom", 16, 14.0)]


def test_targets_and_the_side_by_side_table():
    goals = chat.targets(_rows())
    assert goals["latency_count"]["met"] is True and goals["latency_status"]["met"] is False
    assert goals["throughput32_count"]["met"] is True and goals["throughput32_status"]["met"] is False
    rows = _rows()
    rows[4]["errors"] = 1
    assert chat.targets(rows)["throughput32_count"]["met"] is False
    assert chat.targets([])["throughput32_count"]["met"] is None
    lines = chat.describe_targets(chat.targets(rows))
    assert len(lines) == 5 and any("count turn" in line and "NOT MET" in line for line in lines)
    assert "two Rasa servers" in lines[-1] and lines[-1].endswith("not measured")

    scaled = _rows() + [{**_rows()[4], "bot": chat.SCALED, "turns_per_s": 29.0}]
    assert chat.targets(scaled)["throughput32_count_two_servers"]["met"] is False  # 29 < 2 x 15
    scaled[-1]["turns_per_s"] = 31.0
    assert chat.targets(scaled)["throughput32_count_two_servers"]["met"] is True
    table = report.table(chat.side_by_side(scaled), ["measure", "Nærvær", "reference (rasa init)"])
    assert "two Rasa servers" in table and "31.0 turns/s" in table

    table = report.table(chat.side_by_side(_rows()), ["measure", "Nærvær", "reference (rasa init)"])
    lines = table.splitlines()
    assert lines[0].startswith("measure") and "reference (rasa init)" in lines[0]
    assert any("16 concurrent" in line and "14.0 turns/s" in line and line.count("–") == 1 for line in lines)
    assert any("32 concurrent" in line and "40.0 turns/s" in line and "15.0 turns/s" in line for line in lines)
    assert any("32 concurrent" in line and "2.0 turns/s" in line for line in lines)
    assert any("one custom action" in line and "120 / 240" in line for line in lines)


def test_table_aligns_columns_and_survives_no_rows():
    text = report.table([{"a": 1, "b": "long value"}, {"a": 22}], ["a", "b"])
    assert text.splitlines() == ["a  | b         ", "---|-----------", "1  | long value", "22 |           "]
    assert report.table([], ["a"]) == "a\n-"


def test_json_file_keeps_other_sections(tmp_path):
    out = tmp_path / "bench" / "latest.json"
    report.write_json(out, "rules_engine", [{"pupils": 2000}])
    report.write_json(out, "turns", [{"bot": "naervaer"}], {"targets": {"x": {"met": True}}})
    report.write_json(out, "turns", [{"bot": "reference"}])
    data = json.loads(out.read_text())
    assert set(data) == {"rules_engine", "turns"}
    assert data["rules_engine"]["rows"] == [{"pupils": 2000}]
    assert data["turns"]["rows"] == [{"bot": "reference"}] and "targets" not in data["turns"]
    assert {"measured_at", "machine"} <= set(data["turns"])


def test_only_chooses_sections_in_a_fixed_order():
    assert sections.parse_only("nlu, turns") == ["turns", "nlu"]
    with pytest.raises(ValueError, match="unknown section"):
        sections.parse_only("turns,speed")
    with pytest.raises(ValueError):
        sections.parse_only("")

"""Where the time of a turn goes, from the event timestamps Rasa stores in the tracker.

Rasa stamps each event when it creates it: the user event right after NLU has parsed the message, each
`action` event right after that action ran (so the gap before it is one policy prediction plus running
the action, which for a custom action is the HTTP call to the action server), and the final
`action_listen` after the last prediction. With the client's send and receive times this splits a turn
into: receiving + NLU, one segment per action, and the rest (saving the tracker, answering).
"""
from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from naervaer.bench.turns import percentile


@dataclass(frozen=True)
class Event:
    type: str
    timestamp: float
    name: str | None = None  # the action's name for action events


def events_from_sqlite(tracker_db: Path, sender: str) -> list[Event]:
    """Events of one conversation from Rasa's SQL tracker store (table `events`)."""
    with sqlite3.connect(f"file:{tracker_db}?mode=ro", uri=True, timeout=10) as conn:
        rows = conn.execute("SELECT type_name, timestamp, action_name FROM events WHERE sender_id = ? ORDER BY id",
                            (sender,)).fetchall()
    return [Event(t, float(ts), a) for t, ts, a in rows]


def events_from_api(base_url: str, sender: str) -> list[Event]:
    """Events of one conversation from a Rasa server started with --enable-api."""
    response = httpx.get(f"{base_url.rstrip('/')}/conversations/{sender}/tracker", params={"include_events": "ALL"},
                         timeout=30)
    response.raise_for_status()
    return [Event(e["event"], float(e["timestamp"]), e.get("name")) for e in response.json().get("events", [])]


def split_turn(events: Sequence[Event], started: float, ended: float) -> dict | None:
    """One turn's segments in ms: `nlu` (send to user event), one `action:<name>` per action, and
    `listen` (the prediction that ends the turn), `rest` (to the reply). None if the turn is not found."""
    # The first user event between sending and the reply (the next turn's may follow within milliseconds).
    users = [i for i, e in enumerate(events) if e.type == "user" and started - 0.005 <= e.timestamp <= ended]
    if not users:
        return None
    i = users[0]
    segments = {"nlu": (events[i].timestamp - started) * 1000}
    previous = events[i].timestamp
    for e in events[i + 1:]:
        if e.type != "action":
            continue
        gap = (e.timestamp - previous) * 1000
        previous = e.timestamp
        if e.name == "action_listen":
            segments["listen"] = gap
            break
        key = f"action:{e.name}"
        segments[key] = segments.get(key, 0.0) + gap
    segments["rest"] = (ended - previous) * 1000
    return segments


def median_segments(turns: Sequence[dict]) -> dict[str, float]:
    """The median of each segment over several turns (segments missing in a turn count as absent)."""
    keys: list[str] = []
    for t in turns:
        keys += [k for k in t if k not in keys]
    return {k: round(percentile([t[k] for t in turns if k in t], 50), 1) for k in keys}


def describe(segments: dict[str, float]) -> str:
    return ", ".join(f"{k.removeprefix('action:')} {v:.0f}" for k, v in segments.items())

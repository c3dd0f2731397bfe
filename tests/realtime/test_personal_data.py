"""Personal data after a realistic run on a real server: visitors registered (resident IDs,
foreign cards, passports, permits), some checked out, one revealed, some purged by the real
`gatewatch purge`, projections rebuilt. Then every Redis key and value (all types), the server's
log, every API answer and every live payload (real Socket.IO clients, live and resumed) are
scanned: no plaintext ID number anywhere; no name, phone, plate, organization or host of a
purged visitor anywhere — the stream included (crypto-shredding)."""
import json
import subprocess
import sys
import time
import uuid

import pytest
import requests

from server import events as ev
from helpers import Listener, device_tokens
from support import ROOT
from unit_ids import ID, ID2, with_check

USERS = {"gate1": "guard", "op1": "operator", "disp1": "display", "cmd1": "commander", "adm1": "admin"}
FOREIGN = with_check("93310619850412001")  # the 2023 foreign permanent resident card
# Each visitor's identifying strings are unusual enough not to occur by chance in base64 blobs.
VISITORS = {
    "zhang": {"name": "欧阳修远", "id_type": "resident_id", "id_number": ID, "phone": "13912345678",
              "organization": "星河测绘研究所", "host": "司马光明", "plate": "京A9K3P7", "purpose": "会谈 欧阳修远"},
    "li": {"name": "李清照", "id_type": "resident_id", "id_number": ID2, "phone": "15887654321",
           "organization": "漱玉词社", "host": "赵明诚", "plate": "沪B7Q2M5", "purpose": "参会"},
    "ana": {"name": "Anastasia Kowalczyk", "id_type": "passport", "id_number": "EJ7093518",
            "phone": "+48 601 555 019", "organization": "Wroclaw Geodesy Bureau", "host": "Marek Zielinski",
            "purpose": "delegation"},
    "omar": {"name": "Omar Haddadine", "id_type": "foreign_permanent_resident", "id_number": FOREIGN,
             "phone": "13611112222", "organization": "Levant Trade Office", "host": "Yusuf Qasimov",
             "plate": "粤C5T8N2", "purpose": "meeting"},
    "ho": {"name": "何家俊", "id_type": "hk_macau_permit", "id_number": "H83920175", "phone": "+852 6123 4477",
           "organization": "港岛建筑师行", "host": "梁思成", "purpose": "参观"},
}
GONE = ("zhang", "ana")  # checked out first, then purged
LEFT = ("omar",)  # checked out after the purge horizon: kept
HIDDEN = {"zhang": ["修远"], "li": ["清照"], "ana": ["Anastasia", "Kowalczyk"], "omar": ["Omar", "Haddadine"],
          "ho": ["家俊"]}  # the part of each name the masked form (欧阳*, 李*, A*…) does not show


def personal_strings(who):
    """Return what identifies a visitor beyond the masked name."""
    body = VISITORS[who]
    found = [body[k] for k in ("phone", "organization", "host", "plate") if body.get(k)] + HIDDEN[who]
    return found + [body["phone"].replace(" ", "")]


def id_strings(who):
    """Return the full ID number and the part its masked form hides (with a neighbour it shows,
    for short documents: four hidden characters alone, such as 8392, occur by chance in stream
    ids, times and ciphertext)."""
    number = VISITORS[who]["id_number"]
    if len(number) == 18:
        return [number, number[6:14]]
    return [number, number[:5], number[1:]]


def redis_dump(client):
    """Return every key with its value, whatever its type, as text."""
    readers = {"string": client.get, "hash": client.hgetall, "set": client.smembers,
               "zset": lambda k: client.zrange(k, 0, -1, withscores=True), "list": lambda k: client.lrange(k, 0, -1),
               "stream": lambda k: client.xrange(k)}
    out = {}
    for key in client.scan_iter(count=1000):
        kind = client.type(key)
        out[key] = repr(readers[kind](key)) if kind in readers else pytest.fail(f"{key}: type {kind}")
    return out


def cli(server, *argv):
    """Run the real `gatewatch` command against the server's Redis; return its output."""
    done = subprocess.run([sys.executable, "-m", "server.cli", *argv], cwd=ROOT, env=server.env(),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


class Api:
    """Every answer the test receives, kept for the scan."""

    def __init__(self, server, tokens):
        self.server, self.tokens, self.answers = server, tokens, []

    def get(self, who, path):
        """GET as a user; keep and return the JSON answer."""
        answer = requests.get(self.server.url + path, timeout=10,
                              headers={"Authorization": f"Bearer {self.tokens[who]}"})
        assert answer.status_code == 200, (path, answer.text)
        self.answers.append((who, path, answer.text))
        return answer.json()

    def post(self, who, path, body, key=None, status=None):
        """POST as a user; keep and return the answer."""
        answer = self.server.post(path, self.tokens[who], body, key=key)
        assert status is None or answer.status_code == status, (path, answer.text)
        self.answers.append((who, path, answer.text))
        return answer


@pytest.fixture(scope="module")
def run(live_server):
    """Play the realistic run once; return what every check needs."""
    tokens = device_tokens(live_server, USERS)
    api = Api(live_server, tokens)
    since = live_server.ctx.store.last_id()
    live = {who: Listener(live_server.url, tokens[who], since=since).connect() for who in ("op1", "disp1", "cmd1")}
    keys, ids, answers = {}, {}, {}
    try:
        for who, body in VISITORS.items():
            keys[who] = uuid.uuid4().hex
            answer = api.post("gate1", "/api/v1/visitors", dict(body, entrance_id="E1"), key=keys[who], status=201)
            ids[who], answers[who] = answer.json()["visitor"]["visitor_id"], answer.text
        for who in GONE:
            api.post("gate1", f"/api/v1/visitors/{ids[who]}/checkout", {"entrance_id": "E2"}, status=200)
        time.sleep(0.05)
        horizon = ev.iso(ev.utc_now())  # the server runs on this machine's clock
        time.sleep(0.05)
        for who in LEFT:
            api.post("gate1", f"/api/v1/visitors/{ids[who]}/checkout", {"entrance_id": "E3"}, status=200)
        revealed = api.post("cmd1", f"/api/v1/visitors/{ids['li']}/reveal", {}, status=200)
        assert revealed.json()["id_number"] == ID2
        api.answers.pop()  # the one answer that carries a full ID number, by design
        assert live["op1"].wait_for(lambda s: len(s.events) >= len(VISITORS) + len(GONE) + len(LEFT))
        time.sleep(0.5)
    finally:
        for listener in live.values():
            listener.close()
    before_purge = len(api.answers)
    purged = cli(live_server, "purge", "--before", horizon)
    assert "2 visitor" in purged, purged
    rebuilt = cli(live_server, "rebuild") + cli(live_server, "rebuild", "--check")
    resumed = {}
    for who in ("op1", "disp1", "cmd1", "gate1"):
        resumed[who] = Listener(live_server.url, tokens[who], since=since).connect()
    try:
        for who, listener in resumed.items():
            assert listener.wait_for(lambda s: sum(e["type"].startswith("visitor.registered") for e in s.events)
                                     == len(VISITORS)), who
        time.sleep(0.5)
    finally:
        for listener in resumed.values():
            listener.close()
    for who in ("op1", "disp1", "cmd1", "adm1", "gate1"):
        api.get(who, "/api/v1/visitors")
        api.get(who, "/api/v1/visitors?on_site=true")
        if who != "gate1":
            api.get(who, "/api/v1/state")
        for vid in ids.values():
            api.get(who, f"/api/v1/visitors/{vid}")
    for who in ("op1", "cmd1", "adm1"):  # the timeline is for operators and up
        api.get(who, "/api/v1/events?order=asc&limit=1000")
        api.get(who, "/api/v1/events?type=visitor.registered&limit=1000")
        api.get(who, "/api/v1/events?location=E1&limit=1000")
    replays = {who: api.post("gate1", "/api/v1/visitors", dict(VISITORS[who], entrance_id="E1"), key=keys[who])
               for who in VISITORS}
    return {"ids": ids, "answers": answers, "api": api, "after_purge": api.answers[before_purge:], "live": live, "resumed": resumed, "replays": replays,
            "cli": purged + rebuilt, "redis": redis_dump(live_server.redis.client()),
            "log": "\n".join(p.read_text(encoding="utf-8", errors="replace")
                             for p in live_server.data_dir.glob("*.log"))}


def test_no_plaintext_id_number_anywhere(run):
    places = {"redis": json.dumps(run["redis"], ensure_ascii=False), "log": run["log"], "cli": run["cli"],
              "api": json.dumps(run["api"].answers, ensure_ascii=False),
              "live": json.dumps({w: s.events for w, s in run["live"].items()}, ensure_ascii=False),
              "resumed": json.dumps({w: s.events for w, s in run["resumed"].items()}, ensure_ascii=False)}
    for who in VISITORS:
        for text in id_strings(who):
            for place, blob in places.items():
                assert text not in blob, f"{who}'s ID number ({text}) in {place}"


def test_nothing_of_a_purged_visitor_remains_anywhere(run):
    places = {"redis": json.dumps(run["redis"], ensure_ascii=False), "log": run["log"], "cli": run["cli"],
              "api after purge": json.dumps(run["after_purge"], ensure_ascii=False),
              "resumed": json.dumps({w: s.events for w, s in run["resumed"].items()}, ensure_ascii=False)}
    for who in GONE:
        for text in personal_strings(who):
            for place, blob in places.items():
                assert text not in blob, f"{who}'s {text!r} in {place}"


def test_the_stream_holds_no_personal_field_in_the_clear_not_even_of_kept_visitors(run):
    stream = next(v for k, v in run["redis"].items() if k.endswith(":stream"))
    idem = "".join(v for k, v in run["redis"].items() if ":idem:" in k)
    for who in VISITORS:
        for text in personal_strings(who):
            assert text not in stream, f"{who}'s {text!r} in the stream"
            assert text not in idem, f"{who}'s {text!r} in an idempotency record"
    assert "欧阳*" in stream and "A*" in stream  # the anonymous, masked name stays


def test_kept_visitors_still_read_in_full_and_purged_ones_read_as_purged(run):
    op_events = {e["id"]: e for e in run["resumed"]["op1"].events}
    registered = {e["data"]["visitor_id"]: e["data"] for e in op_events.values()
                  if e["type"] == "visitor.registered"}
    ids = run["ids"]
    for who in VISITORS:
        data = registered[ids[who]]
        if who in GONE:
            assert data["purged"] is True and data["phone"] == "" and data["host"] == "" and "sealed" not in data
        else:
            assert data["name"] == VISITORS[who]["name"] and data["phone"] == VISITORS[who]["phone"] \
                and data["host"] == VISITORS[who]["host"] and not data.get("purged")
    assert registered[ids["zhang"]]["name"] == "欧阳*" and registered[ids["ana"]]["name"] == "A*"
    shown = {e["data"]["visitor_id"]: e["data"] for e in run["resumed"]["disp1"].events
             if e["type"] == "visitor.registered"}
    assert shown[ids["li"]]["name"] == "李*" and "phone" not in shown[ids["li"]]


def test_purge_keeps_every_count_and_the_timeline_whole(run):
    answers = [json.loads(text) for who, path, text in run["api"].answers if who == "op1" and path == "/api/v1/visitors"]
    rows = {row["visitor_id"]: row for row in answers[-1]["visitors"]}
    assert len(rows) == len(VISITORS)
    assert sum(row["on_site"] for row in rows.values()) == len(VISITORS) - len(GONE) - len(LEFT)
    assert {vid for vid, row in rows.items() if row.get("purged")} == {run["ids"][w] for w in GONE}
    for who in GONE:
        row = rows[run["ids"][who]]
        assert row["organization"] == row["host"] == row["plate"] == row["purpose"] == "" and row["phone"] is None
        assert row["id_masked"] and row["checked_out_at"]
    types = [e["type"] for e in run["resumed"]["cmd1"].events]
    assert types.count("visitor.registered") == 5 and types.count("visitor.checked_out") == 3
    assert types.count("visitor.purged") == 1
    assert "projections differing before rebuild: none" in run["cli"].split("projections and timeline")[-1]


def test_a_replayed_registration_answers_as_before_or_410_once_purged(run):
    for who, answer in run["replays"].items():
        if who in GONE:
            assert answer.status_code == 410, answer.text
        else:
            assert answer.status_code == 201 and answer.headers["Idempotent-Replayed"] == "true"
            assert answer.json() == json.loads(run["answers"][who])

"""The audit chain: one entry per privileged action, in the fact's own commit; tampering, deleting
or reordering an entry is named by `gatewatch audit verify`; purges keep it; only commanders and
admins read it."""
import datetime as dt
import json

import pytest

from server import events as ev
from server.audit import chain
from server.audit import service as audit
from server.store import auditlog
from unit_ids import ID

pytestmark = pytest.mark.usefixtures("quick_hashes")
VISITOR = {"name": "张三丰", "id_type": "resident_id", "id_number": ID, "phone": "13800138000",
           "purpose": "会议", "entrance_id": "E1", "plate": "京A12345"}
CSV = "name,id_type,id_number,organization,host,date,plate\n李四,passport,E12345678,,,2020-01-02,\n"


def entries(ctx):
    """Return the chain's entries oldest first, as dicts."""
    return [json.loads(text) for _, text, _ in auditlog.scan(ctx.store)]


def actions_since(ctx, count):
    """Return the actions of the entries after the first `count`."""
    return [e["action"] for e in entries(ctx)[count:]]


@pytest.fixture
def chief(login_as):
    return login_as("chief", "commander")


@pytest.fixture
def admin(login_as):
    return login_as("root1", "admin")


def test_each_privileged_action_appends_exactly_one_entry(ctx, chief, admin, login_as, runner, tmp_path):
    guard, op = login_as("gate1", "guard"), login_as("desk1", "operator")
    visitor = guard.post("/api/v1/visitors", json=VISITOR).get_json()["visitor"]["visitor_id"]
    steps = [
        ("id.reveal", lambda: chief.post(f"/api/v1/visitors/{visitor}/reveal")),
        ("user.create", lambda: admin.post("/api/v1/users", json={"username": "newbie", "role": "guard",
                                                                 "password": "correct-horse-9"})),
        ("user.disable", lambda: admin.post("/api/v1/users/newbie/disable")),
        ("user.enable", lambda: admin.post("/api/v1/users/newbie/enable")),
        ("user.password_reset", lambda: admin.post("/api/v1/users/newbie/password",
                                                   json={"password": "brand-new-password"})),
        ("token.issue", lambda: runner("users", "token", "newbie", "--name", "phone")),
        ("watchlist.add", lambda: chief.post("/api/v1/watchlist", json={"action": "alert", "plate": "沪B99999",
                                                                        "reason": "stolen"})),
        ("phase.override", lambda: chief.post("/api/v1/phase", json={"phase": "in_session",
                                                                     "override_reason": "drill"})),
        ("phase.change", lambda: chief.post("/api/v1/phase", json={"phase": "post_event"})),
        ("purge.expected", lambda: purge_expected_day(ctx, op)),
        ("purge.visitors", lambda: purge_visitors(guard, visitor, runner)),
        ("archive.export", lambda: runner("export", "--out", str(tmp_path / "a.jsonl"))),
    ]
    for action, step in steps:
        before = len(entries(ctx))
        done = step()
        status = getattr(done, "status_code", None) or (done[0] == 0 and 200)
        assert status in (200, 201, 204), (action, done)
        assert actions_since(ctx, before) == [action], action
    removed = chief.post("/api/v1/watchlist", json={"action": "deny", "plate": "沪C1", "reason": "x"})
    entry_id = removed.get_json()["entry"]["entry_id"]
    before = len(entries(ctx))
    chief.client.delete(f"/api/v1/watchlist/{entry_id}", json={}, headers={"X-CSRF-Token": chief.csrf})
    assert actions_since(ctx, before) == ["watchlist.remove"]
    assert audit.verify(ctx) == (len(entries(ctx)), None)


def purge_expected_day(ctx, op):
    """Import a list for a long-gone day (not privileged), then let retention erase it (privileged)."""
    answer = op.post("/api/v1/visitors/expected/import", data=CSV.encode(), content_type="text/csv")
    assert answer.status_code == 201, answer.get_json()
    from server.expected.purge import purge_expected
    assert purge_expected(ctx, actor=ev.SYSTEM_ACTOR, before=ev.utc_now()) == 1
    return (0,)


def purge_visitors(guard, visitor, runner):
    """Check the visitor out (not privileged), then purge those who left (privileged)."""
    assert guard.post(f"/api/v1/visitors/{visitor}/checkout", json={"entrance_id": "E2"}).status_code == 200
    return runner("purge", "--before", ev.iso(ev.utc_now() + dt.timedelta(minutes=1)))


def test_an_idempotent_replay_adds_no_second_entry(ctx, chief, login_as):
    guard = login_as("gate1", "guard")
    visitor = guard.post("/api/v1/visitors", json=VISITOR).get_json()["visitor"]["visitor_id"]
    before = len(entries(ctx))
    assert chief.post(f"/api/v1/visitors/{visitor}/reveal", key="reveal-1").status_code == 200
    assert chief.post(f"/api/v1/visitors/{visitor}/reveal", key="reveal-1").status_code == 200
    assert actions_since(ctx, before) == ["id.reveal"]
    # the entry names the fact it audits, and never the number
    last = entries(ctx)[-1]
    assert last["event"] and last["subject"] == visitor and ID not in json.dumps(last)


def chained(ctx, runner, n=5):
    """Append n entries through record_action; return the stored entries [(id, text, hash)]."""
    for i in range(n):
        audit.record_action(ctx, actor={"username": "cli", "role": "admin"}, action="archive.export",
                            subject=f"file-{i}.jsonl")
    assert runner("audit", "verify")[0] == 0
    return list(auditlog.scan(ctx.store))


def rewrite(ctx, items):
    """Replace the whole log with these entries (what someone with Redis access could do)."""
    key = auditlog.log_key(ctx.store)
    ctx.store.redis.delete(key)
    for sid, text, digest in items:
        ctx.store.redis.xadd(key, {"b": text, "h": digest}, id=sid)


def test_a_changed_entry_is_named(ctx, runner):
    items = chained(ctx, runner)
    sid, text, digest = items[2]
    items[2] = (sid, text.replace("file-2", "file-X"), digest)
    rewrite(ctx, items)
    status, out, _ = runner("audit", "verify")
    assert status == 1 and "first broken link is entry #3" in out and "tampered" in out and sid in out


def test_a_changed_entry_with_its_hash_recomputed_breaks_the_next_link(ctx, runner):
    items = chained(ctx, runner)
    sid, text, _ = items[1]
    forged = text.replace("file-1", "file-X")
    items[1] = (sid, forged, chain.digest(forged))
    rewrite(ctx, items)
    status, out, _ = runner("audit", "verify")
    assert status == 1 and "first broken link is entry #3" in out and "does not follow entry #2" in out


def test_a_deleted_entry_is_named(ctx, runner):
    items = chained(ctx, runner)
    ctx.store.redis.xdel(auditlog.log_key(ctx.store), items[1][0])
    status, out, _ = runner("audit", "verify")
    assert status == 1 and "first broken link is entry #2" in out and "deleted" in out


def test_the_last_entry_deleted_is_caught_by_the_head(ctx, runner):
    items = chained(ctx, runner)
    ctx.store.redis.xdel(auditlog.log_key(ctx.store), items[-1][0])
    status, out, _ = runner("audit", "verify")
    assert status == 1 and f"entry #{len(items)}" in out and "head names" in out


def test_reordered_entries_are_named(ctx, runner):
    items = chained(ctx, runner)
    (a, ta, ha), (b, tb, hb) = items[2], items[3]
    items[2], items[3] = (a, tb, hb), (b, ta, ha)  # same ids, contents swapped
    rewrite(ctx, items)
    status, out, _ = runner("audit", "verify")
    assert status == 1 and "first broken link is entry #3" in out and "found entry #4" in out


def test_two_writers_never_fork_the_chain(ctx, redis_server, tmp_path):
    from server.app import build_context
    from support import settings_for
    other = build_context(settings_for(redis_server.url, tmp_path))
    for i in range(20):  # interleaved writers: each append reads the head inside its own script
        audit.record_action(ctx if i % 2 else other, actor={"username": "a", "role": "admin"},
                            action="report.download", subject=str(i))
    seqs = [e["seq"] for e in entries(ctx)]
    assert seqs == list(range(1, 21))
    assert audit.verify(ctx) == (20, None)


def test_entries_survive_a_purge(ctx, login_as, runner):
    guard = login_as("gate1", "guard")
    chief = login_as("chief", "commander")
    visitor = guard.post("/api/v1/visitors", json=VISITOR).get_json()["visitor"]["visitor_id"]
    assert chief.post(f"/api/v1/visitors/{visitor}/reveal").status_code == 200
    guard.post(f"/api/v1/visitors/{visitor}/checkout", json={"entrance_id": "E2"})
    kept = entries(ctx)
    status, _, err = runner("purge", "--before", ev.iso(ev.utc_now() + dt.timedelta(minutes=1)))
    assert status == 0, err
    after = entries(ctx)
    assert after[:len(kept)] == kept and after[-1]["action"] == "purge.visitors"
    assert "id.reveal" in [e["action"] for e in after]
    assert runner("audit", "verify")[0] == 0


@pytest.mark.parametrize("role", ["guard", "operator", "display"])
def test_guards_operators_and_displays_may_not_read_the_log(login_as, role):
    who = login_as(f"who-{role}", role)
    assert who.client.get("/api/v1/audit").status_code == 403
    assert who.client.get("/command/audit").status_code in (403, 302)


@pytest.mark.parametrize("role", ["commander", "admin"])
def test_commanders_and_admins_read_the_log_newest_first_with_the_head(ctx, login_as, role):
    who = login_as(f"who-{role}", role)
    for i in range(3):
        audit.record_action(ctx, actor={"username": "cli", "role": "admin"}, action="archive.export", subject=str(i))
    answer = who.client.get("/api/v1/audit?limit=2")
    assert answer.status_code == 200
    body = answer.get_json()
    assert [e["subject"] for e in body["entries"]] == ["2", "1"] and body["next"]
    assert body["head"] == audit.chain_head(ctx) and body["entries"][0]["hash"] == body["head"]["hash"]
    older = who.client.get(f"/api/v1/audit?before={body['next']}").get_json()
    assert [e["subject"] for e in older["entries"]][:1] == ["0"]
    page = who.client.get("/command/audit")
    assert page.status_code == 200 and body["head"]["hash"].encode() in page.data
    assert who.client.get("/api/v1/audit?before=nonsense").status_code == 400

"""The watcher timers' scans (server/scan.py): read whole once, then followed along the stream.

What a timer finds must be what a whole read finds, after any events; and a tick after a few
events must not read tens of thousands of entries again.
"""
import pytest

from server import events as ev
from server import ledger, scan
from server.alerts.closing import close, is_open

pytestmark = pytest.mark.usefixtures("quick_hashes")


def raise_alert(ctx, alert_id, severity=2):
    """Record an open alert."""
    ledger.record(ctx, [ev.draft("alert.raised", actor=ev.SYSTEM_ACTOR, data={
        "alert_id": alert_id, "kind": "sop_skipped", "severity": severity})], idem=None)


def fresh(ctx):
    """Return what a whole read finds now (nothing followed)."""
    saved, ctx.scans = ctx.scans, {}
    try:
        return scan.matching(ctx, "alerts", is_open)
    finally:
        ctx.scans = saved


def test_a_followed_scan_finds_what_a_whole_read_finds(ctx, login_as):
    op = login_as("op1", "operator")
    for n in range(6):
        raise_alert(ctx, f"a{n}")
    assert set(scan.matching(ctx, "alerts", is_open)) == {f"a{n}" for n in range(6)}
    close(ctx, ctx.store.projection("alerts")["a1"], "checked_in")
    assert op.post("/api/v1/alerts/a2/acknowledge", json={}).status_code == 200
    raise_alert(ctx, "a6", severity=1)
    followed = scan.matching(ctx, "alerts", is_open)
    assert followed == fresh(ctx)
    assert set(followed) == {"a0", "a3", "a4", "a5", "a6"} and followed["a6"]["severity"] == 1


def test_a_tick_after_a_few_events_reads_only_what_they_touched(ctx, monkeypatch):
    for n in range(12):
        raise_alert(ctx, f"a{n}")
    scan.matching(ctx, "alerts", is_open)
    a3 = ctx.store.projection("alerts")["a3"]
    reads = []
    original = ctx.store.projection_text
    monkeypatch.setattr(ctx.store, "projection_text", lambda name, fields=None: (
        reads.append(fields), original(name, fields))[1])
    close(ctx, a3, "checked_in")
    assert "a3" not in scan.matching(ctx, "alerts", is_open)
    assert reads == [["a3"]]  # not the twelve alerts again
    assert scan.matching(ctx, "alerts", is_open) == fresh(ctx) and reads == [["a3"], None]


def test_a_followed_scan_is_read_whole_again_after_a_while(ctx, monkeypatch):
    raise_alert(ctx, "a0")
    scan.matching(ctx, "alerts", is_open)
    # Written behind the stream's back (as a `gatewatch rebuild` of a running store could):
    # only a whole read sees it, and one comes at the latest after RESCAN_S.
    ctx.store.redis.hdel(ctx.store.keys.projection("alerts"), "a0")
    assert "a0" in scan.matching(ctx, "alerts", is_open)
    monkeypatch.setattr(scan, "RESCAN_S", -1)
    assert scan.matching(ctx, "alerts", is_open) == {}


def test_many_events_since_the_last_scan_read_the_projection_whole(ctx, monkeypatch):
    raise_alert(ctx, "a0")
    scan.matching(ctx, "alerts", is_open)
    monkeypatch.setattr(scan, "FOLLOW_MAX", 2)
    wholes = []
    original = ctx.store.projection_text
    monkeypatch.setattr(ctx.store, "projection_text", lambda name, fields=None: (
        wholes.append(fields is None), original(name, fields))[1])
    for n in range(1, 4):
        raise_alert(ctx, f"a{n}")
    assert set(scan.matching(ctx, "alerts", is_open)) == {"a0", "a1", "a2", "a3"} and wholes == [True]

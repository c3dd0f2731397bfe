"""Overstay: a visitor on site past expected_until raises one alert, from the watcher's timers."""
import datetime as dt
import time

import pytest

from server import events as ev
from server.watch import run_timers
from unit_ids import ID, ID2

pytestmark = pytest.mark.usefixtures("quick_hashes")
URL = "/api/v1/visitors"
BODY = {"name": "张三丰", "id_type": "resident_id", "id_number": ID, "purpose": "会议", "entrance_id": "E1"}


def overstays(ctx):
    return [a for a in ctx.store.projection("alerts").values() if a["kind"] == "visitor_overstay"]


def test_a_visitor_past_expected_until_is_alerted_once(login_as, ctx):
    guard = login_as("gate1", "guard")
    soon = ev.utc_now() + dt.timedelta(seconds=1.5)
    late = guard.post(URL, json={**BODY, "expected_until": ev.iso(soon)}).get_json()["visitor"]
    left = guard.post(URL, json={**BODY, "id_number": ID2, "expected_until": ev.iso(soon)}).get_json()["visitor"]
    guard.post(f"{URL}/{left['visitor_id']}/checkout", json={"entrance_id": "E1"})
    guard.post(URL, json={**BODY, "expected_until": ev.iso(soon + dt.timedelta(hours=2))})
    run_timers(ctx, ev.utc_now())
    assert overstays(ctx) == []  # not yet due
    deadline = time.monotonic() + 10
    while not overstays(ctx) and time.monotonic() < deadline:
        time.sleep(0.2)
        run_timers(ctx, ev.utc_now())
    alerts = overstays(ctx)
    assert len(alerts) == 1, alerts
    assert alerts[0]["visitor_id"] == late["visitor_id"] and alerts[0]["alert_id"] == f"overstay-{late['visitor_id']}"
    assert alerts[0]["entrance_id"] == "E1" and "name" not in alerts[0]  # displays see alerts
    for _ in range(3):
        run_timers(ctx, ev.utc_now() + dt.timedelta(minutes=5))
    raised = [e for e in ctx.store.scan_events() if e["type"] == "alert.raised"
              and e["data"]["kind"] == "visitor_overstay"]
    assert len(raised) == 1


def test_an_acknowledged_overstay_is_not_raised_again(login_as, ctx):
    from server.visitors.overstay import check_overstays
    guard = login_as("gate1", "guard")
    vid = guard.post(URL, json={**BODY, "expected_until": ev.iso(ev.utc_now() + dt.timedelta(minutes=1))}
                     ).get_json()["visitor"]["visitor_id"]
    later = ev.utc_now() + dt.timedelta(minutes=2)
    assert check_overstays(ctx, later) == [vid]
    op = login_as("desk1", "operator")
    assert op.post(f"/api/v1/alerts/overstay-{vid}/acknowledge", json={}).status_code == 200
    assert check_overstays(ctx, later + dt.timedelta(minutes=1)) == []
    assert len(overstays(ctx)) == 1 and overstays(ctx)[0]["status"] == "acknowledged"


def test_the_check_reads_only_who_is_on_site_and_nothing_personal(login_as, ctx, runner):
    guard = login_as("gate1", "guard")
    until = ev.iso(ev.utc_now() + dt.timedelta(hours=2))
    inside = guard.post(URL, json={**BODY, "expected_until": until}).get_json()["visitor"]["visitor_id"]
    gone = guard.post(URL, json={**BODY, "id_number": ID2}).get_json()["visitor"]["visitor_id"]
    guard.post(f"{URL}/{gone}/checkout", json={"entrance_id": "E2"})
    on_site = ctx.store.projection("visitors_on_site")
    assert on_site == {inside: {"visitor_id": inside, "entrance_id": "E1", "expected_until": until}}
    # Folded again from the stream, it is the same.
    assert runner("rebuild", "--check")[0] == 0

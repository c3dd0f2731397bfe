"""Alerts close themselves when their cause is gone, with two server processes each running the
watcher: the escalation alert names the incident and its place, and closes (one alert.closed
on the stream) once an operator acknowledges the incident; the wall's live patch drops it."""
import time

import pytest
import requests

from support import FAST_VENUE, LiveServer

from helpers import Listener, events, wait_until


@pytest.fixture(scope="module")
def pair(live_redis, tmp_path_factory):
    """Two server processes on one Redis, both running the leader-elected watcher."""
    env = {"GATEWATCH_WATCH_INTERVAL": "0.3"}
    servers = [LiveServer(live_redis, tmp_path_factory.mktemp(name), venue=FAST_VENUE, env=env).start()
               for name in ("a", "b")]
    yield servers
    for server in servers:
        server.stop()


def open_alerts(server, token):
    """Return the open alerts as GET /api/v1/alerts lists them."""
    answer = requests.get(server.url + "/api/v1/alerts", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    return answer.json()["alerts"]


def test_the_escalation_alert_names_the_incident_and_closes_once_when_acknowledged(pair):
    first, second = pair
    for name, role in (("cg1", "guard"), ("cop", "operator"), ("cwall", "display")):
        first.add_user(name, role)
    op, guard = first.token("cop"), first.token("cg1")
    wall = Listener(first.url, first.token("cwall")).connect()
    try:
        severe = first.post("/api/v1/incidents", guard, {"category": "fire_smoke", "location_id": "E2",
                                                         "description": "smoke from the kitchen"}).json()["incident"]
        iid, alert_id = severe["incident_id"], f"unack-{severe['incident_id']}"
        assert wait_until(lambda: any(a["alert_id"] == alert_id for a in open_alerts(first, op)))
        alert = next(a for a in open_alerts(first, op) if a["alert_id"] == alert_id)
        assert (alert["kind"], alert["category"], alert["location_id"]) == ("incident_unacknowledged", "fire_smoke", "E2")
        assert wall.wait_for(lambda s: any((p.get("alerts") or {}).get(alert_id) for p in s.patches))

        assert second.post(f"/api/v1/incidents/{iid}/actions", op, {"action": "acknowledge"}).status_code == 200
        assert wait_until(lambda: all(a["alert_id"] != alert_id for a in open_alerts(second, op)))
        # The wall hears it live: the alerts section's row goes (a null patch).
        assert wall.wait_for(lambda s: any(alert_id in (p.get("alerts") or {}) and p["alerts"][alert_id] is None
                                           for p in s.patches))
        time.sleep(1.5)  # several more ticks of both watchers: it may not close twice
        closed = [e["data"] for e in events(first, op, "alert.closed") if e["data"]["alert_id"] == alert_id]
        assert closed == [{"alert_id": alert_id, "reason": "incident_acknowledged"}]
        late = second.post(f"/api/v1/alerts/{alert_id}/acknowledge", op, {})
        assert late.status_code == 409  # nothing left to acknowledge: it closed itself
    finally:
        wall.close()

"""The after-action report: figures of a scripted day worked out by hand, its formats, who may read it."""
import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

import report_day
from report_day import DAY, OVERRIDE_REASON, SKIP_REASON
from server.reports import service
from server.reports.exports import sheets
from server.visibility import Viewer

pytestmark = pytest.mark.usefixtures("quick_hashes")
URL = f"/api/v1/reports?from={DAY.isoformat()}"


@pytest.fixture
def day(ctx, app, monkeypatch):
    """The scripted day, played; returns the ids it made."""
    return report_day.play(ctx, monkeypatch)


def window_of(report, checkpoint, phase):
    """Return the patrol row of one checkpoint in one phase window."""
    [row] = [r for r in report["parts"]["patrols"]["tables"]["windows"]
             if r["checkpoint_id"] == checkpoint and r["phase"] == phase]
    return row


def test_patrol_figures_match_the_day_worked_out_by_hand(ctx, day):
    report = service.build(ctx, Viewer("commander", "cmd_wang"), DAY.isoformat())
    # pre_event 00:00-09:00, every 30 min; E1 visited 08:00, 08:00:30, 08:20.
    # Gaps 480, 0.5, 19.5, 40 min; within the interval: 30 + 0.5 + 19.5 + 30 = 80 of 540 min.
    # Missed: 480 min passed 15 due times (ceil(16) - 1), 40 min one more -> 16.
    assert window_of(report, "E1", "pre_event") == {
        "checkpoint_id": "E1", "phase": "pre_event", "from": f"{DAY} 00:00", "to": f"{DAY} 09:00",
        "interval_min": 30.0, "checkins": 3, "longest_gap_min": 480.0,
        "within_interval_pct": round(100 * 80 / 540, 1), "missed_windows": 16}
    # in_session 09:00-12:00, every 15 min; visits 09:10, 09:40: gaps 10, 30, 140.
    # Within: 10 + 15 + 15 = 40 of 180 min; missed: 30 -> 1, 140 -> ceil(9.33) - 1 = 9.
    e1 = window_of(report, "E1", "in_session")
    assert (e1["checkins"], e1["longest_gap_min"], e1["within_interval_pct"], e1["missed_windows"]) == \
        (2, 140.0, round(100 * 40 / 180, 1), 10)
    # post_event 12:00-13:00 unvisited at 30 min: half the hour within, one due time missed.
    e1 = window_of(report, "E1", "post_event")
    assert (e1["within_interval_pct"], e1["missed_windows"]) == (50.0, 1)
    # closed from 13:00 to midnight (660 min) at 60 min; C1 is not patrolled while closed.
    e1 = window_of(report, "E1", "closed")
    assert (e1["longest_gap_min"], e1["within_interval_pct"], e1["missed_windows"]) == \
        (660.0, round(100 * 60 / 660, 1), 10)
    assert not [r for r in report["parts"]["patrols"]["tables"]["windows"]
                if r["checkpoint_id"] == "C1" and r["phase"] == "closed"]
    patrols = report["parts"]["patrols"]
    assert [(r["hour"], r["E1"], r["total"]) for r in patrols["tables"]["hourly"]] == \
        [(f"{DAY} 08:00", 3, 3), (f"{DAY} 09:00", 2, 2)]
    assert patrols["tables"]["padding"] == [{"checkpoint_id": "E1", "guard": "guard_a", "at": f"{DAY} 08:00",
                                             "seconds_after_previous": 30}]


def test_incident_inspection_clearance_and_guard_figures_match_by_hand(ctx, day):
    parts = service.build(ctx, Viewer("admin", "root"), DAY.isoformat())["parts"]
    reaction = {r["severity"]: r for r in parts["incidents"]["tables"]["reaction"]}
    # Severity 2: I1 acknowledged after 3 min, I3 after 8 (past the 5-min threshold), I4 never
    # (a duplicate): median (3 + 8) / 2, p90 by nearest rank = 8.
    assert {k: reaction[2][k] for k in ("incidents", "acknowledged", "ack_median_min", "ack_p90_min", "ack_max_min",
                                        "escalate_after_min", "ack_over_threshold", "resolve_median_min")} == \
        {"incidents": 3, "acknowledged": 2, "ack_median_min": 5.5, "ack_p90_min": 8.0, "ack_max_min": 8.0,
         "escalate_after_min": 5.0, "ack_over_threshold": 1, "resolve_median_min": 30.0}
    assert (reaction[1]["ack_median_min"], reaction[1]["resolve_max_min"]) == (1.0, 10.0)
    tables = parts["incidents"]["tables"]
    assert {r["incident_id"]: (r["steps"], r["reason"]) for r in tables["sop_skipped"]}[day["I1"]] == \
        ("1, 2, 3, 4", SKIP_REASON)
    assert tables["agencies"] == [{"incident_id": day["I1"], "agency": "medical", "at": f"{DAY} 10:05",
                                   "reference": "120-0042"}]
    assert tables["duplicates"] == [{"incident_id": day["I4"], "duplicate_of": day["I3"], "at": f"{DAY} 11:02"}]
    # Hazards: H1 fixed after 20 min (on the spot, <= 30), H2 after 120, H3 still open.
    inspections = parts["inspections"]["summary"]
    assert {k: inspections[k] for k in ("hazards_found", "fixed_on_spot", "fixed_on_spot_pct",
                                        "median_minutes_to_fix", "still_open", "readiness_overrides")} == \
        {"hazards_found": 3, "fixed_on_spot": 1, "fixed_on_spot_pct": round(100 / 3, 1),
         "median_minutes_to_fix": 70.0, "still_open": 1, "readiness_overrides": 1}
    assert parts["inspections"]["tables"]["open_hazards"][0]["hazard_id"] == day["H3"]
    assert parts["inspections"]["tables"]["overrides"][0]["reason"] == OVERRIDE_REASON
    # Clearance: opened 12:00, last zone 12:45; the lobby had two people and was swept again.
    [round_] = parts["clearance"]["tables"]["rounds"]
    assert (round_["duration_min"], round_["zones_with_people"], round_["zones_reswept"], round_["people_found"]) == \
        (45.0, "lobby", "lobby", 2)
    visitors = parts["visitors"]["summary"]
    assert (visitors["registered"], visitors["peak_on_site"], visitors["peak_at"], visitors["no_pass_alerts"]) == \
        (3, 2, f"{DAY} 09:20", 1)
    guards = {r["guard"]: r for r in parts["guards"]["tables"]["guards"]}
    assert {k: guards["guard_a"][k] for k in ("first", "last", "checkins", "visitors", "inspections",
                                              "clearance_confirmations")} == \
        {"first": f"{DAY} 07:00", "last": f"{DAY} 12:20", "checkins": 3, "visitors": 3, "inspections": 3,
         "clearance_confirmations": 4}
    assert (guards["guard_b"]["incidents"], guards["guard_b"]["clearance_confirmations"]) == (4, 5)
    assert guards["guard_a"]["duty_starts"] == 0  # nobody took a post in the scripted day
    patrols = parts["patrols"]["summary"]
    assert (patrols["checkins_qr"], patrols["checkins_manual"]) == (0, patrols["checkins"])  # all from the list


def test_a_wall_display_would_read_no_guard_names_and_no_reasons(ctx, day):
    parts = service.build(ctx, Viewer("display", None), DAY.isoformat())["parts"]
    assert {r["guard"] for r in parts["guards"]["tables"]["guards"]} == {"*"}
    assert all("reason" not in r for r in parts["incidents"]["tables"]["sop_skipped"])


def test_the_xlsx_holds_the_json_cell_by_cell(client, bearer, day):
    headers = bearer("cmd_report", "commander")
    report = client.get(URL, headers=headers).get_json()
    answer = client.get(URL + "&format=xlsx&lang=en", headers=headers)
    assert answer.status_code == 200
    assert "attachment" in answer.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(answer.data))
    assert book.sheetnames == ["Patrols", "Visitors and vehicles", "Incidents", "Inspections and hazards",
                               "Clearance", "Activity per guard"]
    for (name, rows), sheet in zip(sheets(report, "en"), book.worksheets):
        cells = [[c.value for c in row] for row in sheet.iter_rows()]
        assert len(cells) == len(rows), name
        for want, got in zip(rows, cells):
            assert got[:len(want)] == want and all(v is None for v in got[len(want):]), name
    sheet = book["Incidents"]
    labels = {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(1, 12)}
    assert labels["Incidents"] == report["parts"]["incidents"]["summary"]["incidents"] == 4


def test_the_csv_zip_has_one_utf8_file_per_part_with_a_bom(client, bearer, day):
    answer = client.get(URL + "&format=csv&lang=zh-CN", headers=bearer("cmd_csv", "commander"))
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(answer.data))
    assert archive.namelist() == ["1-patrols.csv", "2-visitors.csv", "3-incidents.csv", "4-inspections.csv",
                                  "5-clearance.csv", "6-guards.csv"]
    raw = archive.read("3-incidents.csv")
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["事件处置"]
    assert ["事件数", "4"] in rows
    assert any(SKIP_REASON in row for row in rows)


def test_the_html_speaks_the_readers_language_and_marks_the_audit_head(client, bearer, day):
    headers = bearer("cmd_html", "commander")
    zh = client.get(URL + "&format=html", headers={**headers, "Accept-Language": "zh-CN"}).get_data(as_text=True)
    en = client.get(URL + "&format=html&lang=en", headers=headers).get_data(as_text=True)
    assert "安保工作总结报告" in zh and "立行立改" in zh and "E1 北门（主入口）" in zh
    assert "After-action report" in en and "Fixed on the spot" in en
    assert "data-audit-head" in zh and "未安装审计日志" not in zh


def test_each_download_is_audited_and_the_report_prints_the_chain_head_including_it(client, bearer, day, ctx):
    from server.audit import service as audit
    headers = bearer("cmd_audit", "commander")
    before = audit.chain_head(ctx)["seq"]
    body = client.get(URL, headers=headers).get_json()
    head = body["audit_chain_head"]
    assert head == audit.chain_head(ctx) and head["seq"] == before + 1
    html = client.get(URL + "&format=html", headers=headers).get_data(as_text=True)
    assert audit.chain_head(ctx)["hash"] in html  # the printed report anchors the log, this download included
    checked, broken = audit.verify(ctx)
    assert broken is None and checked == before + 2


@pytest.mark.parametrize("role", ["guard", "operator", "display"])
def test_guards_operators_and_displays_get_403(client, bearer, role):
    answer = client.get(URL, headers=bearer(f"r_{role}", role))
    assert answer.status_code == 403


@pytest.mark.parametrize("query,field", [("from=2026-02-30", "from"), ("from=2026-12-02&to=2026-12-01", "to"),
                                         ("from=2026-01-01&to=2026-06-01", "to"), ("format=pdf", "format"),
                                         ("from=yesterday", "from")])
def test_bad_dates_and_formats_are_400_naming_the_field(client, bearer, query, field):
    answer = client.get(f"/api/v1/reports?{query}", headers=bearer("cmd_bad", "commander"))
    assert answer.status_code == 400
    assert field in answer.get_json()["error"]["fields"]


def test_without_dates_the_report_covers_the_whole_event(client, bearer, day):
    report = client.get("/api/v1/reports", headers=bearer("cmd_all", "commander")).get_json()
    assert report["first_day"] <= DAY.isoformat() <= report["last_day"]
    assert report["parts"]["incidents"]["summary"]["incidents"] == 4


def test_watchlist_hits_and_denials_are_counted_without_names(ctx, app, monkeypatch):
    from server.watchlist import service as watchlist
    from unit_ids import ID2
    clock = report_day.Clock(monkeypatch)
    clock.set("08:00")
    watchlist.add_entry(ctx, actor=report_day.COMMANDER, action="alert", reason="闹事记录", name="李四")
    watchlist.add_entry(ctx, actor=report_day.COMMANDER, action="deny", reason="禁止入场",
                        id_type="resident_id", id_number=ID2)
    report_day.register(ctx, clock, "09:00", report_day.ID, "E1")  # 张三: no match
    done = report_day.visitors.register_visitor(ctx, actor=report_day.GUARD_A, name="李四", id_type="resident_id",
                                                id_number=report_day.ID, purpose="参会", entrance_id="E2")
    hit = done.body["visitor"]["visitor_id"]
    clock.set("09:05")
    watchlist.decide_hit(ctx, actor=report_day.OPERATOR, visitor_id=hit, decision="confirm")
    clock.set("09:10")
    refused = report_day.visitors.register_visitor(ctx, actor=report_day.GUARD_A, name="王五", id_type="resident_id",
                                                   id_number=ID2, purpose="参会", entrance_id="E1")
    assert refused.status == 409  # recorded as visitor.denied; nobody registered
    clock.now = None
    part = service.build(ctx, Viewer("commander", "cmd_wang"), DAY.isoformat())["parts"]["visitors"]
    summary = part["summary"]
    assert (summary["watchlist_hits"], summary["watchlist_confirmed"], summary["watchlist_dismissed"],
            summary["denials"], summary["registered"]) == (1, 1, 0, 1, 2)
    assert "李四" not in repr(part) and "王五" not in repr(part)


def test_a_late_delivery_counts_on_its_own_day_and_a_days_report_reads_no_later_days(ctx):
    """An outbox delivers a check-in made two days ago: it counts on that day (found by the late
    index), while today's ordinary check-ins are not read for that day's report at all."""
    import datetime as dt
    from server import events as ev
    from server.patrols import service as patrols
    from server.store.commit import LATE_INDEX
    guard = {"username": "late_guard", "role": "guard"}
    two_days_ago = ev.utc_now() - dt.timedelta(days=2)
    late = patrols.record_checkin(ctx, actor=guard, checkpoint_id="E1", status="clear", observed_at=two_days_ago)
    for _ in range(3):
        patrols.record_checkin(ctx, actor=guard, checkpoint_id="E2", status="clear")
    late_id = late.ids[0]
    assert ctx.store.index_ids(*LATE_INDEX, "-", "+", False, 10) == [late_id]  # only the late one
    day = two_days_ago.astimezone(ZONE_OF(ctx)).date().isoformat()
    report = service.build(ctx, Viewer("commander", "chief"), day)
    assert report["events_read"] == 1
    checkins = {r["checkpoint_id"]: r["checkins"] for r in report["parts"]["patrols"]["tables"]["windows"]}
    assert checkins.get("E1") == 1 and not checkins.get("E2")


def ZONE_OF(ctx):  # noqa: N802 - reads like the constant it stands for
    """Return the venue's time zone."""
    import zoneinfo
    return zoneinfo.ZoneInfo(ctx.venue.timezone)


def test_a_settled_days_figures_are_kept_and_computed_again_when_a_late_delivery_changes_them(ctx, day, monkeypatch):
    import datetime as dt
    from server import events as ev
    from server.patrols import service as patrols
    from server.reports import cache
    monkeypatch.setattr(ev, "utc_now", lambda: dt.datetime.now(dt.timezone.utc))  # the day is over
    chief = Viewer("commander", "cmd_wang")
    first = service.build(ctx, chief, DAY.isoformat())
    display = service.build(ctx, Viewer("display", None), DAY.isoformat())

    def no_reads(*args, **kwargs):
        raise AssertionError("the day's events were read again")

    with monkeypatch.context() as m:
        m.setattr(service.read, "stream_events", no_reads)
        again = service.build(ctx, chief, DAY.isoformat())
        # Kept unshaped: a display reads them shaped for a display, not as the commander's.
        assert service.build(ctx, Viewer("display", None), DAY.isoformat())["parts"] == display["parts"]
    assert again["parts"] == first["parts"] and again["events_read"] == first["events_read"] > 0
    assert display["parts"] != first["parts"]
    # A phone's outbox delivers a check-in of that morning: the kept figures no longer match.
    patrols.record_checkin(ctx, actor=report_day.GUARD_A, checkpoint_id="E1", status="clear",
                           observed_at=report_day.at("09:30").astimezone(dt.timezone.utc))
    late = service.build(ctx, chief, DAY.isoformat())
    assert window_of(late, "E1", "in_session")["checkins"] == window_of(first, "E1", "in_session")["checkins"] + 1
    assert late["events_read"] == first["events_read"] + 1
    # Today is not over: its report is computed each time and never kept.
    today = ev.utc_now().astimezone(ZONE_OF(ctx)).date().isoformat()
    service.build(ctx, chief, today)
    assert not any(name.startswith(today) for name in cache.ReportCache(ctx.store).names(cache.checkpoints.version()))


def test_the_watcher_keeps_each_finished_days_figures_ready_once(ctx, day, monkeypatch):
    import datetime as dt
    from server import events as ev
    from server.reports import scheduled
    from server.watch import Watcher
    monkeypatch.setattr(ev, "utc_now", lambda: dt.datetime.now(dt.timezone.utc))  # the day is over
    assert DAY.isoformat() in scheduled.missing_days(ctx, ev.utc_now())
    watcher = Watcher(ctx)
    watcher.tick()
    assert len(scheduled.missing_days(ctx, ev.utc_now())) == 6  # one day per tick: never a week at once
    for _ in range(6):
        watcher.tick()
    assert scheduled.missing_days(ctx, ev.utc_now()) == []

    def no_reads(*args, **kwargs):
        raise AssertionError("the day's events were read again")

    monkeypatch.setattr(service.read, "stream_events", no_reads)
    report = service.build(ctx, Viewer("commander", "cmd_wang"), DAY.isoformat())
    assert window_of(report, "E1", "in_session")["checkins"] == 2

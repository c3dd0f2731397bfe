"""The 1,000,000-event benchmark (issue 14 item 5): fill a realistic mix, then time what must stay fast.

    .venv/bin/python bench/million.py [--events 1000000] [--hours 72] [--workdir DIR]

How the store is filled (documented in bench/README.md): the events are drafted the way the
services draft them (bench/mix.py), validated against their registered models, sealed by the
real `server.sealing.seal_events` (people's data keys written as the commit writes them), and
appended with their stream ids in pipelines together with their timeline index entries — what
commit.lua writes per event, minus the idempotency record and the optimistic guards. The
projections are then recomputed by the same fold `gatewatch rebuild` runs. Then it measures:
export (events/s), `gatewatch serve` ready time on the store (AOF replay), a one-hour
timeline page with two filters (location + actor), median of 20 on one keep-alive connection,
the state at nine moments spread over the store (`/api/v1/state?at=`, from the fold checkpoints
`gatewatch serve` keeps) and the JSON report of the second day.
"""
import argparse
import json
import os
import pathlib
import statistics
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import harness  # noqa: E402
import mix  # noqa: E402
from storage import iso_ms, timed_pages  # noqa: E402

BATCH = 5000
DAY_MS = 86_400_000


def context(url, data_dir):
    """Return services on the filled store's Redis (master keys in data_dir, as serve will use)."""
    from server.app import build_context
    from server.config import Settings
    settings = Settings(redis_url=url, data_dir=pathlib.Path(data_dir), venue_path=ROOT / "venues" / "default.yaml",
                        secret_key="bench", async_mode="threading")
    return build_context(settings)


def drafted(ctx, total, hours, start_ms):
    """Yield (ms, event) of the mix, with each night's phase changes and clearance round."""
    from server import events as ev
    gen = mix.Mix(ctx.venue, start_ms=start_ms, hours=hours, total=total)
    next_day, count = start_ms + DAY_MS // 3, 0
    while count < total:
        at, event = gen.next_event()
        if at >= next_day:  # evening: the session ends and the halls are cleared
            extra = [ev.draft("phase.changed", actor={"username": "commander00", "role": "commander"},
                              data={"phase": "post_event", "previous": "in_session"}, ts=ev.ms_to_iso(at)),
                     *gen.clearance_round(at),
                     ev.draft("phase.changed", actor={"username": "commander00", "role": "commander"},
                              data={"phase": "in_session", "previous": "post_event"}, ts=ev.ms_to_iso(at))]
            for item in extra:
                yield at, item
            count += len(extra)
            next_day += DAY_MS
        yield at, event
        count += 1


def fill(ctx, total, hours):
    """Append `total` events with ids, indexes and sealed fields; return the seconds it took."""
    from server import sealing
    from server.store.commit import entry_fields, index_keys
    started = time.perf_counter()
    r, keys = ctx.store.redis, ctx.store.keys
    start_ms = int(time.time() * 1000) - hours * 3_600_000 - 60_000
    last = (0, -1)
    batch = []

    def flush():
        stored, ops, _, _ = sealing.seal_events(ctx, [e for _, e in batch])
        pipe = r.pipeline(transaction=False)
        for op, key, *args in ops:
            pipe.execute_command(op, key, *args)
        for event in stored:
            fields = entry_fields(event)
            pipe.xadd(keys.stream, dict(zip(fields[::2], fields[1::2])), id=event["id"])
            for kind, value in index_keys(event):
                pipe.xadd(keys.index(kind, value), {"x": ""}, id=event["id"])
        pipe.execute()
        batch.clear()

    for n, (at, event) in enumerate(drafted(ctx, total, hours, start_ms)):
        ctx.registry.validate(event)
        last = (last[0], last[1] + 1) if at <= last[0] else (at, 0)  # stream ids only grow
        event["id"] = f"{last[0]}-{last[1]}"
        batch.append((at, event))
        if len(batch) >= BATCH:
            flush()
        if n and n % 100_000 == 0:
            harness.say(f"  {n:,} events ({n / (time.perf_counter() - started):,.0f}/s)")
    if batch:
        flush()
    return time.perf_counter() - started


def rebuild_projections(ctx):
    """Fold every event into the projections, as `gatewatch rebuild` does; return seconds."""
    from server import ledger, sealed_rows
    started = time.perf_counter()
    state = ledger.fold_all(ctx.registry.folds, ctx.store.scan_events(batch=10_000))
    stored = sealed_rows.seal_rows(ctx, state, {})
    pipe = ctx.store.redis.pipeline(transaction=False)
    for name, values in stored.items():
        pipe.delete(ctx.store.keys.projection(name))
        items = [(f, ctx.store.dumps(v)) for f, v in values.items()]
        for i in range(0, len(items), 1000):
            pipe.hset(ctx.store.keys.projection(name), mapping=dict(items[i:i + 1000]))
    pipe.execute()
    return time.perf_counter() - started


def cpu_seconds(pid):
    """Return the CPU time (user + system) a process has used so far."""
    import os
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def settle(pid, idle=0.25, timeout=60):
    """Wait until a process uses under `idle` of a core over a second; return the seconds waited.

    Right after /readyz, serve loads the wall's state and runs the watcher's first tick in the
    background (several CPU-seconds over a million events); the query figures are steady-state ones.
    """
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        before = cpu_seconds(pid)
        time.sleep(1)
        if cpu_seconds(pid) - before < idle:
            break
    return time.perf_counter() - started


def export_rate(ctx, workdir, redis_pid):
    """Export the whole store through `server.archive.service.export`; return its figures.

    Besides the wall time, the CPU both sides spent (this process and redis-server): on a
    shared, loaded machine the wall time mostly measures the wait for a core.
    """
    from server.archive import service
    path = pathlib.Path(workdir) / "venue.jsonl"
    started, cpu, rcpu = time.perf_counter(), time.process_time(), cpu_seconds(redis_pid)
    with open(path, "wb", buffering=1 << 20) as out:
        counts = service.export(ctx, out, actor={"username": "bench", "role": "admin"}, name=str(path))
    took, cpu = time.perf_counter() - started, time.process_time() - cpu + cpu_seconds(redis_pid) - rcpu
    return {"export_events": counts["events"], "export_s": took, "export_rate": counts["events"] / took,
            "export_cpu_s": cpu, "export_cpu_rate": counts["events"] / cpu, "export_mb": path.stat().st_size / 1e6}


def day_of(ctx, ms):
    """Return the venue-local date (YYYY-MM-DD) of a moment."""
    import datetime as dt
    import zoneinfo
    moment = dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc)
    return moment.astimezone(zoneinfo.ZoneInfo(ctx.venue.timezone)).date().isoformat()


def busiest_pair(ctx, low_ms, high_ms):
    """Return (location, actor, candidates) of the hour: the busiest checkpoint and its busiest guard."""
    r, keys = ctx.store.redis, ctx.store.keys
    counts = {}
    for event in ctx.store.events_after(f"{low_ms}-0", 100_000, upto=f"{high_ms}-18446744073709551615"):
        if event["type"] == "patrol.checkin":
            pair = (event["data"]["checkpoint_id"], event["actor"]["username"])
            counts[pair] = counts.get(pair, 0) + 1
    (loc, actor), n = max(counts.items(), key=lambda kv: kv[1])
    in_window = len(r.xrange(keys.index("loc", loc), f"{low_ms}-0", f"{high_ms}-18446744073709551615"))
    return loc, actor, n, in_window


def timeline(base, token, query, requests=20):
    """Time a timeline page; return (median ms, p90 ms, events on the page)."""
    timed_pages(base, token, query, 2)
    times, body = timed_pages(base, token, query, requests)
    times = sorted(t * 1000 for t in times)
    return statistics.median(times), times[int(0.9 * (len(times) - 1))], len(json.loads(body)["events"])


def states_at(base, token, moments):
    """Time GET /api/v1/state?at= once per moment (each a different point of the store); return
    (median ms, max ms): a replay jump lands anywhere, so no answer is warmed by the one before."""
    times = []
    for moment in moments:
        try:
            took, _body = timed_pages(base, token, {"at": moment}, 1, endpoint="/api/v1/state")
        except TimeoutError:  # the client gives up after 120 s: say so, do not wait out the rest
            times.append(float("inf"))
            break
        times.append(took[0] * 1000)
    return statistics.median(times), max(times), [round(t) for t in times]


def day_report(base, token, day, requests=3):
    """Time the JSON report of one venue-local day (the busiest of the filled ones); return (median s, max s)."""
    try:
        times, body = timed_pages(base, token, {"from": day, "to": day, "format": "json"}, requests,
                                  endpoint="/api/v1/reports")
    except TimeoutError:  # over the client's 120 s
        return float("inf"), float("inf")
    json.loads(body)  # a whole report came back
    return statistics.median(times), max(times)


def moments(ctx, first_ms, count=9):
    """Return `count` stream cursors spread over the filled span (not at checkpoint boundaries)."""
    last = int(ctx.store.redis.xrevrange(ctx.store.keys.stream, count=1)[0][0].split("-")[0])
    step = (last - first_ms) // (count + 1)
    found = []
    for k in range(1, count + 1):
        entry = ctx.store.redis.xrange(ctx.store.keys.stream, f"{first_ms + k * step}-0", "+", count=1)
        found.append(entry[0][0])
    return found


def fill_store(ctx, args, fig):
    """Fill the store, add the operator who reads the timeline, fold the projections."""
    ctx.store.redis.config_set("appendfsync", "no")  # filling only; restored before serving
    fig["fill_s"] = fill(ctx, args.events, args.hours)
    from server.auth import users  # after the fill: its event is newer than every filled one
    users.add_user(ctx, actor={"username": "bench", "role": "admin"}, username="benchop", role="operator",
                   password="bench-operator-1")
    users.add_user(ctx, actor={"username": "bench", "role": "admin"}, username="benchchief", role="commander",
                   password="bench-commander-1")
    harness.say(f"filled {args.events:,} events in {fig['fill_s']:.1f} s")
    fig["rebuild_s"] = rebuild_projections(ctx)
    harness.say(f"projections folded in {fig['rebuild_s']:.1f} s")
    write_checkpoints(ctx, fig)


def write_checkpoints(ctx, fig):
    """Write the fold checkpoints as `gatewatch rebuild` does (a running watcher keeps them up)."""
    from server import checkpoints
    from server.store.checkpoints import Checkpoints
    started = time.perf_counter()
    fig["checkpoints"] = checkpoints.rebuild(ctx, list(ctx.store.scan_events(batch=10_000)))
    fig["checkpoints_s"] = time.perf_counter() - started
    fig["checkpoints_mb"] = Checkpoints(ctx.store).memory(checkpoints.version()) / 1e6
    harness.say(f"{fig['checkpoints']} fold checkpoints written in {fig['checkpoints_s']:.1f} s "
                f"({fig['checkpoints_mb']:.0f} MB in Redis)")
    from server import events as ev
    from server.reports import scheduled
    started = time.perf_counter()  # as `gatewatch rebuild` (and then the watcher) keeps finished days ready
    days = scheduled.precompute(ctx, ev.utc_now(), budget=7)
    fig["report_figures_s"] = time.perf_counter() - started
    harness.say(f"report figures of {len(days)} finished days kept in {fig['report_figures_s']:.1f} s")


def main(argv=None):
    """Fill the store, measure, print the figures (and write them as JSON with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--hours", type=int, default=72, help="the span the events cover (default 3 days)")
    parser.add_argument("--workdir", help="keep the store here (default: a temporary directory)")
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--measure-only", action="store_true", help="measure the store an earlier run left in --workdir")
    parser.add_argument("--refold", action="store_true",
                        help="with --measure-only: fold the projections and write the checkpoints again first "
                             "(after a change of fold code)")
    args = parser.parse_args(argv)
    workdir = pathlib.Path(args.workdir or tempfile.mkdtemp(prefix="gw-million-"))
    data_dir = workdir / "data"
    from server.store.embedded import find_redis_server
    proc, url = harness.start_embedded_layout_redis(data_dir, find_redis_server())
    fig = {"events": args.events, "hours": args.hours}
    serve = None
    try:
        ctx = context(url, data_dir)
        if args.measure_only:  # a store filled by an earlier run in this workdir
            fig.update(json.loads((workdir / "fill.json").read_text()))
            if args.refold:
                fig["rebuild_s"] = rebuild_projections(ctx)
                write_checkpoints(ctx, fig)
        else:
            fill_store(ctx, args, fig)
            (workdir / "fill.json").write_text(json.dumps({k: fig[k] for k in ("fill_s", "rebuild_s", "checkpoints_s")}))
        token = ctx.accounts.create_token("benchop", "bench")
        chief = ctx.accounts.create_token("benchchief", "bench")  # replay and reports: a commander's
        fig["stored"] = ctx.store.count_events()
        fig.update(export_rate(ctx, workdir, proc.popen.pid))
        harness.say(f"export: {fig['export_events']:,} events in {fig['export_s']:.2f} s = "
                    f"{fig['export_rate']:,.0f} events/s; CPU {fig['export_cpu_s']:.2f} s = "
                    f"{fig['export_cpu_rate']:,.0f} events per CPU-second ({fig['export_mb']:.0f} MB)")
        first = int(ctx.store.redis.xrange(ctx.store.keys.stream, count=1)[0][0].split("-")[0])
        low = first + 36 * 3_600_000 + 10 * 3_600_000  # an afternoon hour of the second day
        high = low + 3_600_000
        loc, actor, pair_n, loc_n = busiest_pair(ctx, low, high)
        fig.update(page_location=loc, page_actor=actor, page_pair_events=pair_n, page_location_events=loc_n)
        at = moments(ctx, first)
        report_day = day_of(ctx, first + 36 * 3_600_000)
        ctx.store.redis.config_set("appendfsync", "always")
        ctx.store.rewrite_log(time.sleep, timeout=600)  # as Redis does on its own as the log grows
        os.sync()  # the rewritten log's ~450 MB of writeback would otherwise run during the measurements
        ctx.store.close()
        proc.stop()
        serve, base, fig["serve_ready_s"] = harness.time_serve_ready(workdir, "serve-million", data_dir)
        harness.say(f"gatewatch serve ready in {fig['serve_ready_s']:.2f} s over {fig['stored']:,} events")
        fig["settle_s"] = settle(serve.popen.pid)
        harness.say(f"serve settled {fig['settle_s']:.1f} s after ready (the wall's state and the watcher's "
                    f"first tick load in the background)")
        query = {"location": loc, "actor": actor, "from": iso_ms(low), "to": iso_ms(high), "limit": 100}
        fig["page_median_ms"], fig["page_p90_ms"], fig["page_events"] = timeline(base, token, query)
        one = dict(query)
        del one["actor"]
        fig["page1_median_ms"], fig["page1_p90_ms"], fig["page1_events"] = timeline(base, token, one)
        harness.say(f"timeline pages: two filters median {fig['page_median_ms']:.1f} ms; location only "
                    f"{fig['page1_median_ms']:.1f} ms")
        fig["state_median_ms"], fig["state_max_ms"], fig["state_ms"] = states_at(base, chief, at)
        harness.say(f"state at 9 moments: median {fig['state_median_ms']:.0f} ms, max {fig['state_max_ms']:.0f} ms "
                    f"(each: {fig['state_ms']})")
        fig["report_day"] = report_day
        fig["report_median_s"], fig["report_max_s"] = day_report(base, chief, report_day)
        harness.say(f"report of {report_day}: median {fig['report_median_s']:.2f} s")
    finally:
        if serve:
            harness.stop_serve(serve, data_dir)
        proc.stop()
    print(report(fig))
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(fig, indent=1))
    return 0


def report(fig):
    """Return the figures against their targets as a table."""
    ok = lambda good: "ok" if good else "MISSED"  # noqa: E731
    return "\n".join([
        f"| what ({fig['stored']:,} events over {fig['hours']} h) | measured | target | |",
        "|---|---|---|---|",
        f"| timeline page, 1 h, location={fig['page_location']} & actor={fig['page_actor']} "
        f"({fig['page_events']} events) | median {fig['page_median_ms']:.1f} ms, p90 {fig['page_p90_ms']:.1f} ms "
        f"| < 50 ms | {ok(fig['page_median_ms'] < 50)} |",
        f"| timeline page, 1 h, location={fig['page_location']} ({fig['page1_events']} of "
        f"{fig['page_location_events']} events) | median {fig['page1_median_ms']:.1f} ms, "
        f"p90 {fig['page1_p90_ms']:.1f} ms | < 50 ms | {ok(fig['page1_median_ms'] < 50)} |",
        f"| state at a moment (`GET /api/v1/state?at=`, 9 cursors spread over the store) | median "
        f"{fig['state_median_ms']:.0f} ms, max {fig['state_max_ms']:.0f} ms | < 1 s | {ok(fig['state_max_ms'] < 1000)} |",
        f"| a day's report ({fig['report_day']}, JSON) | median {fig['report_median_s']:.2f} s, max "
        f"{fig['report_max_s']:.2f} s | < 2 s | {ok(fig['report_max_s'] < 2)} |",
        f"| gatewatch serve ready (embedded Redis, AOF replay) | {fig['serve_ready_s']:.2f} s | < 3 s "
        f"| {ok(fig['serve_ready_s'] < 3)} |",
        f"| export | {fig['export_rate']:,.0f} events/s wall; {fig['export_cpu_rate']:,.0f} per CPU-second "
        f"({fig['export_mb']:.0f} MB) | ≥ 50,000 events/s | {ok(fig['export_rate'] >= 50_000)} |",
        f"| fill (bench only: drafted, sealed, pipelined) | {fig['fill_s']:.0f} s + fold {fig['rebuild_s']:.0f} s "
        f"+ checkpoints {fig.get('checkpoints_s', 0):.0f} s ({fig.get('checkpoints_mb', 0):.0f} MB) "
        f"+ finished days' report figures {fig.get('report_figures_s', 0):.0f} s | | |",
    ])


if __name__ == "__main__":
    sys.exit(main())

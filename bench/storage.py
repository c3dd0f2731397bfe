"""Measure start-up with the embedded Redis, Redis memory per event and timeline reads (DESIGN §6).

Gatewatch only, no baseline: the bare app has no embedded Redis, no indexes and no timeline.
"""
import http.client
import pathlib
import statistics
import time
import urllib.parse
from datetime import datetime, timezone

import redis

import filler
import harness
from harness import say
from report import absolute_row, error_row, guarded, info_row, ms, na_row

PAGE_REQUESTS = 20
OPERATOR = "benchdesk"
# Redis key families under gw:{venue}: (the third part of the key name).
FAMILIES = {"stream": "stream", "idx": "timeline indexes", "idem": "idempotency records", "proj": "projections"}


def measure_fresh_start(workdir, runs):
    """Time `gatewatch serve` to /readyz 200 on a fresh data dir, `runs` times; return rows."""
    times = []
    for n in range(runs):
        data_dir = pathlib.Path(workdir) / f"fresh-{n}"
        proc, _base, seconds = harness.time_serve_ready(workdir, f"serve-fresh-{n}", data_dir)
        harness.stop_serve(proc, data_dir)
        times.append(seconds)
        say(f"  fresh data dir: ready in {seconds:.2f} s")
    return [
        absolute_row(f"serve ready, embedded Redis, fresh dir (median of {runs})", "s", None,
                     statistics.median(times), "lt", 3.0, show_ratio=False),
        info_row("serve ready, fresh dir, slowest run", "s", None, max(times), show_ratio=False),
    ]


def build_store(workdir, redis_binary, events, procs):
    """Commit `events` check-ins into an embedded-layout Redis; return (data_dir, figures)."""
    data_dir = pathlib.Path(workdir) / "store"
    proc, url = harness.start_embedded_layout_redis(data_dir, redis_binary)
    try:
        client = redis.Redis.from_url(url, decode_responses=True)
        # Warm-up: the operator for the timeline, the commit script, the projections' hashes.
        warm = filler.launch(workdir, url, 200, procs=1, threads=1, operator=OPERATOR, label="fill-warm")
        # The AOF's content does not depend on the fsync policy: relax it while filling, restore after.
        client.config_set("appendfsync", "no")
        before = client.info("memory")["used_memory"]
        say(f"  committing {events:,} check-ins through record_checkin ({procs} processes)")
        done = filler.launch(workdir, url, events, procs=procs, threads=4, label="fill")
        after = client.info("memory")["used_memory"]
        client.config_set("appendfsync", "always")
        if done["errors"] or done["committed"] != events:
            raise harness.HarnessError(f"filler committed {done['committed']} of {events} ({done['errors']} errors)")
        figures = {"delta": after - before, "events": events, "rate": events / done["seconds"],
                   "token": warm["token"], "families": family_bytes(client),
                   "stored": client.xlen(harness.STREAM_KEY), "bounds": stream_bounds(client)}
        client.close()
    finally:
        proc.stop(grace=60.0)  # SIGTERM: Redis writes and fsyncs the AOF before leaving
    figures["aof_mb"] = sum(f.stat().st_size for f in (data_dir / "redis").rglob("*.aof*")) / 1e6
    return data_dir, figures


def family_bytes(client):
    """Return MEMORY USAGE summed per key family (stream, idx, idem, proj, other)."""
    totals = dict.fromkeys([*FAMILIES, "other"], 0)
    batch = []

    def flush():
        """Add the MEMORY USAGE of the batched keys to their families."""
        pipe = client.pipeline(transaction=False)
        for key in batch:
            pipe.memory_usage(key, samples=0)
        for key, used in zip(batch, pipe.execute(), strict=True):
            parts = key.split(":")
            family = parts[2] if len(parts) > 2 and parts[2] in FAMILIES else "other"
            totals[family] += used or 0
        batch.clear()

    for key in client.scan_iter(count=5000):
        batch.append(key)
        if len(batch) >= 5000:
            flush()
    flush()
    return totals


def stream_bounds(client):
    """Return (first id, last id) of the venue's stream."""
    first = client.xrange(harness.STREAM_KEY, count=1)
    last = client.xrevrange(harness.STREAM_KEY, count=1)
    return first[0][0], last[0][0]


def memory_rows(fig):
    """Turn the store figures into memory rows."""
    n = fig["events"]
    fam = fig["families"]
    total = fig["delta"] / n
    rows = [absolute_row(f"Redis memory per event, all ({n:,} check-ins)", "B", None, total, "le", 1000,
                         show_ratio=False)]
    for family, label in FAMILIES.items():
        rows.append(info_row(f"  of which {label} (MEMORY USAGE)", "B", None, fam[family] / n, show_ratio=False))
    rows.append(info_row("  without idempotency records (after 8 days)", "B", None,
                         (fig["delta"] - fam["idem"]) / n, show_ratio=False))
    rows.append(info_row("commit rate, record_checkin, fsync off", "ev/s", None, fig["rate"], show_ratio=False))
    rows.append(info_row("AOF size on disk", "MB", None, fig["aof_mb"], show_ratio=False))
    return rows


def iso_ms(epoch_ms):
    """Format epoch milliseconds as ISO 8601 UTC."""
    return datetime.fromtimestamp(epoch_ms / 1000, timezone.utc).isoformat(timespec="milliseconds")


def timed_pages(base, token, query, count, fresh=False, endpoint="/api/v1/events"):
    """GET endpoint?query `count` times, keep-alive (or fresh connections); return (times, last body)."""
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    path = endpoint + "?" + urllib.parse.urlencode(query)
    headers = {"Authorization": f"Bearer {token}"}
    times, body = [], None
    try:
        for _ in range(count):
            if fresh:
                conn.close()
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            raw = resp.read()
            times.append(time.perf_counter() - started)
            if resp.status != 200:
                raise harness.HarnessError(f"GET {path}: {resp.status} {raw[:300]!r}")
            body = raw
    finally:
        conn.close()
    return times, body


def check_page(body, query, low_ms, high_ms):
    """Raise unless the page holds only matching events inside the window; return its length."""
    import json  # noqa: PLC0415 - only here

    events = json.loads(body)["events"]
    for event in events:
        when = int(event["id"].split("-")[0])
        if not low_ms <= when <= high_ms:
            raise harness.HarnessError(f"timeline page holds {event['id']} outside the window")
        if "actor" in query and event["actor"]["username"] != query["actor"]:
            raise harness.HarnessError(f"timeline page holds {event['id']} by {event['actor']}")
        data = event.get("data", {})
        if data.get("checkpoint_id") != query["location"]:
            raise harness.HarnessError(f"timeline page holds {event['id']} at {data.get('checkpoint_id')}")
    return len(events)


def timeline_rows(base, fig):
    """Time filtered timeline pages over the store; return rows."""
    first_ms = int(fig["bounds"][0].split("-")[0])
    low, high = first_ms - 1000, first_ms - 1000 + 3_600_000
    window = {"from": iso_ms(low), "to": iso_ms(high), "limit": 100}
    rows = []
    for label, extra in (("location=E3", {"location": "E3"}),
                         ("location=E3 & actor=guard07", {"location": "E3", "actor": "guard07"})):
        query = dict(window, **extra)
        timed_pages(base, fig["token"], query, 2)  # warm-up: connection, token cache
        times, body = timed_pages(base, fig["token"], query, PAGE_REQUESTS)
        size = check_page(body, query, low, high)
        median = ms(statistics.median(times))
        say(f"  timeline {label}: {size} events, median {median:.1f} ms, max {ms(max(times)):.1f} ms")
        metric = f"timeline page, {label}, 1 h, {size} ev (median of {PAGE_REQUESTS})"
        if rows:
            rows.append(info_row(metric, "ms", None, median, show_ratio=False))
            continue
        rows.append(absolute_row(metric, "ms", None, median, "lt", 50.0, show_ratio=False))
        # The same page on a new connection each time: tells server work from TCP stalls.
        times, _ = timed_pages(base, fig["token"], query, PAGE_REQUESTS, fresh=True)
        rows.append(info_row("  same page, new connection per request", "ms", None,
                             ms(statistics.median(times)), show_ratio=False))
    rows.append(na_row("a day's report", "n/a here: bench/million.py times one over 1,000,000 events",
                       target="< 2 s"))
    return rows


def measure_store(workdir, redis_binary, events, procs):
    """Build the store, then time serve's AOF replay and the timeline on it; return rows."""
    data_dir, fig = build_store(workdir, redis_binary, events, procs)
    rows = memory_rows(fig)
    started = []
    metric = f"serve ready, embedded Redis, {fig['stored']:,} events (AOF replay)"
    guarded(rows, metric, lambda: replay_rows(workdir, data_dir, fig, metric, started))
    if started:
        proc, base = started[0]
        try:
            guarded(rows, "timeline page", timeline_rows, base, fig)
        finally:
            harness.stop_serve(proc, data_dir)
    else:
        rows.append(error_row("timeline page", "not measured: serve did not start on the store"))
    return rows


def replay_rows(workdir, data_dir, fig, metric, started):
    """Time serve on the filled data dir; leave it running in started[0] for the timeline."""
    proc, base, seconds = harness.time_serve_ready(workdir, "serve-replay", data_dir)
    started.append((proc, base))
    say(f"  data dir with {fig['stored']:,} stream entries ({fig['aof_mb']:.0f} MB AOF): ready in {seconds:.2f} s")
    return [absolute_row(metric, "s", None, seconds, "lt", 3.0, show_ratio=False)]

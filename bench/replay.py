"""Measure the state at a past moment (DESIGN §6: < 1 s over 1,000,000 events), with and without fold checkpoints.

    .venv/bin/python bench/replay.py --events 100000 [--every 5000] [--samples 15]
    .venv/bin/python bench/replay.py --redis-url URL   # a store filled already (e.g. by the archive fill)
    .venv/bin/python bench/replay.py --workdir DIR     # keep the fill in DIR (dump.rdb) and reuse it next time

Without --redis-url it starts its own redis-server (no persistence: only reads are measured) and
fills it in-process through the services' own commit path with a mix of check-ins (~75 %),
visitors in and out (~20 %) and incidents (~5 %). Then, at random cursors spread over the
stream, it times `server.replay.reads_at` + the sections (what `GET /api/v1/state?at=` does
before shaping) first with no checkpoint to start from, then after `checkpoints.rebuild`.
`measure(ctx, samples)` is importable for `make bench` or another fill.
"""
import argparse
import pathlib
import random
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GUARDS = [{"username": f"benchguard{i:02d}", "role": "guard"} for i in range(12)]


def start_redis(workdir):
    """Start a throw-away redis-server on a unix socket; return (process, url)."""
    sock = pathlib.Path(workdir) / "redis.sock"
    from server.store.embedded import find_redis_server

    proc = subprocess.Popen([find_redis_server(), "--port", "0",
                             "--unixsocket", str(sock), "--save", "", "--appendonly", "no",
                             "--dir", str(workdir)], stdout=subprocess.DEVNULL)
    import redis

    for _ in range(1200):
        try:
            if sock.exists() and redis.Redis(unix_socket_path=str(sock)).ping():
                return proc, f"unix://{sock}"
        except redis.RedisError:  # still loading a kept fill
            pass
        time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


def context(url, every):
    """Build Gatewatch's services on this Redis."""
    from server.app import build_context
    from server.config import Settings

    settings = Settings(redis_url=url, data_dir=pathlib.Path(tempfile.gettempdir()) / "gatewatch-bench-replay",
                        venue_path=ROOT / "venues/default.yaml", secret_key="bench", async_mode="threading",
                        testing=True, checkpoint_every=every)
    return build_context(settings)


def fill(ctx, events, seed=7):
    """Commit about `events` events of a mixed day through the services; return the count stored."""
    from server.incidents.service import report_incident
    from server.patrols.service import record_checkin
    from server.visitors.service import checkout_visitor, register_visitor

    rng, inside = random.Random(seed), []
    checkpoints = [c.id for c in ctx.venue.checkpoints]
    entrances = [e.id for e in ctx.venue.entrances]
    started = time.perf_counter()
    while ctx.store.count_events() < events:
        guard, roll = rng.choice(GUARDS), rng.random()
        if roll < 0.75:
            record_checkin(ctx, actor=guard, checkpoint_id=rng.choice(checkpoints), status="clear")
        elif roll < 0.86 or not inside:
            done = register_visitor(ctx, actor=guard, name=f"访客{rng.randrange(10**6)}", id_type="passport",
                                    id_number=f"E{rng.randrange(10**7, 10**8)}", purpose="meeting",
                                    entrance_id=rng.choice(entrances))
            inside.append(_visitor_id(done))
        elif roll < 0.95:
            checkout_visitor(ctx, actor=guard, visitor_id=inside.pop(rng.randrange(len(inside))),
                             entrance_id=rng.choice(entrances))
        else:
            report_incident(ctx, actor=guard, category="other", location_id=rng.choice(entrances),
                            description="bench")
    print(f"filled {ctx.store.count_events():,} events in {time.perf_counter() - started:.0f} s", flush=True)
    return ctx.store.count_events()


def _visitor_id(committed):
    """Return the visitor id of a registration's answer."""
    import json
    return json.loads(committed.body_text)["visitor"]["visitor_id"]


def cursors(ctx, samples, seed=11):
    """Return `samples` event ids spread over the stream (sorted)."""
    from server.store.checkpoints import Checkpoints

    first = ctx.store.events_after("0-0", 1)[0]["id"]
    lo, hi = int(first.split("-")[0]), int(ctx.store.last_id().split("-")[0])
    rng = random.Random(seed)
    return sorted(Checkpoints(ctx.store).last_id_at(rng.randint(lo, hi)) for _ in range(samples))


def time_states(ctx, points, cpu=None):
    """Return the seconds each state at these cursors takes (folds, windows, sections).

    With a list `cpu`, also append this process's CPU seconds of each (the wall time on a
    loaded, shared machine mostly measures the wait for a core).
    """
    from server import events as ev, replay, snapshot

    out = []
    for cursor in points:
        started, used = time.perf_counter(), time.process_time()
        when = ev.parse_iso(ev.ms_to_iso(ev.id_ms(cursor)))
        snapshot.rows_of(ctx, replay.reads_at(ctx, cursor, when))
        out.append(time.perf_counter() - started)
        if cpu is not None:
            cpu.append(time.process_time() - used)
    return out


def measure(ctx, samples, baseline=True):
    """Print and return the state-at-a-moment figures without and with checkpoints."""
    from server import checkpoints
    from server.store.checkpoints import Checkpoints

    points = cursors(ctx, samples)
    real = checkpoints.version
    checkpoints.version = lambda: "none"  # no checkpoint to start from
    try:
        without = time_states(ctx, points[: max(3, samples // 3)] if baseline else points[:1])
    finally:
        checkpoints.version = real
    started = time.perf_counter()
    events = list(ctx.store.scan_events())
    written = checkpoints.rebuild(ctx, events)
    rebuild_s = time.perf_counter() - started
    cpu = []
    with_cp = time_states(ctx, points, cpu)
    cps = Checkpoints(ctx.store)
    figures = {"events": len(events), "every": checkpoints.every(ctx), "checkpoints": written,
               "rebuild_s": rebuild_s, "memory_bytes": cps.memory(checkpoints.version()),
               "without_median_s": statistics.median(without), "without_max_s": max(without),
               "with_median_s": statistics.median(with_cp), "with_max_s": max(with_cp),
               "with_cpu_median_s": statistics.median(cpu), "with_first_s": with_cp[0]}
    print(f"events {figures['events']:,}; checkpoints every {figures['every']:,}: {written} "
          f"({figures['memory_bytes'] / max(1, figures['events']):.0f} bytes per event; written in {rebuild_s:.1f} s)")
    print(f"state at a moment, no checkpoint:   median {figures['without_median_s'] * 1000:.0f} ms, "
          f"max {figures['without_max_s'] * 1000:.0f} ms ({len(without)} cursors)")
    print(f"state at a moment, with checkpoints: median {figures['with_median_s'] * 1000:.0f} ms, "
          f"max {figures['with_max_s'] * 1000:.0f} ms, first {figures['with_first_s'] * 1000:.0f} ms; "
          f"CPU median {figures['with_cpu_median_s'] * 1000:.0f} ms ({len(with_cp)} cursors; target < 1 s)")
    return figures


def main(argv=None):
    """Fill (unless given a store) and measure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--every", type=int, default=5000)
    parser.add_argument("--samples", type=int, default=15)
    parser.add_argument("--redis-url")
    parser.add_argument("--quick", action="store_true", help="time one cursor without checkpoints, not a third")
    parser.add_argument("--workdir", help="keep the filled store here and reuse it when it is there")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = pathlib.Path(args.workdir or tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        filled = args.workdir and (workdir / "dump.rdb").exists()  # redis-server loads it on start
        proc = None
        url = args.redis_url
        if not url:
            proc, url = start_redis(workdir)
        try:
            ctx = context(url, args.every)
            if not args.redis_url and not filled:
                fill(ctx, args.events)
                if args.workdir:
                    ctx.store.redis.save()
            measure(ctx, args.samples, baseline=not args.quick)
        finally:
            if proc:
                proc.terminate()
                proc.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())

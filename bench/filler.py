"""Commit synthetic check-ins through Gatewatch's own commit path, as a benchmark helper process.

Each check-in goes through server.patrols.service.record_checkin -> ledger.record -> commit.lua with an
idempotency record exactly like POST /api/v1/checkins writes (scope = the guard, a UUID key,
the SHA-256 request fingerprint), so the stream, the timeline indexes, the projections and the
idempotency records are what real use stores. Prints one JSON line on stdout.

    python bench/filler.py --redis-url URL --count N [--threads T] [--seed S] [--operator NAME]
"""
import argparse
import datetime as dt
import hashlib
import hmac
import json
import pathlib
import random
import sys
import tempfile
import threading
import time
import uuid

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GUARDS = 24
NOTES = [
    "all quiet", "gate locked, lights on", "door propped open, closed it", "vehicle inspected",
    "delivery van waiting, driver's pass checked", "two visitors escorted to the lobby",
    "车辆已检查，车牌粤B12345", "巡查正常", "门禁读卡器反应慢，已报修", "消防通道畅通",
    "crowd building at the barrier, asked for a second steward",
    "fence panel loose near the east corner; taped and reported to facilities for tomorrow morning",
]
ISSUES = [
    "side door alarm sounding", "unattended bag near the kiosk", "CCTV camera 4 offline",
    "访客证件过期，已拒绝入场", "water on the floor by the stage entrance, slip risk",
]


def launch(workdir, redis_url, count, procs=2, threads=4, operator=None, label="filler"):
    """Run `procs` filler processes side by side; return their merged answer plus wall seconds."""
    import harness  # noqa: PLC0415 - only the launching side needs it

    share = [count // procs + (1 if i < count % procs else 0) for i in range(procs)]
    started = time.perf_counter()
    runs = []
    for i, part in enumerate(p for p in share if p):
        argv = [sys.executable, str(pathlib.Path(__file__).resolve()), "--redis-url", redis_url,
                "--count", str(part), "--threads", str(threads), "--seed", str(i + 1)]
        if operator and i == 0:
            argv += ["--operator", operator]
        runs.append(harness.Proc(f"{label}-{i}", argv, pathlib.Path(workdir) / f"{label}-{i}.log"))
    merged = {"committed": 0, "errors": 0, "token": None}
    for run in runs:
        code = run.popen.wait()
        run.stop()
        lines = pathlib.Path(run.log_path).read_text(errors="replace").strip().splitlines()
        try:
            part = json.loads(lines[-1])
        except (IndexError, ValueError):
            raise harness.HarnessError(f"{run.name} exited with {code}:\n{harness.log_tail(run.log_path)}") from None
        merged["committed"] += part["committed"]
        merged["errors"] += part["errors"]
        merged["token"] = merged["token"] or part["token"]
        if part["errors"]:
            harness.say(f"  {run.name}: {part['errors']} failed commits, last {part['last_error']}")
    merged["seconds"] = time.perf_counter() - started
    return merged


def parse_args(argv=None):
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--count", type=int, required=True, help="check-ins to commit")
    parser.add_argument("--threads", type=int, default=4, help="committing threads (default 4)")
    parser.add_argument("--seed", type=int, default=1, help="varies guards, notes and times per process")
    parser.add_argument("--operator", help="also create this operator and print a device token for it")
    parser.add_argument("--venue", default=str(ROOT / "venues" / "default.yaml"))
    return parser.parse_args(argv)


def context(redis_url, venue):
    """Build Gatewatch's services on the given Redis, as tests/support.py settings_for does."""
    from server.app import build_context  # noqa: PLC0415 - after sys.path is set
    from server.config import Settings  # noqa: PLC0415

    settings = Settings(redis_url=redis_url, data_dir=pathlib.Path(tempfile.gettempdir()) / "gatewatch-filler",
                        venue_path=pathlib.Path(venue), secret_key="bench", async_mode="threading",
                        testing=True)
    return build_context(settings)


def fingerprint(body):
    """Return a request fingerprint shaped like the one POST /api/v1/checkins keeps (server/api/common.py:
    an HMAC with the app's secret there; any key gives records of the same size here)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(b"bench", b"POST /api/v1/checkins\n" + canonical, hashlib.sha256).hexdigest()


def draft(rng, checkpoints, n):
    """Return (guard, request body) for the n-th synthetic check-in: rounds, notes, late deliveries."""
    guard = f"guard{rng.randrange(GUARDS) + 1:02d}"
    body = {"checkpoint_id": checkpoints[(n * 7 + rng.randrange(3)) % len(checkpoints)], "status": "clear"}
    roll = rng.random()
    if roll < 0.05:
        body.update(status="issue", note=rng.choice(ISSUES))
    elif roll < 0.25:
        body["note"] = rng.choice(NOTES)
    if rng.random() < 0.10:  # a phone's outbox delivering a check-in made a while ago
        late = dt.timedelta(seconds=rng.uniform(5, 900))
        body["observed_at"] = (dt.datetime.now(dt.timezone.utc) - late).isoformat(timespec="milliseconds")
    return guard, body


def commit_loop(ctx, shared, seed):
    """Commit check-ins until the shared budget is used up."""
    from server.patrols.service import record_checkin  # noqa: PLC0415
    from server.store import Idempotency  # noqa: PLC0415

    rng = random.Random(seed)
    checkpoints = [cp.id for cp in ctx.venue.checkpoints]
    while True:
        with shared["lock"]:
            if shared["next"] >= shared["count"]:
                return
            n = shared["next"]
            shared["next"] += 1
        guard, body = draft(rng, checkpoints, n)
        idem = Idempotency(scope=guard, key=str(uuid.uuid4()), request_hash=fingerprint(body))
        # The service takes what the API's request model gives it: an aware datetime.
        args = {**body, "observed_at": dt.datetime.fromisoformat(body["observed_at"])} \
            if body.get("observed_at") else body
        try:
            done = record_checkin(ctx, actor={"username": guard, "role": "guard"}, idem=idem, **args)
        except Exception as exc:  # noqa: BLE001 - counted and reported, the run goes on
            with shared["lock"]:
                shared["errors"] += 1
                shared["last_error"] = repr(exc)
            continue
        with shared["lock"]:
            shared["ids"].append(done.ids[0])


def make_operator(ctx, username):
    """Create an operator (events.read) and return a device token for it."""
    from server.auth import users  # noqa: PLC0415

    if not ctx.accounts.get_user(username):
        users.add_user(ctx, actor={"username": "bench", "role": "admin"}, username=username,
                       role="operator", password=uuid.uuid4().hex)
    return ctx.accounts.create_token(username, "bench")


def main(argv=None):
    """Commit the check-ins and print {committed, errors, seconds, first, last, token}."""
    args = parse_args(argv)
    ctx = context(args.redis_url, args.venue)
    token = make_operator(ctx, args.operator) if args.operator else None
    shared = {"lock": threading.Lock(), "next": 0, "count": args.count, "errors": 0, "ids": [],
              "last_error": None}
    started = time.perf_counter()
    threads = [threading.Thread(target=commit_loop, args=(ctx, shared, args.seed * 1000 + i), daemon=True)
               for i in range(max(1, args.threads))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    ids = sorted(shared["ids"], key=lambda i: tuple(int(p) for p in i.split("-")))
    print(json.dumps({"committed": len(ids), "errors": shared["errors"], "last_error": shared["last_error"],
                      "seconds": seconds, "first": ids[0] if ids else None, "last": ids[-1] if ids else None,
                      "token": token}), flush=True)
    return 0 if not shared["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())

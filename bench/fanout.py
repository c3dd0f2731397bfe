"""Fan-out: many /live clients spread over processes, a paced poster, per-client delivery checks.

Each client process holds ~50 clients, either lean ones read by one selector thread
(wsclient.py, the default) or python-socketio clients patched to handle messages in wire order
on their read threads; each notes, per event id, the first arrival (time.monotonic, which is
system-wide on Linux, so the poster's send times in the parent compare directly).
"""
import array
import collections
import concurrent.futures
import multiprocessing
import os
import threading
import time

import socketio

import wsclient
from harness import HarnessError, say
from probes import NAMESPACE, Poster, in_wire_order, percentile, stream_key
from report import absolute_row, info_row, ms, target_row

CONNECT_TIMEOUT = 120.0
WARMUP_TIMEOUT = 30.0
DRAIN_TIMEOUT = 15.0
POSTER_THREADS = 8


class Tally:
    """What one client received: first arrival per id, repeats, arrivals below the highest id.

    Not locked itself: every caller holds the process's one lock.
    """

    def __init__(self):
        self.reset()

    def reset(self):
        """Forget everything received so far."""
        self.first, self.dups, self.order_errors, self.high = {}, collections.Counter(), 0, None
        self.bytes = 0  # payload bytes of the event frames received (lean clients only)

    def count_bytes(self, n):
        """Add one frame's payload size."""
        self.bytes += n

    def note(self, event_id, arrived):
        """Record one arrival."""
        if event_id is None:
            return
        if event_id in self.first:
            self.dups[event_id] += 1
            return
        key = stream_key(event_id)
        if self.high is not None and key <= self.high:
            self.order_errors += 1
        else:
            self.high = key
        self.first[event_id] = arrived

    def missing(self, ids):
        """Return how many of ids have not arrived."""
        return sum(1 for i in ids if i not in self.first)

    def report(self, sent):
        """Return (lost, duplicated, out of order, latencies) over the sent {id: send time}."""
        lat = [self.first[i] - t for i, t in sent.items() if i in self.first]
        return len(sent) - len(lat), sum(self.dups[i] for i in sent), self.order_errors, lat


def socketio_clients(url, token, count, lock):
    """Connect `count` python-socketio clients (a read thread each, wire order); return their tallies."""
    tallies, failed, clients = [], [], []

    def connect(_n):
        """Connect one client and register its tally."""
        tally = Tally()
        # UTF-8 validation of every frame is pure Python in websocket-client: a client-side cost only.
        sio = socketio.Client(reconnection=False, websocket_extra_options={"skip_utf8_validation": True})

        def on_event(event):
            """Note one event under the process's lock."""
            arrived = time.monotonic()
            with lock:
                tally.note(event.get("id") if isinstance(event, dict) else None, arrived)

        sio.on("event", on_event, namespace=NAMESPACE)
        sio.on("events", lambda frame: [on_event(e) for e in frame["events"]], namespace=NAMESPACE)
        in_wire_order(sio)
        try:
            sio.connect(url, namespaces=[NAMESPACE], transports=["websocket"],
                        auth={"token": token} if token else None, wait_timeout=15)
        except Exception as exc:  # noqa: BLE001 - reported to the parent, counted as not connected
            failed.append(repr(exc))
            return
        with lock:
            tallies.append(tally)
            clients.append(sio)

    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        list(pool.map(connect, range(count)))
    return tallies, failed, lambda: [c.disconnect() for c in clients]


def raw_clients(url, token, count, lock):
    """Connect `count` lean clients read by one selector thread; return their tallies."""
    reader = wsclient.Reader(lock)
    reader.start()
    tallies, failed, conns = [], [], []
    for _ in range(count):
        tally = Tally()
        conn = wsclient.LiveConnection(url, {"token": token} if token else None, tally.note, NAMESPACE,
                                       on_bytes=tally.count_bytes)
        try:
            conn.connect()
        except (OSError, wsclient.Refused) as exc:
            failed.append(repr(exc))
            continue
        tallies.append(tally)
        conns.append(conn)
        reader.add(conn)

    def close():
        """Stop reading and close every connection."""
        reader.stop()
        for conn in conns:
            conn.close()

    return tallies, failed, close


def client_worker(pipe, kind, url, token, count):
    """Run `count` clients in this process and answer the parent's commands until told to stop."""
    lock = threading.Lock()
    make = raw_clients if kind == "raw" else socketio_clients
    tallies, failed, close = make(url, token, count, lock)
    pipe.send({"connected": len(tallies), "failed": failed[:3]})
    while True:
        cmd = pipe.recv()
        if cmd is None:
            break
        if cmd[0] == "wait":
            pipe.send(wait_all(tallies, lock, cmd[1], cmd[2]))
        elif cmd[0] == "reset":
            with lock:
                for tally in tallies:
                    tally.reset()
            pipe.send(os.times())
        elif cmd[0] == "report":
            with lock:
                pipe.send(summarise(tallies, cmd[1]))
    close()


def wait_all(tallies, lock, ids, timeout):
    """Wait until every client has every id; return how many (client, id) pairs are missing."""
    deadline = time.monotonic() + timeout
    while True:
        with lock:
            missing = sum(t.missing(ids) for t in tallies)
        if not missing or time.monotonic() >= deadline:
            return missing
        time.sleep(0.05)


def summarise(tallies, sent):
    """Return per-client counts, every latency as packed doubles, and this process's CPU time."""
    out = {"lost": [], "dup": [], "ooo": [], "cpu": os.times(), "bytes": 0, "received": 0}
    lat = array.array("d")
    for tally in tallies:
        lost, dup, ooo, latencies = tally.report(sent)
        out["lost"].append(lost)
        out["dup"].append(dup)
        out["ooo"].append(ooo)
        out["bytes"] += tally.bytes
        out["received"] += len(tally.first)
        lat.extend(latencies)
    out["lat"] = lat.tobytes()
    return out


def start_clients(kind, url, token, clients, procs):
    """Spawn the client processes and wait until they have connected; return [(proc, pipe)]."""
    ctx = multiprocessing.get_context("spawn")
    workers = []
    for n in range(procs):
        share = clients // procs + (1 if n < clients % procs else 0)
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=client_worker, args=(child, kind, url, token, share), daemon=True)
        proc.start()
        workers.append((proc, parent))
    return workers


def ask_all(workers, message, timeout):
    """Send a command to every client process and return their answers."""
    for _proc, pipe in workers:
        pipe.send(message)
    answers = []
    for proc, pipe in workers:
        if not pipe.poll(timeout):
            raise HarnessError(f"fan-out client process {proc.pid} did not answer {message[0]!r} in {timeout:.0f} s")
        answers.append(pipe.recv())
    return answers


def stop_clients(workers):
    """Tell the client processes to disconnect and leave; terminate stragglers."""
    for _proc, pipe in workers:
        try:
            pipe.send(None)
        except OSError:
            pass  # already gone
    for proc, _pipe in workers:
        proc.join(20)
        if proc.is_alive():
            proc.terminate()
            proc.join(5)


def post_paced(target, rate, seconds):
    """Post rate check-ins per second for seconds, open loop; return ({id: send time}, failures)."""
    total = int(rate * seconds)
    start = time.monotonic() + 0.2
    sent, failures, lock = {}, collections.Counter(), threading.Lock()

    def run(first):
        """Post events first, first + POSTER_THREADS, ... each at its due time."""
        poster = Poster(target.base_url, target.guard_auth, target.checkpoints[first:] + target.checkpoints[:first])
        try:
            for k in range(first, total, POSTER_THREADS):
                delay = start + k / rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                at = time.monotonic()
                try:
                    status, event_id = poster.checkin()
                except OSError as exc:
                    status, event_id = type(exc).__name__, None
                    poster.close()
                with lock:
                    if event_id is None:
                        failures[str(status)] += 1
                    else:
                        sent[event_id] = at
        finally:
            poster.close()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(POSTER_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sent, failures, time.monotonic() - start


def warm_up(target, workers):
    """Post until every client has received one event (so all have joined the live feed)."""
    poster = Poster(target.base_url, target.guard_auth, target.checkpoints)
    try:
        deadline = time.monotonic() + WARMUP_TIMEOUT
        while time.monotonic() < deadline:
            _status, event_id = poster.checkin()
            if event_id and not sum(ask_all(workers, ("wait", [event_id], 3.0), 30)):
                return
        raise HarnessError(f"{target.label}: fan-out clients did not all receive a warm-up event")
    finally:
        poster.close()


def run_app(target, kind, clients, procs, rate, seconds):
    """Measure fan-out on one app; return its figures."""
    token = target.display_token
    say(f"  {target.label}: connecting {clients} {kind} clients in {procs} processes")
    workers = start_clients(kind, target.base_url, token, clients, procs)
    try:
        hello = []
        for proc, pipe in workers:
            if not pipe.poll(CONNECT_TIMEOUT):
                raise HarnessError(f"fan-out client process {proc.pid} did not connect in {CONNECT_TIMEOUT:.0f} s")
            hello.append(pipe.recv())
        connected = sum(h["connected"] for h in hello)
        for h in hello:
            if h["failed"]:
                say(f"  {target.label}: some clients failed to connect, e.g. {h['failed'][0]}")
        warm_up(target, workers)
        cpu0 = ask_all(workers, ("reset",), 30)
        app_proc, redis_proc = target.procs[-1], target.procs[0]
        app_cpu0, redis_cpu0 = app_proc.cpu_seconds(), redis_proc.cpu_seconds()
        say(f"  {target.label}: {connected} clients live; posting {rate:g}/s for {seconds:g} s")
        sent, failures, took = post_paced(target, rate, seconds)
        missing = sum(ask_all(workers, ("wait", list(sent), DRAIN_TIMEOUT), DRAIN_TIMEOUT + 30))
        app_cpu = app_proc.cpu_seconds() - app_cpu0
        redis_cpu = redis_proc.cpu_seconds() - redis_cpu0
        parts = ask_all(workers, ("report", sent), 120)
    finally:
        stop_clients(workers)
    lat = array.array("d")
    for part in parts:
        lat.frombytes(part["lat"])
    client_cpu = [(p["cpu"].user + p["cpu"].system) - (c.user + c.system) for p, c in zip(parts, cpu0, strict=True)]
    fig = {"connected": connected, "posted": len(sent), "failures": dict(failures), "seconds": took,
           "lost": sum(sum(p["lost"]) for p in parts), "dup": sum(sum(p["dup"]) for p in parts),
           "ooo": sum(sum(p["ooo"]) for p in parts), "missing_after_drain": missing,
           "bad_clients": sum(1 for p in parts for a, b, c in zip(p["lost"], p["dup"], p["ooo"], strict=True)
                              if a or b or c),
           "p50": ms(percentile(lat, 50)), "p99": ms(percentile(lat, 99)), "max": ms(max(lat)) if lat else None,
           "bytes_per_event": (sum(p.get("bytes", 0) for p in parts) / received) if (received := sum(
               p.get("received", 0) for p in parts)) else None,
           "app_cpu": app_cpu / took, "redis_cpu": redis_cpu / took,
           "client_cpu": max(client_cpu) / took if client_cpu else None}
    say(f"  {target.label}: p50 {fig['p50']:.1f} ms, p99 {fig['p99']:.1f} ms; lost {fig['lost']}, "
        f"dup {fig['dup']}, out of order {fig['ooo']}; failed posts {fig['failures'] or 0}")
    return fig


def measure(targets, kind, clients, procs, rate, seconds, tag="fan-out"):
    """Run the fan-out on each target in turn; return table rows (bare first, candidate second)."""
    figs = [run_app(target, kind, clients, procs, rate, seconds) for target in targets]
    b, c = figs
    pct = 100.0
    return [
        target_row(f"{tag} p99 delivery, {clients} clients in {procs} client processes, {rate:g} ev/s",
                   "ms", b["p99"], c["p99"], "max", 1.0),
        absolute_row(f"{tag} p99 delivery under 100 ms", "ms", b["p99"], c["p99"], "lt", 100.0),
        info_row(f"{tag} p50 delivery", "ms", b["p50"], c["p50"]),
        info_row(f"{tag} bytes per event per client (frame payloads)", "B", b["bytes_per_event"],
                 c["bytes_per_event"]),
        info_row(f"{tag} max delivery", "ms", b["max"], c["max"]),
        absolute_row(f"{tag} events lost (sum over clients)", "n", b["lost"], c["lost"], "eq", 0, show_ratio=False),
        absolute_row(f"{tag} events duplicated", "n", b["dup"], c["dup"], "eq", 0, show_ratio=False),
        absolute_row(f"{tag} events out of order", "n", b["ooo"], c["ooo"], "eq", 0, show_ratio=False),
        info_row(f"{tag} clients with any of these", "n", b["bad_clients"], c["bad_clients"], show_ratio=False),
        info_row(f"{tag} clients connected", "n", b["connected"], c["connected"], show_ratio=False),
        info_row(f"{tag} check-ins posted (201)", "n", b["posted"], c["posted"], show_ratio=False),
        info_row(f"{tag} failed posts", "n", sum(b["failures"].values()), sum(c["failures"].values()),
                 show_ratio=False),
        info_row(f"{tag} app CPU (100 % = one core)", "%", b["app_cpu"] * pct, c["app_cpu"] * pct),
        info_row(f"{tag} busiest client process CPU", "%", b["client_cpu"] * pct, c["client_cpu"] * pct,
                 show_ratio=False),
    ]

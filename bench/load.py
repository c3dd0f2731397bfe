"""Ingest load workers: each process runs several poster threads per time slice.

Separate processes, so the load generator's GIL is not the bottleneck; the
parent hands each process a slice (target, start, end) over a pipe and gets
back counts, so the same warm processes can alternate between the two apps.
"""
import contextlib
import math
import multiprocessing
import threading
import time

from harness import say
from probes import Poster

DRAIN_TIMEOUT = 30.0


def worker(pipe, threads, first_index):
    """Serve slice jobs from the parent until it sends None; posters are numbered from first_index."""
    posters = {}
    while True:
        job = pipe.recv()
        if job is None:
            break
        pipe.send(run_slice(job, threads, posters, first_index))
    for poster in posters.values():
        poster.close()


def run_slice(job, threads, posters, first_index):
    """Run `threads` posters against job['url'] between job['start'] and job['end']."""
    results = [None] * threads
    pool = [
        threading.Thread(
            target=post_loop, args=(job, poster_for(posters, first_index + i, job), results, i), daemon=True
        )
        for i in range(threads)
    ]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    merged = {"ok": 0, "errors": 0, "ids": [], "latencies": [], "statuses": {}}
    for part in results:
        merged["ok"] += part["ok"]
        merged["errors"] += part["errors"]
        merged["ids"].extend(part["ids"])
        merged["latencies"].extend(part["latencies"])
        for status, count in part["statuses"].items():
            merged["statuses"][status] = merged["statuses"].get(status, 0) + count
    return merged


def poster_for(posters, index, job):
    """Return poster number `index`'s keep-alive poster for the job's target."""
    key = (index, job["url"])
    if key not in posters:
        # Each poster starts its round at a different checkpoint, as separate guards would.
        cps, auths = job["checkpoints"], job["auths"]
        start = index % len(cps)
        posters[key] = Poster(job["url"], auths[index % len(auths)], cps[start:] + cps[:start])
    return posters[key]


def post_loop(job, poster, results, index):
    """Post back to back; count what completes inside [start, end]."""
    start, end = job["start"], job["end"]
    part = {"ok": 0, "errors": 0, "ids": [], "latencies": [], "statuses": {}}
    # Every process starts on the same monotonic instant (system-wide clock on Linux).
    delay = start - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    while True:
        sent = time.monotonic()
        if sent >= end:
            break
        try:
            status, event_id = poster.checkin()
        except OSError:
            status, event_id = None, None
            poster.close()
        done = time.monotonic()
        if event_id is not None:
            part["ids"].append(event_id)
        if done > end:
            break
        if event_id is None:
            part["errors"] += 1
            key = str(status)
            part["statuses"][key] = part["statuses"].get(key, 0) + 1
        else:
            part["ok"] += 1
            part["latencies"].append(done - sent)
    results[index] = part


def start_workers(procs, threads):
    """Spawn the load-generator processes; return [(process, pipe)]."""
    ctx = multiprocessing.get_context("spawn")
    workers = []
    for n in range(procs):
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=worker, args=(child, threads, n * threads), daemon=True)
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


def ingest_slice(workers, target, seconds):
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
        ingest_slice(workers, target, min(1.0, slice_seconds))  # warm-up: connections, caches, JIT-free paths
    totals = {t.label: {"ok": 0, "errors": 0, "seconds": 0.0, "ids": [], "latencies": [], "statuses": {},
                        "app_cpu": 0.0, "redis_cpu": 0.0, "posted": 0}
              for t in targets}
    order, length = ingest_schedule(targets, seconds, slice_seconds)
    for target in order:
        part = ingest_slice(workers, target, length)
        total = totals[target.label]
        for key in ("ok", "errors", "seconds", "app_cpu", "redis_cpu", "posted"):
            total[key] += part[key]
        total["ids"].extend(part["ids"])
        total["latencies"].extend(part["latencies"])
        for status, count in part["statuses"].items():
            total["statuses"][status] = total["statuses"].get(status, 0) + count
        say(f"  ingest slice {target.label}: {part['ok'] / length:.0f} ev/s ({part['errors']} errors)")
    return totals

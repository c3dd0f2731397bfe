"""Ingest load workers: each process runs several poster threads per time slice.

Separate processes, so the load generator's GIL is not the bottleneck; the
parent hands each process a slice (target, start, end) over a pipe and gets
back counts, so the same warm processes can alternate between the two apps.
"""
import threading
import time

from probes import Poster


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

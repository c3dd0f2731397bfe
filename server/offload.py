"""Heavy work off the request loop (DESIGN §1.11): one helper for every async mode, bounded.

Under eventlet and gevent every request, the tailer and the heartbeat share one OS thread; a
request that decodes a 40-megapixel photo there stalls them all for seconds. `run_heavy` runs
such work in a real OS thread instead: the entry point, the one module allowed to import the
async library, puts a `run_in_thread` callable on `ctx.runner.thread` (eventlet's tpool,
gevent's hub threadpool); without one (threading mode, tests, the CLI) the work runs in the
caller's own thread, which is already off any loop. Pillow's decoders and encoders and
hashlib's scrypt release the GIL; pure-Python work such as CSV parsing does not, but the
interpreter hands the GIL back every few milliseconds, so the loop keeps its turn (measured in
tests/realtime/test_heavy_requests.py and `make bench`).

Bounds: at most ALL_AT_ONCE heavy calls run at once in a process, and at most IMAGES_AT_ONCE of
them decode images (each may hold a few hundred MB), so memory stays bounded however many
uploads arrive together; the rest wait their turn without blocking the loop. The semaphores are
`threading` ones made on first use, after the entry point monkey-patched `threading`, so under
eventlet and gevent waiting for one yields to the loop.
"""
import contextlib
import os
import threading

# Half the cores may decode images, so the loop and the rest keep a core on a 2-core machine.
CORES = os.cpu_count() or 1
ALL_AT_ONCE = max(2, CORES)
IMAGES_AT_ONCE = max(1, CORES // 2)
KINDS = ("image", "csv", "password", "report", "warm-up", "replay", "scan")  # scan: a whole projection

_made = threading.Lock()


class Slots:
    """The per-process bounds on heavy work."""

    def __init__(self):
        self.all = threading.BoundedSemaphore(ALL_AT_ONCE)
        self.images = threading.BoundedSemaphore(IMAGES_AT_ONCE)

    def of(self, kind):
        """Return the semaphores a kind of work takes, in the order it takes them."""
        return (self.images, self.all) if kind == "image" else (self.all,)


def _slots(ctx):
    """Return the context's bounds, made once."""
    if ctx.heavy_slots is None:
        with _made:
            ctx.heavy_slots = ctx.heavy_slots or Slots()
    return ctx.heavy_slots


def run_heavy(ctx, fn, *args, kind, **kwargs):
    """Run fn(*args, **kwargs) off the request loop within the bounds; return or raise as fn does."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of heavy work: {kind}")
    with contextlib.ExitStack() as held:
        for slot in _slots(ctx).of(kind):
            held.enter_context(slot)
        return _in_thread(ctx, fn, args, kwargs)


def _in_thread(ctx, fn, args, kwargs):
    """Call fn in an OS thread when the entry point gave one, else here."""
    thread = ctx.runner.thread
    return thread(fn, *args, **kwargs) if thread else fn(*args, **kwargs)

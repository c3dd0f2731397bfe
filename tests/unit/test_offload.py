"""server/offload.py: heavy work runs through the context's thread runner, within its bounds."""
import threading
import time

import pytest

from server import offload
from server.context import Gatewatch, Runner
from server.errors import InvalidInput


def context(thread=None):
    """Return a bare context whose runner runs calls with `thread`."""
    return Gatewatch(settings=None, venue=None, store=None, accounts=None, runner=Runner(thread=thread))


def test_without_a_thread_runner_the_work_runs_here_and_errors_pass_through():
    ctx = context()
    assert offload.run_heavy(ctx, lambda a, b=0: a + b, 2, b=3, kind="csv") == 5
    with pytest.raises(InvalidInput):
        offload.run_heavy(ctx, _refuse, kind="image")


def _refuse():
    raise InvalidInput("bad photo")


def test_the_entry_points_thread_runner_is_used():
    calls = []

    def in_thread(fn, *args, **kwargs):
        calls.append(fn)
        return fn(*args, **kwargs)
    assert offload.run_heavy(context(in_thread), sorted, [3, 1, 2], kind="password") == [1, 2, 3]
    assert calls == [sorted]


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        offload.run_heavy(context(), len, "x", kind="video")


def most_at_once(ctx, kind, callers):
    """Start `callers` threads doing heavy work of `kind`; return the most that ran at once."""
    running, most, lock = [0], [0], threading.Lock()

    def work():
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
    threads = [threading.Thread(target=offload.run_heavy, args=(ctx, work), kwargs={"kind": kind})
               for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    return most[0]


def test_image_decodes_have_a_tighter_bound_than_other_work():
    assert most_at_once(context(), "image", 8) == offload.IMAGES_AT_ONCE
    assert most_at_once(context(), "csv", 8) == offload.ALL_AT_ONCE

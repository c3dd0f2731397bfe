"""What a report reads: the events of its window from the stream (not the projections, which purges
and retention thin out), ordered by when they happened."""
import datetime as dt

from server.phase.fold import CHANGED as PHASE_CHANGED
from server.reports.figures import when
from server.store.commit import LATE_INDEX

# A phone's outbox may deliver an event up to 7 days after it happened (server/patrols/service.py):
# deliveries that far past the window's end count on their own day (found by the late index).
LATE = dt.timedelta(days=7, minutes=10)
EARLY = dt.timedelta(minutes=10)  # clocks differ a little between the server and Redis
BATCH = 5000


def _ms(moment):
    """Return an instant as epoch milliseconds."""
    return int(moment.timestamp() * 1000)


def stream_range(window):
    """Return the stream ids (low exclusive, high inclusive) of the events recorded in the window."""
    return f"{max(_ms(window.start - EARLY) - 1, 0)}-0", f"{_ms(window.end + EARLY)}-18446744073709551615"


def late_ids(store, window):
    """Return the ids of events an outbox delivered up to LATE after the window's end (the late index)."""
    upto = stream_range(window)[1]
    return store.index_ids(*LATE_INDEX, f"({upto}", f"{_ms(window.end + LATE)}-18446744073709551615", False, 1_000_000)


def stream_events(store, window, pause=None):
    """Return the events recorded in the window (give or take EARLY), oldest first, and those an
    outbox delivered late up to LATE after its end (the late index: a day's report never reads the
    following days of stream)."""
    cursor, upto = stream_range(window)
    out = []
    while True:
        chunk = store.events_after(cursor, BATCH, upto=upto)
        out.extend(chunk)
        if len(chunk) < BATCH:
            break
        if pause:
            pause()  # the watcher's read of a whole day lets requests in between batches
        cursor = chunk[-1]["id"]
    return out + store.events_by_ids(late_ids(store, window))


def phase_before(store, window):
    """Return the last phase change recorded before the window's stream range, or None."""
    high = f"({max(_ms(window.start - EARLY) - 1, 0)}-0"
    ids = store.index_ids("type", PHASE_CHANGED, "-", high, True, 1)
    found = store.events_by_ids(ids)
    return found[0] if found else None


def every_of_type(store, event_type):
    """Return every event of one type, whatever its date (rare types: expected-list imports)."""
    ids = store.index_ids("type", event_type, "-", "+", False, 100000)
    return store.events_by_ids(ids)


def events_of(store, window):
    """Return (events by when they happened, the phase change in force before them or None)."""
    return by_when(stream_events(store, window)), phase_before(store, window)


def by_when(events):
    """Return events ordered by when they happened (then by id)."""
    return sorted(events, key=lambda e: (when(e), e["id"]))

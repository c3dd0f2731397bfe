"""Timeline reads: keyset paging over the stream and its type / location / actor indexes."""

def _bounds(after, before, from_ms, to_ms):
    """Return (low, high, low_exclusive, high_exclusive) stream-id bounds."""
    low, low_ex = "-", False
    if from_ms is not None:
        low = f"{from_ms}-0"
    if after and (low == "-" or _key(after) >= _key(low)):
        low, low_ex = after, True
    high, high_ex = "+", False
    if to_ms is not None:
        high = f"{to_ms}-18446744073709551615"
    if before and (high == "+" or _key(before) <= _key(high)):
        high, high_ex = before, True
    return low, high, low_ex, high_ex


def _key(stream_id):
    """Sort key of a stream id."""
    if stream_id == "-":
        return (0, 0)
    if stream_id == "+":
        return (2**64, 0)
    ms, _, seq = stream_id.partition("-")
    return int(ms), int(seq or 0)


def _matches(event, type_, location, actor):
    """Tell whether an event passes every filter."""
    return ((not type_ or event["type"] == type_)
            and (not location or location in event.get("_locations", ()))
            and (not actor or event["actor"]["username"] == actor))


def page(store, *, after=None, before=None, from_ms=None, to_ms=None, type_=None,
         location=None, actor=None, limit=100, order=None, keep=None):
    """Return (events, next_cursor): newest first unless `after` is given or order='asc'.

    `keep(event)` leaves out events the reader may not see; pages still fill up to `limit`.
    """
    desc = (order or ("asc" if after and not before else "desc")) == "desc"
    # Stream ids count milliseconds since 1970: a bound before that is the stream's start.
    if to_ms is not None and to_ms < 0:
        return [], None
    if from_ms is not None:
        from_ms = max(from_ms, 0)
    low, high, low_ex, high_ex = _bounds(after, before, from_ms, to_ms)
    if _key(low) > _key(high):
        return [], None
    keep = keep or (lambda _event: True)
    if type_ or location or actor:
        found = _filtered(store, low, high, low_ex, high_ex, desc, limit + 1,
                          type_, location, actor, keep)
    else:
        found = _plain(store, low, high, low_ex, high_ex, desc, limit + 1, keep)
    more = len(found) > limit
    found = found[:limit]
    return found, (found[-1]["id"] if more and found else None)


def _range(low, high, low_ex, high_ex):
    """Return the XRANGE bounds of a page ('(' = exclusive)."""
    return (f"({low}" if low_ex else low), (f"({high}" if high_ex else high)


def _past(desc, lo, hi, last):
    """Return the bounds that continue strictly past the last id read, in the paging direction."""
    return (lo, f"({last}") if desc else (f"({last}", hi)


def _plain(store, low, high, low_ex, high_ex, desc, count, keep):
    """Page the stream itself, reading on past events the reader may not see."""
    lo, hi = _range(low, high, low_ex, high_ex)
    r, key = store.redis, store.keys.stream
    found = []
    while len(found) < count:
        want = count - len(found)
        entries = r.xrevrange(key, max=hi, min=lo, count=want) if desc else r.xrange(key, min=lo, max=hi, count=want)
        if not entries:
            break
        found += [e for e in store.decode_all(entries) if keep(e)]
        lo, hi = _past(desc, lo, hi, entries[-1][0])
        if len(entries) < want:
            break
    return found[:count]


def _filtered(store, low, high, low_ex, high_ex, desc, count, type_, location, actor, keep):
    """Walk the smallest matching index and keep events passing every filter.

    With two filters or more the ids are intersected inside Redis, one round trip per step
    (server/store/intersect.lua); with one, the index's ids are the page's candidates.
    """
    lo, hi = _range(low, high, low_ex, high_ex)
    wanted = [(k, v) for k, v in (("type", type_), ("loc", location), ("actor", actor)) if v]
    wanted.sort(key=lambda kv: store.index_length(*kv))
    found = []
    while len(found) < count:
        if len(wanted) > 1:
            matching, last, done = store.index_intersection(wanted, lo, hi, desc, count - len(found))
        else:
            matching = store.index_ids(*wanted[0], lo, hi, desc, max(count, 200))
            last, done = (matching[-1] if matching else ""), len(matching) < max(count, 200)
        for event in store.events_by_ids(matching):
            if _matches(event, type_, location, actor) and keep(event):
                found.append(event)
        if done or not last:
            break
        lo, hi = _past(desc, lo, hi, last)  # keyset: strictly past the last id read
    return found[:count]

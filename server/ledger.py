"""The one place that writes the timeline: every fact goes through record()."""
import hashlib
import json
import random
import secrets

from server import events as ev
from server import merge, sealed_rows, sealing
from server.audit import actions as audit_actions
from server.concept import reads
from server.errors import Busy
from server.store import Commit, Idempotency, StaleWrite, placeholder

ATTEMPTS = 8


def system_idempotency(key, payload):
    """Return an idempotency record for a fact the system itself decides (watcher, bootstrap)."""
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:32]
    return Idempotency(scope="system", key=key, request_hash=digest)


def placeholder_ids(events):
    """Give drafted events the placeholder ids the commit script fills in; return the nonce."""
    nonce = secrets.token_hex(8)
    for i, event in enumerate(events):
        event["id"] = placeholder(nonce, i)
    return nonce


def fold_changes(ctx, events, rule=None, idem=None):
    """Apply the folds that read each drafted event's type; return (changes, expected old values).

    When the idempotency key was already used, return (stored answer, None) instead.
    A fold's `touches(event)` names the entries its outcome depends on: only those are read
    and guarded, so writes that do not depend on state never contend. `merge.WHOLE` reads the
    whole projection (a rare event whose entries cannot be named, e.g. a purge), guarding
    only the entries it changes.

    `rule(state)` sees the current values of everything the events touch, read in the same
    attempt whose values the commit guards, so a rule checked here cannot be raced.
    """
    folds_for = ctx.registry.folds_for
    wanted, whole = touched(ctx.registry.folds, events, ctx.registry)
    if wanted or whole or rule:
        raw, answer = ctx.store.read_fields(wanted, idem, whole=whole)
    else:
        raw, answer = {}, None  # nothing to read: the commit script answers a replayed key itself
    if answer:
        return answer, None  # a replay must not be judged by today's rules
    # Folds see entries opened; the guards below compare the stored (sealed) text.
    state = ctx.store.open_rows({name: {f: (json.loads(v) if v else None) for f, v in values.items()}
                                 for name, values in raw.items()})
    expected = {name: {f: (v or "") for f, v in values.items()} for name, values in raw.items()
                if name not in whole}
    if rule:
        rule({name: dict(values) for name, values in state.items()})
    changes = {}
    for event in events:
        for fold in folds_for(event["type"]):  # most folds ignore most types: not even asked
            current = state.setdefault(fold.NAME, {})
            delta = fold.apply(current, event)
            if delta:  # a fold may still ignore an event of a type it reads
                written = changes.setdefault(fold.NAME, {})
                for fld, value in delta.items():
                    merge.apply(current, fld, value)
                    # Two events of one commit writing one entry: an older IfNewer must not win
                    # just by coming second (the fold, and so rebuild and replay, keep the newer).
                    written[fld] = merge.later(written[fld], value) if fld in written else value
    for name in whole:  # read whole, guarded only where it changes: other entries do not matter
        expected[name] = {f: raw[name].get(f) or "" for f in changes.get(name, {})}
    return {k: v for k, v in changes.items() if v}, expected


def touched(folds, events, registry=None):
    """Return ({projection: fields the events depend on}, projections they depend on whole)."""
    folds_for = folds_reading(folds, registry)
    wanted, whole = {}, set()
    for event in events:
        for fold in folds_for(event["type"]):
            fields = fold.touches(event)
            if fields is merge.WHOLE:
                whole.add(fold.NAME)
            elif fields:
                wanted.setdefault(fold.NAME, set()).update(fields)
    return {n: sorted(f) for n, f in wanted.items() if n not in whole}, whole


def record(ctx, events, *, idem=None, status=201, body=None, ops=(), rule=None, absent=()):
    """Commit drafted events with their projections; return the Committed answer.

    `absent` lists keys that must not exist at commit time (e.g. a new user's record).
    Every event must match its registered schema; the current version is stamped on it.
    Personal fields are folded and answered as drafted but stored sealed, in the events
    (server/sealing.py) and in the projections' entries (server/sealed_rows.py).
    """
    for event in events:
        ctx.registry.validate(event)
    nonce = placeholder_ids(events)
    stored_events, key_ops, sealed_by, data_keys = sealing.seal_events(ctx, events)
    for attempt in range(ATTEMPTS):
        changes, expected = fold_changes(ctx, events, rule, idem)
        if expected is None:
            return sealing.open_answer(ctx, changes)  # the stored answer of an earlier identical request
        # A privileged fact carries its audit entry into the same commit (server/audit/); drafted
        # after the rule, which may complete the event (a phase override's reason).
        audit = audit_actions.entries_for(events, nonce)
        envs = [ev.envelope(e, ctx.venue.id) for e in events]
        # The idempotency record keeps the answer with each event as a reference ({"$event": i}):
        # the events are in the stream already, and a replay rebuilds the same bytes from them.
        stored = body([{"$event": i} for i in range(len(events))]) if body else None
        if stored is not None and sealed_by:
            # It names a person: kept sealed under their data key, so a purge erases it too.
            stored = sealing.seal_answer(ctx, stored, sealed_by, nonce)
        commit = Commit(events=stored_events, status=status, body=body(envs) if body else None,
                        stored_body=stored,
                        projections=sealed_rows.seal_rows(ctx, changes, data_keys), expected=expected, ops=key_ops + list(ops), nonce=nonce,
                        absent=list(absent), audit=audit)
        try:
            committed = ctx.store.commit(commit, idem)
        except StaleWrite:
            # Another request changed the same thing first: fold again on fresh state, after a
            # short random pause so that contenders do not collide again in lockstep.
            if ctx.runner.sleep:
                ctx.runner.sleep(random.uniform(0, 0.002 * (attempt + 1)))
            continue
        if ctx.metrics and not committed.replayed:
            for event in events:
                ctx.metrics.committed(event["type"])
        return sealing.open_answer(ctx, committed)
    raise Busy("Too many simultaneous changes to the same record; please retry.")


def fold_all(folds, events, state=None, registry=None):
    """Fold a sequence of stored events: {projection: {field: value}}.

    From scratch, or onto `state` (changed in place), e.g. projections read with a cursor.
    """
    state = {} if state is None else state
    for fold in folds:
        state.setdefault(fold.NAME, {})  # every fold's projection, read or not: callers read state[name]
    folds_for = folds_reading(folds, registry)
    for event in events:
        for fold in folds_for(event["type"]):
            current = state[fold.NAME]
            for fld, value in fold.apply(current, event).items():
                merge.apply(current, fld, value)
    return state


def folds_reading(folds, registry=None):
    """Return a lookup: event type -> the folds among `folds` that read it, in their order.

    The rule is the registry's (`Registry.folds_for`): its own folds are looked up in its
    table; any other sequence (the sections' projections, one fold) is filtered once per type,
    an unregistered type reaching every fold. Without a registry every fold reads every type.
    """
    folds = tuple(folds)
    if registry is None:
        return lambda _event_type: folds
    if folds == registry.folds:
        return registry.folds_for
    found = {}

    def lookup(event_type):
        """Return the folds among `folds` that read an event type."""
        chosen = found.get(event_type)
        if chosen is None:
            known = event_type in registry.types
            chosen = found[event_type] = tuple(f for f in folds if not known or reads(f, event_type))
        return chosen
    return lookup

"""Each fold declares the event types it reads (EVENTS); every other type must leave it alone.

The folds are skipped for the types they do not declare (Registry.folds_for), so a type a fold
reads but forgot to declare would silently stop changing its projection. Generated from the
registry: a new fold or event type is covered without editing this file.
"""
import copy
import datetime as dt
import io
import sys
import types
import typing

import pytest
from pydantic import BaseModel

import report_day
from server import events as ev
from server import ledger, merge
from server.checkpoints import folds as section_folds
from server.concept import Concept, EventData, EventType
from server.concepts import REGISTRY, Registry

FOLDS = {fold.NAME: fold for fold in REGISTRY.folds}
TYPES = sorted(REGISTRY.types)
ADMIN = {"username": "root", "role": "admin"}


def value_of(annotation, path):
    """Return a plausible value of a type annotation: a unique string where text goes."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return value_of(args[0], path)
    if origin in (typing.Union, types.UnionType):
        return value_of(next(a for a in args if a is not type(None)), path)
    if origin is typing.Literal:
        return args[0]
    if origin in (list, tuple, set, frozenset):
        return [value_of(args[0], path)] if args else []
    if origin is dict or annotation is dict:
        return {"k": value_of(args[1], path)} if args else {}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return {name: value_of(f.annotation, f"{path}.{name}") for name, f in annotation.model_fields.items()}
    return {bool: True, int: 1, float: 1.5}.get(annotation, f"<{path}>")


def sample(name):
    """Return an event of a registered type as the stream holds it, every data field filled."""
    kind = REGISTRY.types[name]
    data = value_of(kind.data, name)
    kind.data.model_validate(data)  # a sample a fold might reject as malformed would prove nothing
    return {"id": "1767225600000-0", "type": name, "v": kind.v, "ts": "2026-01-01T00:00:00.000Z",
            "observed_at": "2026-01-01T00:00:00.000Z", "actor": {"username": "the-actor", "role": "guard"},
            "data": data}


def named_strings():
    """Return the strings the folds' modules name: values a fold may branch on (an alert's kind, a phase)."""
    found = set()
    for fold in REGISTRY.folds:
        for name, value in vars(sys.modules[fold.apply.__module__]).items():
            items = value if isinstance(value, (tuple, list, set, frozenset, dict)) else (value,)
            found |= {v for v in items if isinstance(v, str) and not name.startswith("__")}
    return sorted(found)


STRINGS = named_strings()


def variants(event):
    """Yield the event, then the event with every text of its data set to each named string in turn."""
    yield event

    def filled(value, text):
        """Return value with each string in it replaced by text."""
        if isinstance(value, dict):
            return {k: filled(v, text) for k, v in value.items()}
        if isinstance(value, list):
            return [filled(v, text) for v in value]
        return text if isinstance(value, str) else value
    for text in STRINGS:
        yield {**event, "data": filled(event["data"], text)}


class Everything(dict):
    """A projection holding an entry under every key: a fold that looks one up finds it."""

    ENTRY = {"canary": "an entry of this projection"}

    def get(self, key, default=None):
        """Return the canary entry, whatever the key."""
        return dict(self.ENTRY)

    def __getitem__(self, key):
        """Return the canary entry, whatever the key."""
        return dict(self.ENTRY)

    def __contains__(self, key):
        """Tell that every key is held."""
        return True


def undeclared():
    """Return (fold name, event type) of every registered type a fold does not declare."""
    return [(fold.NAME, name) for fold in REGISTRY.folds if getattr(fold, "EVENTS", None) is not None
            for name in TYPES if name not in fold.EVENTS]


def test_every_fold_declares_the_types_it_reads():
    """EVENTS is a frozenset of type names, or None (every type): a fold without it is slower than it need be."""
    for fold in REGISTRY.folds:
        assert hasattr(fold, "EVENTS"), f"{fold.NAME}: declare EVENTS (server/concept.py)"
        assert fold.EVENTS is None or isinstance(fold.EVENTS, frozenset), fold.NAME


def test_declared_types_are_registered():
    """A misspelt type in EVENTS would make the fold skip the real one."""
    for fold in REGISTRY.folds:
        assert set(fold.EVENTS or ()) <= set(REGISTRY.types), (fold.NAME, set(fold.EVENTS) - set(REGISTRY.types))


@pytest.mark.parametrize("fold_name,type_name", undeclared())
def test_a_fold_ignores_every_type_it_does_not_declare(fold_name, type_name):
    """Neither touches nor apply gives anything for an undeclared type, even with every entry present.

    Its data is tried with plain texts and with each string the folds' modules name, so a fold
    that reads a type only for one value of a field (an alert of one kind) is caught too.
    """
    fold = FOLDS[fold_name]
    for event in variants(sample(type_name)):
        why = f"{fold_name} reads {type_name} ({event['data']}): add it to EVENTS"
        assert not fold.touches(copy.deepcopy(event)), why
        assert not fold.apply({}, copy.deepcopy(event)), why
        assert not fold.apply(Everything(), copy.deepcopy(event)), why


def test_folds_for_gives_the_reading_folds_in_registry_order():
    """Order matters (a later fold may read what an earlier one wrote): the registry's order is kept."""
    for name in TYPES:
        assert REGISTRY.folds_for(name) == tuple(f for f in REGISTRY.folds if f.EVENTS is None or name in f.EVENTS)
    assert REGISTRY.folds_for("no.such_type") == REGISTRY.folds  # unregistered: folded as before


def test_a_fold_without_events_reads_every_type():
    """A concept that forgets EVENTS still folds correctly, only slower."""
    class Noted(EventData):
        """A note."""

        text: str

    seen = []
    forgetful = types.SimpleNamespace(NAME="notes", touches=lambda e: [], apply=lambda s, e: seen.append(e) or {})
    registry = Registry([Concept("demo", "demo", events=(EventType("demo.noted", Noted, "A note."),),
                                 folds=(forgetful,))])
    assert registry.folds_for("demo.noted") == (forgetful,)
    state = ledger.fold_all([forgetful], [{"type": "demo.noted", "data": {"text": "hi"}}], registry=registry)
    assert state == {"notes": {}} and len(seen) == 1


def test_a_subset_of_folds_is_looked_up_in_its_own_order():
    """The sections' folds, one fold (a scan), a test's: filtered by the same rule as the registry's."""
    subset = [FOLDS["alerts"], FOLDS["incidents"], FOLDS["meta"]]
    lookup = ledger.folds_reading(subset, REGISTRY)
    assert lookup("alert.raised") == (FOLDS["alerts"], FOLDS["incidents"])
    assert lookup("phase.changed") == (FOLDS["meta"],)
    assert lookup("user.created") == ()
    assert ledger.folds_reading(subset)("user.created") == tuple(subset)  # no registry: every fold
    assert lookup("no.such_type") == tuple(subset)


# -- a realistic day: the old fold loop and the new one agree ------------------------------------

def folded_the_old_way(folds, events):
    """Fold every event through every fold, as before folds declared EVENTS."""
    state = {fold.NAME: {} for fold in folds}
    for event in events:
        for fold in folds:
            for fld, value in fold.apply(state[fold.NAME], event).items():
                merge.apply(state[fold.NAME], fld, value)
    return state


def touched_the_old_way(folds, events):
    """Return ledger.touched's answer as every fold was asked about every event."""
    wanted, whole = {}, set()
    for event in events:
        for fold in folds:
            fields = fold.touches(event)
            if fields is merge.WHOLE:
                whole.add(fold.NAME)
            elif fields:
                wanted.setdefault(fold.NAME, set()).update(fields)
    return {n: sorted(f) for n, f in wanted.items() if n not in whole}, whole


def a_jpeg():
    """Return a small JPEG."""
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def rest_of_the_day(ctx, ids):
    """Record what tests/report_day.py leaves out, through the services: the concepts it never touches."""
    from server.alerts import closing, service as alerts
    from server.auth import users
    from server.broadcasts import service as broadcasts
    from server.expected import purge as expected_purge, service as expected
    from server.incidents import photos as incident_photos
    from server.incidents import service as incidents
    from server.inspections import service as inspections
    from server.patrols.service import check_overdue
    from server.photos import service as photos
    from server.posts import service as posts
    from server.programme import service as programme
    from server.vehicles import service as vehicles
    from server.visitors import service as visitors
    from server.watchlist import service as watchlist
    from unit_ids import ID, ID2
    guard, other, operator, commander = (report_day.GUARD_A, report_day.GUARD_B, report_day.OPERATOR,
                                         report_day.COMMANDER)
    for actor in (guard, other, operator, commander):
        users.add_user(ctx, actor=ADMIN, username=actor["username"], role=actor["role"], password="correct-horse-1")
    later = ev.utc_now() + dt.timedelta(hours=2)
    check_overdue(ctx, later)  # patrol.overdue and its alert
    alert_id = next(a for a, e in ctx.store.projection("alerts").items() if e["status"] == "open")
    alerts.acknowledge_alert(ctx, actor=operator, alert_id=alert_id)
    inspections.assign_hazard(ctx, actor=operator, hazard_id=ids["H3"], assignee=guard["username"])
    inspections.check_open_hazards(ctx, later)
    photo = photos.upload(ctx, actor=guard, data=a_jpeg()).body["photo"]["photo_id"]
    incident_photos.add_photos(ctx, actor=operator, incident_id=ids["I3"], photo_ids=[photo])
    photos.discard(ctx, photos.upload(ctx, actor=guard, data=a_jpeg()).body["photo"]["photo_id"])
    incidents.act(ctx, actor=operator, incident_id=ids["I3"], action="assign", assignee=guard["username"])
    incidents.act(ctx, actor=guard, incident_id=ids["I3"], action="accept")
    incidents.act(ctx, actor=guard, incident_id=ids["I3"], action="note", note="到场")
    incidents.act(ctx, actor=operator, incident_id=ids["I3"], action="escalate", note="升级")
    incidents.act(ctx, actor=operator, incident_id=ids["I3"], action="sop_step", step=0)
    incidents.act(ctx, actor=operator, incident_id=ids["I3"], action="resolve", reason="已处理")
    incidents.act(ctx, actor=commander, incident_id=ids["I3"], action="close", note="结案")
    incidents.act(ctx, actor=commander, incident_id=ids["I3"], action="reopen", note="重开")
    sent = broadcasts.send_broadcast(ctx, actor=operator, text="集合", to="all").body["broadcast"]["broadcast_id"]
    broadcasts.acknowledge(ctx, actor=guard, broadcast_id=sent)
    broadcasts.check_unacknowledged(ctx, later)
    posts.go_on_duty(ctx, actor=guard, post_id="P-E1")
    posts.go_on_duty(ctx, actor=other, post_id="P-E1", relieves=guard["username"])
    posts.go_off_duty(ctx, actor=other, post_id="P-E1", handover="无异常")
    entry = watchlist.add_entry(ctx, actor=commander, action="alert", reason="闹事记录", name="李四")
    watchlist.add_entry(ctx, actor=commander, action="deny", reason="禁止入场", id_type="resident_id", id_number=ID2)
    hit = visitors.register_visitor(ctx, actor=guard, name="李四", id_type="resident_id", id_number=ID,
                                    purpose="参会", entrance_id="E2").body["visitor"]["visitor_id"]
    watchlist.decide_hit(ctx, actor=operator, visitor_id=hit, decision="dismiss")
    again = visitors.register_visitor(ctx, actor=guard, name="李四", id_type="passport", id_number="E12345678",
                                      purpose="参会", entrance_id="E1").body["visitor"]["visitor_id"]
    watchlist.decide_hit(ctx, actor=operator, visitor_id=again, decision="confirm")
    visitors.register_visitor(ctx, actor=guard, name="王五", id_type="resident_id", id_number=ID2,
                              purpose="参会", entrance_id="E1")  # denied
    watchlist.remove_entry(ctx, actor=commander, entry_id=entry.body["entry"]["entry_id"])
    visitors.reveal_id(ctx, actor=commander, visitor_id=hit)
    visitors.record_left_unrecorded(ctx, actor=operator, visitor_id=hit)
    visitors.purge_visitors(ctx, actor=commander, before=later)
    day = ev.utc_now().date().isoformat()
    expected.import_expected(ctx, actor=operator, raw=f"name,id_type,id_number,date\n赵六,resident_id,{ID},{day}\n"
                                                        .encode())
    expected_purge.purge_day(ctx, actor=commander, day=day)
    meeting = {"id": "plenary", "name": {"zh-CN": "全体会议", "en": "Plenary"}, "start": "00:00", "end": "23:59",
               "zones": ["main_hall"]}
    programme.set_day(ctx, actor=commander, date="daily", meetings=[meeting])
    programme.reset_day(ctx, actor=commander, date="daily")
    vehicles.log_vehicle(ctx, actor=other, plate="沪A12345", direction="out", entrance_id="E3", kind="delivery")
    inspections.rectify_hazard(ctx, actor=guard, hazard_id=ids["H3"], note="已修复")
    closing.close_resolved(ctx, later)  # the open hazard's alert: its cause is gone
    users.set_disabled(ctx, actor=ADMIN, username=other["username"], disabled=True)
    users.set_disabled(ctx, actor=ADMIN, username=other["username"], disabled=False)
    users.reset_password(ctx, actor=ADMIN, username=other["username"], password="another-horse-2")
    users.sign_out(ctx, actor=guard, session_id=ctx.accounts.create_session(guard["username"], 3600)[0])


@pytest.fixture
def a_day(ctx, app, monkeypatch):
    """Every event of a scripted venue day, as the stream holds them (tests/report_day.py, and more)."""
    ids = report_day.play(ctx, monkeypatch)
    rest_of_the_day(ctx, ids)
    return list(ctx.store.scan_events())


def test_a_day_folds_to_the_same_projections_as_before(a_day):
    """Skipping the folds that do not read a type changes nothing: a whole day, every projection."""
    missed = set(REGISTRY.types) - {e["type"] for e in a_day}
    assert not missed, f"the day shows every type; add a step for {sorted(missed)}"
    assert ledger.fold_all(REGISTRY.folds, copy.deepcopy(a_day), registry=REGISTRY) == folded_the_old_way(REGISTRY.folds, a_day)
    sections = section_folds(REGISTRY)
    assert ledger.fold_all(sections, copy.deepcopy(a_day), registry=REGISTRY) == folded_the_old_way(sections, a_day)


def test_a_day_touches_the_same_entries_as_before(a_day):
    """The entries each commit reads and guards are the same as when every fold was asked."""
    for event in a_day:
        assert ledger.touched(REGISTRY.folds, [event], REGISTRY) == touched_the_old_way(REGISTRY.folds, [event]), event["type"]
    assert ledger.touched(REGISTRY.folds, a_day, REGISTRY) == touched_the_old_way(REGISTRY.folds, a_day)

"""The broadcasts fold against a scripted history, and who a message reaches."""
from server import ledger
from server.broadcasts import CONCEPT, fold
from server.concepts import REGISTRY
from server.visibility import Viewer


def event(n, type_, data, actor="olga", role="operator"):
    """Return a stored event."""
    return {"id": f"{n}-0", "type": type_, "ts": f"2026-05-01T09:{n:02d}:00.000Z",
            "actor": {"username": actor, "role": role}, "data": data}


SENT = event(1, fold.SENT, {"broadcast_id": "b", "text": "radio check", "to": "all", "role": "guard",
                            "username": None, "recipients": ["gus", "gwen"]})


def test_the_fold_follows_a_scripted_history():
    history = [SENT, event(2, fold.ACKNOWLEDGED, {"broadcast_id": "b"}, actor="gus", role="guard"),
               event(3, fold.ACKNOWLEDGED, {"broadcast_id": "b"}, actor="gus", role="guard"),  # no twin
               event(4, fold.ACKNOWLEDGED, {"broadcast_id": "nope"}, actor="gus", role="guard"),
               event(5, "alert.raised", {"alert_id": "bcast-b", "kind": "broadcast_unacknowledged", "severity": 3,
                                         "broadcast_id": "b", "missing": ["gwen"]})]
    state = ledger.fold_all(REGISTRY.folds, history)["broadcasts"]
    assert list(state) == ["b"]
    entry = state["b"]
    assert (entry["sent_by"], entry["sent_at"], entry["alerted"]) == ("olga", "2026-05-01T09:01:00.000Z", True)
    assert entry["acknowledgements"] == [{"username": "gus", "at": "2026-05-01T09:02:00.000Z"}]
    assert fold.missing(entry) == ["gwen"]
    assert fold.touches(SENT) == [] and fold.touches(history[1]) == ["b"] and fold.touches(history[4]) == ["b"]


def test_a_message_reaches_feed_screens_and_its_recipients_only():
    sent = next(t for t in CONCEPT.events if t.name == fold.SENT)
    audience = sent.audience(SENT)
    assert audience.admits("guard", "gus") and audience.admits("guard", "gwen")
    assert not audience.admits("guard", "gary") and audience.admits("display", "wall")
    envelope = {"id": "1-0", "type": fold.SENT, "actor": SENT["actor"], "data": SENT["data"]}
    shown = REGISTRY.shape(envelope, Viewer("display"))["data"]
    assert "text" not in shown and "recipients" not in shown
    assert REGISTRY.shape(envelope, Viewer("guard", "gus")) == envelope

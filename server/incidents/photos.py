"""Photos on an incident: attach uploaded ones, or upload and attach in one commit."""
from server import events as ev
from server import ledger
from server.errors import Conflict, Text
from server.incidents import fold, lifecycle as lc, service
from server.incidents.fold import NAME, PHOTO_ADDED
from server.photos import service as photos


def add_photos(ctx, *, actor, incident_id, photo_ids=(), upload=None, idem=None):
    """Attach photos (ids uploaded before, or one upload's bytes) to an incident not yet closed."""
    entry = service.incident(ctx, incident_id, service.actor_viewer(actor))  # a guard: their own only
    events, ops = [], []
    photo_ids = list(photo_ids or ())
    if upload is not None:
        uploaded, op = photos.drafted(ctx, actor, upload)
        events.append(uploaded)
        ops.append(op)
        photo_ids = [uploaded["data"]["photo_id"]]
    else:
        photos.check_exist(ctx, photo_ids)
    locations = [entry["location_id"], entry["zone_id"]]
    added = ev.draft(PHOTO_ADDED, actor=actor, locations=locations,
                     data={"incident_id": incident_id, "photo_ids": photo_ids})
    events.append(added)
    seen = {}

    def attachable(state):
        """Refuse on a closed incident, photos taken or gone, or beyond the cap."""
        current = state[NAME][incident_id]
        if current["status"] == lc.CLOSED:
            raise Conflict(Text("This incident is closed; reopen it to add photos.",
                                "此事件已关闭，请先重新打开再添加照片。"), fields={"status": current["status"]})
        already = len(current.get("photos", []))
        photos.check_room(already, len(photo_ids))
        if upload is None:  # a fresh upload is unattached by construction
            photos.check_attachable(state, photo_ids)
        seen.update(state[NAME])

    def answer(envs):
        """Return the incident with its photos, and the event that attached them."""
        return {"incident": fold.apply(seen, added)[incident_id], "event": envs[-1]}
    return ledger.record(ctx, events, idem=idem, ops=ops, rule=attachable, body=answer)

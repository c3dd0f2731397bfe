"""Photo services: store an upload, check references, read the bytes, discard the forgotten.

Storage: the re-encoded JPEG is a Redis string under `photo:<id>`, written by the same atomic
commit as its `photo.uploaded` event (which carries only its size and dimensions), so a 2xx
means both are durable and an idempotent replay never stores a second copy. The stream never
holds image bytes; events reference photos by id (README, Incidents).
"""
import datetime as dt
import json
import uuid

from server import events as ev
from server import ledger, offload
from server.errors import Conflict, NotFound, Text, check
from server.photos import access, fold, image
from server.photos.fold import NAME
from server.photos.models import MAX_PER_RECORD

KEEP_UNATTACHED = dt.timedelta(days=1)


def blob_key(ctx, photo_id):
    """Return the Redis key of a photo's bytes."""
    return ctx.store.keys.of("photo", photo_id)


def drafted(ctx, actor, data):
    """Clean an upload off the request loop; return (its photo.uploaded event, the op storing its bytes)."""
    jpeg, width, height = offload.run_heavy(ctx, image.cleaned, data, kind="image")
    photo_id = uuid.uuid4().hex
    event = ev.draft(fold.UPLOADED, actor=actor,
                     data={"photo_id": photo_id, "media_type": image.MEDIA_TYPE, "width": width,
                           "height": height, "bytes": len(jpeg)})
    return event, ("SET", blob_key(ctx, photo_id), jpeg)


def described(event):
    """Return the answer's description of an uploaded photo."""
    return {k: event["data"][k] for k in ("photo_id", "width", "height", "bytes", "media_type")}


def upload(ctx, *, actor, data, idem=None):
    """Store one unattached photo (validated, re-encoded, without metadata)."""
    event, op = drafted(ctx, actor, data)
    return ledger.record(ctx, [event], idem=idem, ops=[op], body=lambda envs: {"photo": described(event)})


def missing(ctx, photo_ids):
    """Return the ids among photo_ids that no stored photo has."""
    found = ctx.store.projection_fields(NAME, list(photo_ids))
    return [pid for pid in photo_ids if not found.get(pid)]


def check_exist(ctx, photo_ids, field="photo_ids"):
    """Raise a 400 on `field` when a referenced photo is not stored."""
    absent = missing(ctx, photo_ids)
    if absent:
        check({field: Text(f"unknown photo: {', '.join(absent)}", f"未知的照片：{', '.join(absent)}")})


def check_room(already, adding):
    """Refuse (409) more than MAX_PER_RECORD photos on one record."""
    if already + adding > MAX_PER_RECORD:
        raise Conflict(Text(f"At most {MAX_PER_RECORD} photos per record ({already} already).",
                            f"每条记录最多 {MAX_PER_RECORD} 张照片（已有 {already} 张）。"),
                       fields={"photo_ids": str(already)})


def check_attachable(state, photo_ids, field="photo_ids"):
    """Refuse photos listed twice, gone (400) or attached elsewhere (409), in a commit rule.

    A photo belongs to one record: the first event listing it (photos fold, `attached_by`).
    """
    if len(set(photo_ids)) != len(photo_ids):
        check({field: Text("a photo is listed twice", "同一张照片列出了两次")})
    entries = state.get(NAME, {})
    gone = [pid for pid in photo_ids if not entries.get(pid)]
    if gone:
        check({field: Text(f"unknown photo: {', '.join(gone)}", f"未知的照片：{', '.join(gone)}")})
    taken = [pid for pid in photo_ids if entries[pid]["attached_by"]]
    if taken:
        raise Conflict(Text(f"Already attached elsewhere: {', '.join(taken)}.",
                            f"照片已附在别处：{', '.join(taken)}。"), fields={field: ",".join(taken)})


def photo_bytes(ctx, photo_id, viewer):
    """Return (entry, bytes) of a stored photo the viewer may see, or raise NotFound."""
    raw = ctx.store.projection_fields(NAME, [photo_id]).get(photo_id)
    if raw and not access.readable(ctx, json.loads(raw), viewer):
        raw = None  # not theirs: as if there were no such photo
    data = ctx.store.read_blob(blob_key(ctx, photo_id)) if raw else None
    if not data:
        raise NotFound(Text(f"No photo {photo_id}.", f"没有照片 {photo_id}。"))
    return json.loads(raw), data


def discard(ctx, photo_id):
    """Delete one unattached photo and record it, unless it was attached meanwhile."""
    event = ev.draft(fold.DISCARDED, actor=ev.SYSTEM_ACTOR, data={"photo_id": photo_id, "reason": "unattached"})
    idem = ledger.system_idempotency(f"photo-discard-{photo_id}", {"photo_id": photo_id})

    def still_unattached(state):
        """Refuse when an attachment committed between the watcher's read and this commit."""
        entry = state[NAME].get(photo_id)
        if not entry or entry["attached_by"]:
            raise Conflict("attached or gone meanwhile")
    return ledger.record(ctx, [event], idem=idem, ops=[("DEL", blob_key(ctx, photo_id))], rule=still_unattached)


def discard_unattached(ctx, now):
    """Delete every photo nobody attached within a day of its upload (watcher timer)."""
    cutoff = ev.iso(now - KEEP_UNATTACHED)
    discarded = []
    for photo_id in fold.unattached_before(ctx.store.projection(NAME), cutoff):
        try:
            discard(ctx, photo_id)
        except Conflict:
            continue
        discarded.append(photo_id)
    return discarded

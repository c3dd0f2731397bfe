"""Posts as a fold of events: who is on duty at each post since when, and the last handover note.

Pure: no I/O. A guard is on duty at one post at a time (the service moves them); a relief
(`relieves`) takes the relieved guard off duty in the same fact.
"""
NAME = "posts"
ON_DUTY = "post.on_duty"
OFF_DUTY = "post.off_duty"
EVENTS = frozenset({ON_DUTY, OFF_DUTY})
UNDERSTAFFED = "post_understaffed"  # the alert's kind


def touches(event):
    """Return the posts an event's outcome depends on."""
    if event["type"] in (ON_DUTY, OFF_DUTY):
        return [event["data"]["post_id"]]
    return []


def _empty(post_id):
    """Return a post nobody has stood at yet."""
    return {"post_id": post_id, "on_duty": [], "handover": None}


def apply(state, event):
    """Fold a guard going on duty (possibly relieving another) or off duty (possibly with a note)."""
    if event["type"] not in (ON_DUTY, OFF_DUTY):
        return {}
    data, who = event["data"], event["actor"]["username"]
    entry = dict(state.get(data["post_id"]) or _empty(data["post_id"]))
    leaving = {who} if event["type"] == OFF_DUTY else {who, data.get("relieves")}
    on_duty = [g for g in entry["on_duty"] if g["username"] not in leaving]
    if event["type"] == ON_DUTY:
        on_duty.append({"username": who, "since": event["ts"]})
    entry["on_duty"] = on_duty
    if event["type"] == OFF_DUTY and data.get("handover"):
        entry["handover"] = {"note": data["handover"], "by": who, "at": event["ts"]}
    return {data["post_id"]: entry}


def post_of(entries, username):
    """Return the id of the post a guard is on duty at, or None."""
    for post_id, entry in entries.items():
        if any(g["username"] == username for g in entry["on_duty"]):
            return post_id
    return None


def staffed(entry, alert):
    """Return why an understaffed alert is over (as many guards on duty as it needed), or None."""
    if entry and len(entry["on_duty"]) >= (alert.get("needed") or 0):
        return "post_staffed"
    return None

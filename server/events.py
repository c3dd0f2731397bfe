"""The event envelope and event type names: the wire contract (DESIGN §5)."""
import datetime as dt
import re

# Concepts name their own event types (server/<concept>/); these account events are used by
# server/auth, which predates the concept packages.
USER_CREATED = "user.created"
USER_DISABLED = "user.disabled"
USER_ENABLED = "user.enabled"
USER_PASSWORD_RESET = "user.password_reset"
USER_SIGNED_OUT = "user.signed_out"


# [0-9], not \d: \d also matches other scripts' digits (١), which int() takes and Redis refuses.
STREAM_ID = re.compile(r"^[0-9]{1,20}-[0-9]{1,20}$")
MAX_ID_PART = 2**64 - 1


def valid_id(text):
    """Tell whether text is a stream id Redis accepts (two 64-bit unsigned parts)."""
    return (isinstance(text, str) and bool(STREAM_ID.match(text))
            and all(int(part) <= MAX_ID_PART for part in text.split("-")))

def utc_now():
    """Return the current time as an aware UTC datetime."""
    return dt.datetime.now(dt.timezone.utc)


def iso(moment):
    """Format an aware datetime as ISO 8601 UTC with milliseconds and a Z."""
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(text):
    """Parse an ISO 8601 time into an aware UTC datetime, or raise ValueError."""
    if not isinstance(text, str) or not text:
        raise ValueError("expected an ISO 8601 time")
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("time needs a time zone (e.g. Z or +08:00)")
    try:
        return moment.astimezone(dt.timezone.utc)
    except OverflowError:
        raise ValueError("time out of range") from None


def id_ms(stream_id):
    """Return the millisecond part of a stream id."""
    return int(stream_id.split("-", 1)[0])


def id_key(stream_id):
    """Return a sortable (ms, seq) tuple for a stream id."""
    ms, seq = stream_id.split("-", 1)
    return int(ms), int(seq)


def ms_to_iso(ms):
    """Format epoch milliseconds as ISO 8601 UTC."""
    return iso(dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc))


def draft(event_type, *, actor, data, observed_at=None, locations=(), ts=None):
    """Build an event before commit: the store assigns its id."""
    event = {
        "type": event_type,
        "ts": ts or iso(utc_now()),
        "actor": {"username": actor["username"], "role": actor["role"]},
        "data": data,
    }
    if observed_at:
        event["observed_at"] = observed_at
    # Locations are index keys for the timeline filter; not part of the envelope.
    event["_locations"] = sorted({loc for loc in locations if loc})
    return event


def envelope(event, venue_id):
    """Return the public envelope of a stored or drafted event."""
    out = {
        "id": event.get("id"),
        "type": event["type"],
        "v": event.get("v", 1),
        "ts": event["ts"],
        "actor": event["actor"],
        "venue": venue_id,
        "data": event["data"],
    }
    if event.get("observed_at"):
        out["observed_at"] = event["observed_at"]
    return out


SYSTEM_ACTOR = {"username": "system", "role": "system"}

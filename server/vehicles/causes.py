"""When the vehicles' alerts have lost their cause (read by the alerts watcher)."""
from server.vehicles.service import plate_key


def vehicle_key(ctx, alert):
    """Return the vehicles projection field of the alert's plate (its keyed digest), or None."""
    return plate_key(ctx, alert["plate"]) if alert.get("plate") else None


def left(entry, alert):
    """A no-pass vehicle's alert closes once the vehicle has left the site."""
    return "vehicle_left" if not (entry or {}).get("on_site") else None

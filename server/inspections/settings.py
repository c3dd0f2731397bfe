"""Inspection settings from the venue file: hazard thresholds and the venue-local day.

The venue file may carry `hazard_rules: {fixed_on_spot_min, alert_after_min}` (server/venue.py
checks they are positive numbers); these defaults apply where it does not.
"""
import zoneinfo

DEFAULTS = {"fixed_on_spot_min": 30, "alert_after_min": 60}


def hazard_rule(venue, key):
    """Return one hazard threshold in minutes: the venue's, else the default."""
    return venue.rules.get("hazard_rules", {}).get(key, DEFAULTS[key])


def local_day(venue, moment):
    """Return the venue-local date (YYYY-MM-DD) of an aware datetime."""
    return moment.astimezone(zoneinfo.ZoneInfo(venue.timezone)).date().isoformat()

"""What the printable HTML report shows: the parts' blocks with venue names for ids, and chart data (pure)."""
import zoneinfo

from server import events as ev
from server.reports.exports import columns
from server.reports.labels import PARTS, TABLES, TEXT, WORDS, word

# Columns holding a venue id, shown with the venue's name for it; section of the venue that names it.
NAMED = {"checkpoint_id": "checkpoints", "entrance_id": "entrances", "area_id": "zones", "phase": "phases",
         "category": "incident_categories", "checklist_id": "checklists", "agency": "agencies"}
LISTS = {"zones_with_people": "zones", "zones_reswept": "zones"}  # comma-joined venue ids
CHARTS = (("patrols", "hourly", "chart_patrols"), ("visitors", "per_hour", "chart_visitors"))


def _name(thing, lang):
    """Return the name of a venue item in a language."""
    names = thing.name or {}
    return names.get(lang) or names.get("zh-CN") or thing.id


def venue_names(venue, lang):
    """Return {section: {id: name}} for every venue section a column may refer to."""
    return {section: {item.id: _name(item, lang) for item in getattr(venue, section)} for section in set(NAMED.values())}


def cell(key, value, names, lang, day=None):
    """Return one cell as the page shows it: venue ids with names, whole numbers without '.0',
    times of a one-day report without the day, empty as '—'."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh-CN" else ("yes" if value else "no")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if key in LISTS:
        return ", ".join(names[LISTS[key]].get(v, v) for v in str(value).split(", "))
    section = NAMED.get(key)
    if section and value in names[section]:
        name = names[section][value]
        return value if name == value else (f"{value} {name}" if key in ("checkpoint_id", "entrance_id") else name)
    if day and isinstance(value, str) and value.startswith(day + " "):
        return value[len(day) + 1:]
    return value


def blocks(report, venue, lang):
    """Return each part as {name, title, summary: [(label, value)], tables: [{title, header, rows}]}."""
    names = venue_names(venue, lang)
    day = report["first_day"] if report["first_day"] == report["last_day"] else None
    out = []
    for name, part in report["parts"].items():
        tables = []
        for table, rows in part["tables"].items():
            keys = columns(rows)
            header = [names["entrances"].get(k) and f"{k} {names['entrances'][k]}" or word(WORDS, k, lang) for k in keys]
            tables.append({"name": table, "title": word(TABLES, table, lang), "header": header,
                           "rows": [[cell(k, row.get(k), names, lang, day) for k in keys] for row in rows]})
        out.append({"name": name, "title": word(PARTS, name, lang), "tables": tables,
                    "summary": [(word(WORDS, k, lang), cell(k, v, names, lang)) for k, v in part["summary"].items()]})
    return out


def charts(report, venue, lang):
    """Return the chart data: per hour, one series per entrance (stacked bars)."""
    gates = [e.id for e in venue.entrances]
    out = []
    for part, table, title in CHARTS:
        rows = report["parts"][part]["tables"][table]
        out.append({"id": f"{part}-{table}", "title": word(TEXT, title, lang),
                    "labels": [r["hour"][5:] for r in rows],
                    "series": [{"label": g, "data": [r.get(g, 0) for r in rows]} for g in gates]})
    return out


def context(report, venue, lang):
    """Return the template's context for the printable report."""
    text = {key: word(TEXT, key, lang) for key in TEXT}
    generated = ev.parse_iso(report["generated_at"]).astimezone(zoneinfo.ZoneInfo(venue.timezone))
    return {"report": report, "lang": lang, "generated_local": generated.strftime("%Y-%m-%d %H:%M"), "text": text, "parts": blocks(report, venue, lang),
            "charts": charts(report, venue, lang), "venue_name": venue.name.get(lang) or venue.name.get("zh-CN")}

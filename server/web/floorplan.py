"""Shape the public venue dict for the page templates (floor plan, checkpoint groups, filters)."""
import hashlib
import json
import math

from .i18n import localized, select_language

DEFAULT_SIZE = (1000, 700)


def _points(zone):
    """Return a zone's polygon as a list of (x, y) floats, whatever list form the config uses."""
    raw = None
    for key in ("polygon", "points", "shape", "outline"):
        if zone.get(key):
            raw = zone[key]
            break
    if isinstance(raw, dict):
        raw = raw.get("points") or []
    if isinstance(raw, str):
        raw = [pair.split(",") for pair in raw.split()]
    points = []
    for point in raw or []:
        if isinstance(point, dict):
            points.append((float(point.get("x", 0)), float(point.get("y", 0))))
        else:
            points.append((float(point[0]), float(point[1])))
    return points


def _inside(x, y, points):
    """Tell whether (x, y) lies inside the polygon (ray casting)."""
    inside = False
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def _edge_distance(x, y, points):
    """Return the distance from (x, y) to the nearest polygon edge."""
    best = math.inf
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]):
        dx, dy = x1 - x0, y1 - y0
        length = dx * dx + dy * dy
        t = 0.0 if length == 0 else max(0.0, min(1.0, ((x - x0) * dx + (y - y0) * dy) / length))
        best = min(best, math.hypot(x - x0 - t * dx, y - y0 - t * dy))
    return best


def _row_span(x, y, points):
    """Return (left, right) of the polygon's horizontal span through (x, y), or None."""
    xs = sorted(x0 + (y - y0) * (x1 - x0) / (y1 - y0)
                for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]) if (y0 > y) != (y1 > y))
    for left, right in zip(xs[::2], xs[1::2]):
        if left <= x <= right:
            return left, right
    return None


def text_em(text):
    """Return the approximate width of text in em (CJK glyphs are one em, Latin about half)."""
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.56 for ch in text) or 1.0


def _layouts(name):
    """Return the ways to set a zone name: one line, or two lines split at a space."""
    out = [[name]]
    words = name.split()
    if len(words) > 1:
        cut = min(range(1, len(words)),
                  key=lambda k: abs(text_em(" ".join(words[:k])) - text_em(" ".join(words[k:]))))
        out.append([" ".join(words[:cut]), " ".join(words[cut:])])
    return out


def _fit(x, y, lines, points, avoid, base):
    """Return the largest font size (<= base) for lines centred at (x, y), or 0 if none fits."""
    span = _row_span(x, y, points)
    if span is None:
        return 0.0
    em = max(text_em(line) for line in lines)
    room_w = 2 * min(x - span[0], span[1] - x)
    room_h = 2 * _edge_distance(x, y, points)
    size = min(base, 0.92 * room_w / em, room_h / (1.25 * len(lines)))
    while size >= base * 0.4:
        half_w, half_h = size * em / 2, size * 0.62 * len(lines)
        if all(abs(ax - x) >= half_w + aw or abs(ay - y) >= half_h + ah for ax, ay, aw, ah in avoid):
            return size
        size *= 0.9
    return 0.0


def label_layout(name, points, avoid=(), base=34.0, steps=28):
    """Return (x, y, font size, lines): the biggest clear spot for a zone's name."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    left, top, width, height = min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)
    mid_x, mid_y = left + width / 2, top + height / 2
    best, best_score = None, -math.inf
    for lines in _layouts(name):
        for i in range(1, steps):
            for j in range(1, steps):
                x, y = left + width * i / steps, top + height * j / steps
                if not _inside(x, y, points):
                    continue
                size = _fit(x, y, lines, points, avoid, base)
                # Prefer big type, then one line, then the middle of the zone.
                score = round(size, 1) - (len(lines) - 1) * 0.05 * base \
                    - 1e-4 * math.hypot(x - mid_x, y - mid_y)
                if size and score > best_score:
                    best, best_score = (x, y, size, lines), score
    if best is None:
        return mid_x, mid_y, base * 0.4, [name]
    return best


def _size(venue):
    """Return the floor plan's (width, height)."""
    plan = venue.get("floorplan") or {}
    return float(plan.get("width") or DEFAULT_SIZE[0]), float(plan.get("height") or DEFAULT_SIZE[1])


def _kind(checkpoint, entrance_ids):
    """Return 'entrance' or 'interior' for a checkpoint."""
    if checkpoint.get("kind") in ("entrance", "interior"):
        return checkpoint["kind"]
    return "entrance" if checkpoint["id"] in entrance_ids else "interior"


_PLANS = {}


def plan(venue):
    """Return what the SVG floor plan template draws (cached per venue and language)."""
    if not venue:
        return None
    key = (select_language(), hashlib.sha1(json.dumps(venue, sort_keys=True).encode()).hexdigest())
    if key not in _PLANS:
        if len(_PLANS) > 16:
            _PLANS.clear()
        _PLANS[key] = _plan(venue)
    return _PLANS[key]


def _plan(venue):
    """Compute size, zones (with label spots) and checkpoint markers of the floor plan."""
    width, height = _size(venue)
    unit = min(width, height)
    r_entrance, r_interior = round(unit * 0.034, 1), round(unit * 0.028, 1)
    entrance_ids = {e["id"] for e in venue.get("entrances") or []}
    markers = []
    for cp in venue.get("checkpoints") or []:
        if cp.get("x") is None or cp.get("y") is None:
            continue
        kind = _kind(cp, entrance_ids)
        x, y = float(cp["x"]), float(cp["y"])
        r = r_entrance if kind == "entrance" else r_interior
        markers.append({
            "id": cp["id"], "kind": kind, "x": x, "y": y, "r": r,
            "name": localized(cp.get("name")),
            "font": round(r * (0.95 if len(cp["id"]) <= 2 else 0.78), 1),
            # Entrance labels sit on the side of the marker facing the middle of the plan.
            "label_below": y < height / 2,
            "anchor": "start" if x < width * 0.15 else "end" if x > width * 0.85 else "middle",
        })
    font_label = round(unit * 0.030, 1)
    avoid = [(m["x"], m["y"], m["r"] * 1.15, m["r"] * 1.15) for m in markers]
    for m in markers:
        if m["kind"] == "entrance":
            m["label_y"] = round(m["r"] * 1.25 + font_label * 0.8 if m["label_below"]
                                 else -(m["r"] * 1.25 + font_label * 0.3), 1)
            m["label_x"] = -m["r"] if m["anchor"] == "start" else m["r"] if m["anchor"] == "end" else 0
            half = text_em(m["name"]) * font_label / 2
            centre = m["x"] + m["label_x"] + {"start": half, "end": -half}.get(m["anchor"], 0)
            avoid.append((centre, m["y"] + m["label_y"] - font_label * 0.35, half + font_label,
                          font_label * 1.3))
    base = round(unit * 0.034, 1)
    zones = []
    for zone in venue.get("zones") or []:
        points = _points(zone)
        if len(points) < 3:
            continue
        name = localized(zone.get("name"))
        cx, cy, size, lines = label_layout(name, points, avoid, base)
        zones.append({
            "id": zone["id"], "name": name, "lines": lines, "font": round(size, 1),
            "points": " ".join(f"{x:g},{y:g}" for x, y in points),
            "cx": round(cx, 1), "cy": round(cy - (len(lines) - 1) * size * 0.6, 1),
        })
    return {
        "width": width, "height": height, "font_label": font_label,
        "zones": zones, "markers": markers,
    }


def checkpoint_groups(venue):
    """Return checkpoint groups for the guard's picker: entrances first, then one per zone."""
    if not venue:
        return []
    entrance_ids = [e["id"] for e in venue.get("entrances") or []]
    checkpoints = venue.get("checkpoints") or []
    by_id = {cp["id"]: cp for cp in checkpoints}
    groups = []
    entrances = [by_id[i] for i in entrance_ids if i in by_id]
    entrances += [cp for cp in checkpoints
                  if _kind(cp, set(entrance_ids)) == "entrance" and cp["id"] not in entrance_ids]
    if entrances:
        groups.append({"id": "entrances", "name": None, "checkpoints": _items(entrances)})
    seen = {cp["id"] for cp in entrances}
    zones = venue.get("zones") or []
    for zone in zones:
        items = [cp for cp in checkpoints if cp.get("zone_id") == zone["id"] and cp["id"] not in seen]
        if items:
            seen.update(cp["id"] for cp in items)
            groups.append({"id": zone["id"], "name": localized(zone.get("name")), "checkpoints": _items(items)})
    rest = [cp for cp in checkpoints if cp["id"] not in seen]
    if rest:
        groups.append({"id": "other", "name": None, "checkpoints": _items(rest)})
    return groups[:1] + pack_rows(groups[1:]) if entrances else pack_rows(groups)


def pack_rows(groups, width=3):
    """Reorder small groups first-fit into rows of `width` buttons (keeps order where it can)."""
    rows = []
    for group in groups:
        size = len(group["checkpoints"])
        row = next((r for r in rows if size <= width and r[0] + size <= width), None)
        if row is None:
            row = [0, []]
            rows.append(row)
        row[0] += size
        row[1].append(group)
    return [group for _, members in rows for group in members]


def _items(checkpoints):
    """Return the id and localized name of each checkpoint."""
    return [{"id": cp["id"], "name": localized(cp.get("name"))} for cp in checkpoints]


def locations(venue):
    """Return (group label key, [(id, name)]) lists for the timeline's location filter."""
    if not venue:
        return []
    out = []
    cps = [(cp["id"], localized(cp.get("name"))) for cp in venue.get("checkpoints") or []]
    if cps:
        out.append(("filter.checkpoints", cps))
    zones = [(z["id"], localized(z.get("name"))) for z in venue.get("zones") or []]
    if zones:
        out.append(("filter.zones", zones))
    return out

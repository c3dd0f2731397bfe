"""Build result rows, print the table and write bench/results.json."""
import json
import math
import multiprocessing
import platform
import subprocess
import sys
from datetime import datetime, timezone


def ms(seconds):
    """Convert seconds to milliseconds."""
    return seconds * 1000.0


def is_number(value):
    """Tell whether value is a real number (not None, not NaN)."""
    return isinstance(value, (int, float)) and not (isinstance(value, float) and math.isnan(value))


def ratio_of(base, cand):
    """Return cand/base, or None when either is missing or base is zero."""
    return cand / base if is_number(base) and is_number(cand) and base else None


def target_row(metric, unit, base, cand, kind, limit):
    """Build a ratio row: kind 'max' (ratio ≤ limit) or 'min' (ratio ≥ limit)."""
    ratio = ratio_of(base, cand)
    passed = ratio is not None and ((ratio <= limit) if kind == "max" else (ratio >= limit))
    target = f"≤ {limit:g}×" if kind == "max" else f"≥ {limit * 100:.0f} %"
    return {"metric": metric, "unit": unit, "bare": base, "gatewatch": cand, "ratio": ratio,
            "target": target, "kind": kind, "limit": limit, "pass": bool(passed)}


def absolute_row(metric, unit, base, cand, kind, limit, show_ratio=True):
    """Build a row judged on Gatewatch's own value: kind 'lt' (< limit), 'le' (≤) or 'eq' (= limit)."""
    if not is_number(cand):
        passed = False
    elif kind == "lt":
        passed = cand < limit
    elif kind == "le":
        passed = cand <= limit
    else:
        passed = cand == limit
    sign = {"lt": "<", "le": "≤", "eq": "="}[kind]
    shown = f"{limit:,.0f}" if unit in ("B", "n") else f"{limit:g}"
    return {"metric": metric, "unit": unit, "bare": base, "gatewatch": cand,
            "ratio": ratio_of(base, cand) if show_ratio else None,
            "target": f"{sign} {shown} {unit}".replace(" n", ""), "kind": kind, "limit": limit,
            "pass": bool(passed)}


def info_row(metric, unit, base, cand, show_ratio=True):
    """Build an informational row: no target."""
    return {"metric": metric, "unit": unit, "bare": base, "gatewatch": cand,
            "ratio": ratio_of(base, cand) if show_ratio else None, "target": None, "pass": None}


def na_row(metric, why, target=None):
    """Build a row for something that cannot be measured (yet): shown as n/a with the reason."""
    return {"metric": metric, "unit": "", "bare": None, "gatewatch": None, "ratio": None,
            "target": target, "pass": None, "note": why}


def error_row(metric, error):
    """Build a row for a measurement that crashed."""
    return {"metric": metric, "unit": "", "bare": None, "gatewatch": None, "ratio": None,
            "target": None, "pass": False, "error": error}


def fmt(value, unit):
    """Format a measured value for the table."""
    if isinstance(value, str):
        return value
    if not is_number(value):
        return "n/a"
    if unit in ("n", "B", "ev/s", "%"):
        return f"{value:,.0f}"
    return f"{value:.2f}"


def fmt_ratio(row):
    """Format a ratio: percent for throughput, × otherwise."""
    ratio = row["ratio"]
    if not is_number(ratio):
        return "-"
    return f"{ratio * 100:.0f} %" if row["unit"] == "ev/s" else f"{ratio:.2f}×"


def result_cell(row):
    """Return PASS, FAIL, ERROR or - for a row."""
    if row.get("error"):
        return "ERROR"
    if row["pass"] is None:
        return "-"
    return "PASS" if row["pass"] else "FAIL"


def table_line(row):
    """Return the cells of one row."""
    if row.get("error"):
        return [row["metric"], "", "", "", "", row["target"] or "-", "ERROR"]
    if row.get("note"):
        return [row["metric"], "", "n/a", row["note"], "-", row["target"] or "-", "-"]
    return [row["metric"], row["unit"], fmt(row["bare"], row["unit"]), fmt(row["gatewatch"], row["unit"]),
            fmt_ratio(row), row["target"] or "-", result_cell(row)]


def print_table(rows, cand_header):
    """Print the results table on stdout; errors and notes follow it."""
    header = ["metric", "unit", "bare", cand_header, "ratio", "target", "result"]
    lines = [header] + [table_line(row) for row in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    print()
    for n, line in enumerate(lines):
        cells = zip(line, widths, strict=True)
        print("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(cells)))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    for row in rows:
        if row.get("error"):
            print(f"ERROR in {row['metric']}: {row['error']}")
    print()


def redis_version(binary):
    """Return the redis-server version line."""
    try:
        return subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def clean(value):
    """Make a value JSON-safe (NaN becomes null)."""
    return None if isinstance(value, float) and math.isnan(value) else value


def write_results(path, params, rows, redis_binary, mode):
    """Write the measurements and the run's context as JSON."""
    doc = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "mode": mode,
        "machine": {"cpus": multiprocessing.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version(), "redis": redis_version(redis_binary)},
        "params": params,
        "metrics": [{k: clean(v) for k, v in row.items()} for row in rows],
        "all_targets_met": all(row["pass"] for row in rows if row["pass"] is not None),
        "errors": [row["metric"] for row in rows if row.get("error")],
    }
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


def guarded(rows, metric, fn, *args):
    """Append fn(*args)'s rows to rows; if it crashes, append an error row instead and say why."""
    import traceback  # noqa: PLC0415 - only on this path

    try:
        rows.extend(fn(*args))
        return True
    except Exception as exc:  # noqa: BLE001 - one crashed measurement must not end the run
        print(f"[bench] ERROR in {metric}:\n{traceback.format_exc()}", file=sys.stderr, flush=True)
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        rows.append(error_row(metric, f"{type(exc).__name__}: {' / '.join(dict.fromkeys(lines[:1] + lines[-1:]))}"))
        return False

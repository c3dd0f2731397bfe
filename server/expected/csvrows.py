"""Expected-visitor lists as CSV: decode, read and check every row (pure: no I/O).

Columns (a header line first, English or Chinese names, any order):
name, id_type, id_number, organization, host, date, plate. Each row is checked with the
registration rules (`server.identity.idcheck`); the whole file is refused when any row is bad.
"""
import csv
import datetime as dt
import io

from server.errors import Text
from server.identity import idcheck

COLUMNS = ("name", "id_type", "id_number", "organization", "host", "date", "plate")
REQUIRED = ("name", "id_type", "id_number", "date")
HEADER_NAMES = {"姓名": "name", "证件类型": "id_type", "证件号码": "id_number", "单位": "organization",
                "接待人": "host", "日期": "date", "车牌": "plate", "车牌号": "plate"}
# Document types as people write them in a spreadsheet.
TYPE_NAMES = {"身份证": "resident_id", "居民身份证": "resident_id", "永久居留身份证": "foreign_permanent_resident",
              "外国人永久居留身份证": "foreign_permanent_resident", "港澳居民来往内地通行证": "hk_macau_permit",
              "回乡证": "hk_macau_permit", "台湾居民来往大陆通行证": "taiwan_permit", "台胞证": "taiwan_permit",
              "护照": "passport", "其他": "other"}
# The Chinese name of each document type, for the reader of a Chinese report.
TYPE_ZH = {"resident_id": "居民身份证", "foreign_permanent_resident": "外国人永久居留身份证",
           "hk_macau_permit": "港澳居民来往内地通行证", "taiwan_permit": "台湾居民来往大陆通行证",
           "passport": "护照", "other": "其他"}
LIMITS = {"name": 100, "organization": 200, "host": 100}
MAX_ROWS = 5000
# A list is for the coming days: one dated further ahead is a typo (9999-12-31) and would
# wait for the purge for ever.
HORIZON_DAYS = 366

NOT_TEXT = Text("the file is not text in UTF-8 or GB18030", "文件不是 UTF-8 或 GB18030 编码的文本")
NO_HEADER = Text("the first line must name the columns: name, id_type, id_number, organization, host, date, plate",
                 "第一行应为列名：name, id_type, id_number, organization, host, date, plate（或 姓名、证件类型、证件号码、单位、接待人、日期、车牌）")
NO_ROWS = Text("the file has no rows", "文件中没有数据行")
TOO_MANY = Text(f"at most {MAX_ROWS} rows per file", f"每个文件最多 {MAX_ROWS} 行")
REQUIRED_TEXT = Text("is required", "必填")
TOO_LONG = Text("is too long", "过长")
BAD_TYPE = Text("must be one of: " + ", ".join(idcheck.ID_TYPES),
                "应为以下之一：" + "、".join(TYPE_ZH.get(t, t) for t in idcheck.ID_TYPES))
BAD_DATE = Text("must be a date like 2026-05-01", "应为日期，如 2026-05-01")
EXTRA_CELLS = Text("has more cells than the header", "单元格数量多于列名")
TOO_FAR = Text(f"is more than {HORIZON_DAYS} days ahead", f"晚于今天 {HORIZON_DAYS} 天以上")
CELL_TOO_LONG = Text(f"a cell is longer than {csv.field_size_limit():,} characters (or a quote is never closed)",
                     f"有单元格超过 {csv.field_size_limit():,} 个字符（或引号未闭合）")


def decode(raw):
    """Return the text of an uploaded file: UTF-8 (with or without BOM), else GB18030 (Excel in China)."""
    if isinstance(raw, str):
        return raw.lstrip("\ufeff")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _header(cells):
    """Return the column names of a header line, or None when a required one is missing."""
    names = [HEADER_NAMES.get(c.strip(), c.strip().lower()) for c in cells]
    return names if all(r in names for r in REQUIRED) else None


def _written(cells, header):
    """Return {column: its name as the file's header wrote it} (姓名 for name in a Chinese file)."""
    return {name: cell.strip() for name, cell in zip(header, cells)}


def _problem(line, field, text):
    """Return one rejected cell as the report lists it (both languages)."""
    return {"line": line, "field": field, "column": "", "reason": {"en": str(text), "zh": text.zh}}


def _date(value):
    """Return an ISO date string, or None."""
    try:
        return dt.date.fromisoformat(value.replace("/", "-")).isoformat()
    except ValueError:
        return None


def check_row(line, cells, today=None):
    """Return (row, problems) for one data line given as {column: text}; `today` bounds the date."""
    problems, row = [], {}
    for column in COLUMNS:
        value = (cells.get(column) or "").strip()
        if column in REQUIRED and not value:
            problems.append(_problem(line, column, REQUIRED_TEXT))
        elif column in LIMITS and len(value) > LIMITS[column]:
            problems.append(_problem(line, column, TOO_LONG))
        row[column] = value
    id_type = TYPE_NAMES.get(row["id_type"], row["id_type"].lower())
    if row["id_type"] and id_type not in idcheck.ID_TYPES:
        problems.append(_problem(line, "id_type", BAD_TYPE))
    elif row["id_type"] and row["id_number"]:
        number, error = idcheck.check_id(id_type, row["id_number"])
        if error is not None:
            problems.append(_problem(line, "id_number", error))
        row["id_number"] = number
    row["id_type"] = id_type
    if row["date"] and not _date(row["date"]):
        problems.append(_problem(line, "date", BAD_DATE))
    row["date"] = _date(row["date"]) if row["date"] else ""
    latest = (today or dt.date.today()) + dt.timedelta(days=HORIZON_DAYS)
    if row["date"] and row["date"] > latest.isoformat():
        problems.append(_problem(line, "date", TOO_FAR))
    row["plate"], row["plate_unusual"] = idcheck.normalise_plate(row["plate"]) if row["plate"] else ("", False)
    row["line"] = line
    return row, problems


def _lines(text):
    """Return (the file's lines as cells, or None; the problem of a line the csv module refused).

    Lines may end in CRLF, LF or CR alone (Excel's "CSV (Macintosh)"): newline=None reads all three.
    """
    reader = csv.reader(io.StringIO(text, newline=None))
    try:
        return list(reader), None
    except csv.Error:
        return None, _problem(reader.line_num, "file", CELL_TOO_LONG)


def read(raw, today=None):
    """Return (rows, problems) of a whole file; rows are only usable when problems is empty.

    `today` (the venue's date) bounds how far ahead a list may be dated.
    """
    text = decode(raw)
    if text is None:
        return [], [_problem(0, "file", NOT_TEXT)]
    lines, refused = _lines(text)
    if refused:
        return [], [refused]
    header = _header(lines[0]) if lines else None
    if header is None:
        return [], [_problem(1, "file", NO_HEADER)]
    data = [(n, cells) for n, cells in enumerate(lines[1:], start=2) if any(c.strip() for c in cells)]
    if not data:
        return [], [_problem(1, "file", NO_ROWS)]
    if len(data) > MAX_ROWS:
        return [], [_problem(MAX_ROWS + 2, "file", TOO_MANY)]
    rows, problems, seen = [], [], {}
    for line, cells in data:
        if len(cells) > len(header):
            problems.append(_problem(line, "file", EXTRA_CELLS))
            continue
        row, found = check_row(line, dict(zip(header, cells)), today)
        key = (row["id_type"], row["id_number"], row["date"])
        if not found and key in seen:
            found = [_problem(line, "id_number", Text(f"the same document and date as line {seen[key]}",
                                                      f"与第 {seen[key]} 行证件和日期重复"))]
        seen.setdefault(key, line)
        problems.extend(found)
        rows.append(row)
    written = _written(lines[0], header)
    for problem in problems:  # the report names each column as the file's header did
        problem["column"] = written.get(problem["field"], "")
    return rows, problems

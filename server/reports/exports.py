"""The report as sheets: XLSX (one sheet per part) and CSV (one file per part, in a zip).

Both lay a part out alike: its title, its headline figures (label, value), then each table
(title, header, rows), a blank row between blocks. Cells hold the JSON's values as they are
(ids, numbers, venue-local times); labels are in the reader's language.
"""
import csv
import io
import zipfile

from server.reports.labels import PARTS, TABLES, WORDS, word

BOM = "\ufeff"  # Excel and WPS read a CSV as UTF-8 only when it starts with one


def columns(rows):
    """Return the keys of a table's rows, in first-seen order."""
    keys = []
    for row in rows:
        keys.extend(k for k in row if k not in keys)
    return keys


def layout(part, name, lang):
    """Return the rows of one part's sheet: lists of cells (None: an empty cell)."""
    out = [[word(PARTS, name, lang)], []]
    for key, value in part["summary"].items():
        out.append([word(WORDS, key, lang), value])
    for table, rows in part["tables"].items():
        keys = columns(rows)
        out += [[], [word(TABLES, table, lang)], [word(WORDS, k, lang) for k in keys]]
        out += [[row.get(k) for k in keys] for row in rows]
    return out


def sheets(report, lang):
    """Return [(part name, its sheet's rows)] in the report's order."""
    return [(name, layout(part, name, lang)) for name, part in report["parts"].items()]


def to_xlsx(report, lang):
    """Return the report as an XLSX workbook's bytes: one sheet per part."""
    from openpyxl import Workbook  # a large import, needed only for this format
    from openpyxl.styles import Font
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets(report, lang):
        sheet = book.create_sheet(word(PARTS, name, lang)[:31])
        for row in rows:
            sheet.append(row)
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.column_dimensions["A"].width = 28
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_csv_zip(report, lang):
    """Return the report as a zip of one UTF-8 CSV (with BOM) per part."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, (name, rows) in enumerate(sheets(report, lang), 1):
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerows([["" if cell is None else cell for cell in row] for row in rows])
            archive.writestr(f"{n}-{name}.csv", BOM + text.getvalue())
    return out.getvalue()

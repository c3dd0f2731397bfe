"""Compose a report and encode it in one format: the CPU-heavy work a view runs through run_heavy.

Pure: the inputs were read before (server/reports/service.gather); nothing here touches Redis or Flask.
"""
from server.reports import exports, service

MEDIA = {"json": "application/json", "html": "text/html; charset=utf-8", "csv": "application/zip",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
SUFFIX = {"csv": "csv.zip", "xlsx": "xlsx", "html": "html", "json": "json"}


def produce(venue, inputs, viewer, fmt, lang):
    """Return (report, encoded bytes or None): XLSX and CSV encoded here, JSON and HTML by the view."""
    report = service.compose(venue, inputs, viewer)
    if fmt == "xlsx":
        return report, exports.to_xlsx(report, lang)
    if fmt == "csv":
        return report, exports.to_csv_zip(report, lang)
    return report, None


def filename(report, fmt):
    """Return the download's file name: gatewatch-report-<venue>-<first>[_<last>].<suffix>."""
    days = report["first_day"] + ("" if report["last_day"] == report["first_day"] else f"_{report['last_day']}")
    return f"gatewatch-report-{report['venue']['id']}-{days}.{SUFFIX[fmt]}"

"""Expected-visitor CSV rows: headers in either language, encodings, document names, the report."""
import pytest

from server.expected import csvrows
from unit_ids import ID


def test_chinese_headers_any_order_bom_and_chinese_document_names():
    text = f"\ufeff日期,姓名,证件类型,证件号码,车牌\n2026/05/20,张三丰,身份证,{ID.lower()},京a·12345\n"
    rows, problems = csvrows.read(text.encode("utf-8"))
    assert problems == []
    expected = {"name": "张三丰", "id_type": "resident_id", "id_number": ID, "date": "2026-05-20",
                "plate": "京A12345", "plate_unusual": False, "organization": "", "host": "", "line": 2}
    assert {k: rows[0][k] for k in expected} == expected


def test_gb18030_as_excel_saves_it_in_china():
    text = "name,id_type,id_number,date\n张三丰,护照,E12345678,2026-05-20\n"
    rows, problems = csvrows.read(text.encode("gb18030"))
    assert problems == [] and rows[0]["name"] == "张三丰" and rows[0]["id_type"] == "passport"


def test_blank_lines_are_skipped_and_line_numbers_count_them():
    text = "name,id_type,id_number,date\n\n张三丰,passport,E1,2026-05-20\n"
    _, problems = csvrows.read(text)
    assert [(p["line"], p["field"]) for p in problems] == [(3, "id_number")]


@pytest.mark.parametrize("cells,field", [
    ({"name": "x" * 101}, "name"), ({"id_type": "visa"}, "id_type"), ({"date": "20.5.2026"}, "date"),
    ({"organization": "o" * 201}, "organization"), ({"id_number": ""}, "id_number"),
])
def test_each_rule_reports_its_column_in_both_languages(cells, field):
    row = {"name": "张三丰", "id_type": "resident_id", "id_number": ID, "date": "2026-05-20", **cells}
    _, problems = csvrows.check_row(7, row)
    assert [p["field"] for p in problems] == [field]
    reason = problems[0]["reason"]
    assert reason["en"] and any("\u4e00" <= c <= "\u9fff" for c in reason["zh"])
    assert problems[0]["line"] == 7


def test_too_many_cells_is_a_problem_of_that_line():
    _, problems = csvrows.read("name,id_type,id_number,date\n张三丰,passport,E12345678,2026-05-20,extra\n")
    assert [(p["line"], p["field"]) for p in problems] == [(2, "file")]


def test_cr_only_line_endings_as_excel_for_mac_saves_them():
    """Excel's "CSV (Macintosh)" ends lines with CR alone."""
    text = "name,id_type,id_number,date\r张三丰,passport,E12345678,2026-05-20\rJane Doe,passport,E7654321,2026-05-20\r"
    rows, problems = csvrows.read(text.encode("utf-8"))
    assert problems == [] and [r["name"] for r in rows] == ["张三丰", "Jane Doe"]
    assert [r["line"] for r in rows] == [2, 3]


def test_a_cell_longer_than_the_csv_limit_is_a_problem_of_its_line():
    text = "name,id_type,id_number,date\n张三丰,passport,E12345678,2026-05-20\n" + "x" * 131073 + ",passport,E1,2026-05-20\n"
    rows, problems = csvrows.read(text.encode("utf-8"))
    assert [(p["line"], p["field"]) for p in problems] == [(3, "file")]
    assert "131,072" in problems[0]["reason"]["en"]


@pytest.mark.parametrize("date,refused", [("9999-12-31", True), ("2027-06-03", True), ("2027-06-01", False),
                                          ("2020-01-01", False)])
def test_a_list_dated_beyond_a_year_ahead_is_refused(date, refused):
    import datetime as dt
    row = {"name": "张三丰", "id_type": "passport", "id_number": "E12345678", "date": date}
    _, problems = csvrows.check_row(2, row, today=dt.date(2026, 6, 1))
    assert [p["field"] for p in problems] == (["date"] if refused else [])
    if refused:
        assert "366" in problems[0]["reason"]["en"]

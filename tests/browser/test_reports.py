"""/command/reports and the printable report: chosen days, both languages, A4 PDF with Chinese glyphs."""
import os
import pathlib
import re
import sys

import pytest
from playwright.sync_api import expect

from .pw_helpers import PASSWORD, sign_in_api

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import report_day  # noqa: E402

COMMANDER = "cmd_wang"
SHOTS = os.environ.get("GATEWATCH_SHOTS")  # a directory: save screenshots there to look at
BASE_FONT = re.compile(rb"/BaseFont\s*/([A-Za-z0-9+_-]+)")


@pytest.fixture(scope="module")
def played(live_server):
    """The scripted day, played once into the live server's store; a commander to read it."""
    live_server.add_user(COMMANDER, "commander", PASSWORD, display_name="王指挥")
    live_server.add_user("op_reader", "operator", PASSWORD)
    with pytest.MonkeyPatch.context() as monkeypatch:
        return report_day.play(live_server.ctx, monkeypatch)


def _shot(page, name):
    """Save a full-page screenshot when GATEWATCH_SHOTS names a directory."""
    if SHOTS:
        page.screenshot(path=str(pathlib.Path(SHOTS) / name), full_page=True)


def _report(make_context, lang):
    """Open the page as the commander, choose the scripted day, and open the printable report."""
    context = make_context(lang=lang)
    sign_in_api(context, COMMANDER)
    page = context.new_page()
    page.goto("/command/reports")
    day = report_day.DAY.isoformat()
    page.locator('input[name="from"]').fill(day)
    page.locator('input[name="to"]').fill(day)
    page.locator('form.rep-form button[type="submit"]').click()
    expect(page.locator("[data-report-ready]")).to_be_visible()
    for fmt in ("xlsx", "csv", "html", "json"):
        expect(page.locator(f'[data-download="{fmt}"]')).to_have_attribute("href", re.compile(f"format={fmt}"))
    _shot(page, f"reports-page-{lang}.png")
    with context.expect_page() as opened:
        page.locator("[data-view]").click()
    report = opened.value
    expect(report.locator("body")).to_have_attribute("data-charts-ready", "true")
    return report


def test_the_chinese_report_prints_on_a4_with_the_served_noto_font(make_context, live_server, played):
    report = _report(make_context, "zh-CN")
    expect(report.locator("h1")).to_contain_text("安保工作总结报告")
    expect(report.locator('[data-part="inspections"]')).to_contain_text("立行立改占比（%）")
    expect(report.locator('[data-table="incidents.sop_skipped"]')).to_contain_text(report_day.SKIP_REASON)
    assert report.evaluate('document.fonts.check("16px \\"Noto Sans SC\\"", "安保工作总结报告")')
    # Both charts drew something: a canvas left blank has no opaque pixel.
    for chart in ("patrols-hourly", "visitors-per_hour"):
        assert report.evaluate(f"""() => {{
            const c = document.querySelector('canvas[data-chart="{chart}"]');
            return c.getContext("2d").getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v > 0);
        }}""")
    _shot(report, "report-zh-CN.png")
    pdf = report.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    if SHOTS:
        (pathlib.Path(SHOTS) / "report-zh-CN.pdf").write_bytes(pdf)
    fonts = set(BASE_FONT.findall(pdf))
    # Every text of the PDF is set in the Noto Sans SC the pages serve: no fallback font stood in
    # (one would show up here), so the Chinese carries glyphs, not boxes.
    assert fonts and all(b"NotoSansSC" in name for name in fonts), fonts
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) >= 2  # the day fills more than one A4 page


def test_the_english_report_and_its_links(make_context, live_server, played):
    report = _report(make_context, "en")
    expect(report.locator("h1")).to_contain_text("After-action report")
    expect(report.locator('[data-part="clearance"]')).to_contain_text("Zones re-swept")
    expect(report.locator("[data-audit-head]")).to_contain_text("seq:")  # the chain head, this download included
    _shot(report, "report-en.png")


def test_an_operator_is_refused_the_page(make_context, live_server, played):
    context = make_context(lang="en")
    sign_in_api(context, "op_reader")
    page = context.new_page()
    answer = page.goto("/command/reports")
    assert answer.status == 403
    expect(page.locator("nav.desk-nav")).not_to_contain_text("Reports")

"""The printable checkpoint sheets: one A4 page per checkpoint (entrances too), name in both
languages and the signed QR code a guard scans to prove presence.

The Chinese text is set in Noto Sans SC, the pages' own font (npm @fontsource, copied to
static/vendor as unicode-range slices): each character is drawn from the slice that holds
it, and reportlab embeds the subset used, so the sheet prints the same on any printer.
"""
import io
import pathlib

import segno
from fontTools.ttLib import TTFont as FontFile
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from server.patrols import codes

ROOT = pathlib.Path(__file__).resolve().parent.parent
FONT_DIRS = (ROOT / "static" / "vendor" / "fonts" / "noto-sans-sc" / "files",
             ROOT / "node_modules" / "@fontsource" / "noto-sans-sc" / "files")
QR_SIZE = 125 * mm
INK = (0.05, 0.09, 0.12)


class FontSlices:
    """Noto Sans SC of one weight, as the slices that together cover the characters drawn."""

    def __init__(self, weight):
        self.weight = weight
        self.files = self._files()
        self.cmaps, self.registered = {}, set()

    def _files(self):
        """Return the slice files of this weight (woff2 from static/vendor, else woff from npm)."""
        for folder in FONT_DIRS:
            found = sorted(folder.glob(f"noto-sans-sc-*-{self.weight}-normal.woff2")) or \
                sorted(folder.glob(f"noto-sans-sc-*-{self.weight}-normal.woff"))
            if found:
                return found
        raise FileNotFoundError("Noto Sans SC not found: run `npm ci && npm run build` (static/vendor)")

    def _cmap(self, path):
        """Return a slice's character map (read once)."""
        if path not in self.cmaps:
            self.cmaps[path] = FontFile(str(path), lazy=True).getBestCmap()
        return self.cmaps[path]

    def _register(self, path):
        """Register one slice with reportlab (as plain TrueType) and return its font name."""
        name = f"NotoSC-{self.weight}-{path.name.split('-')[3]}"
        if name not in self.registered:
            font = FontFile(str(path))
            font.flavor = None  # woff/woff2 -> TrueType, which reportlab reads and embeds
            # Every slice carries the same PostScript name: the PDF would mix up their glyphs.
            for record in font["name"].names:
                if record.nameID in (1, 4, 6):
                    record.string = name
            data = io.BytesIO()
            font.save(data)
            data.seek(0)
            pdfmetrics.registerFont(TTFont(name, data))
            self.registered.add(name)
        return name

    def font_for(self, char):
        """Return the registered font name whose slice draws this character (Helvetica if none)."""
        for path in self.files:
            if ord(char) in self._cmap(path):
                return self._register(path)
        return "Helvetica"

    def runs(self, text):
        """Split text into (font name, piece) runs."""
        out = []
        for char in text:
            name = self.font_for(char)
            if out and out[-1][0] == name:
                out[-1][1] += char
            else:
                out.append([name, char])
        return out

    def width(self, text, size):
        """Return the drawn width of text at this size."""
        return sum(pdfmetrics.stringWidth(piece, name, size) for name, piece in self.runs(text))

    def draw_centred(self, pdf, text, y, size, page_width=A4[0]):
        """Draw text centred on the page at height y."""
        x = (page_width - self.width(text, size)) / 2
        for name, piece in self.runs(text):
            pdf.setFont(name, size)
            pdf.drawString(x, y, piece)
            x += pdfmetrics.stringWidth(piece, name, size)


def draw_qr(pdf, payload, x, y, size):
    """Draw the payload's QR code (error correction M, quiet zone of 4 modules) as vector squares."""
    matrix = [list(row) for row in segno.make(payload, error="m", micro=False).matrix]
    count = len(matrix) + 8
    module = size / count
    pdf.setFillColorRGB(1, 1, 1)
    pdf.rect(x, y, size, size, stroke=0, fill=1)
    pdf.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                pdf.rect(x + (c + 4) * module, y + size - (r + 5) * module, module * 1.01, module * 1.01,
                         stroke=0, fill=1)


def draw_page(pdf, fonts, venue, cp, payload, key_id):
    """Draw one checkpoint's sheet."""
    regular, bold = fonts
    width, height = A4
    zone = venue.find("zones", cp.zone_id)
    kind = ("出入口", "Entrance") if cp.kind == "entrance" else ("巡逻签到点", "Patrol checkpoint")
    pdf.setFillColorRGB(*INK)
    regular.draw_centred(pdf, f"{venue.name.get('zh-CN', '')} · {venue.name.get('en', '')}", height - 22 * mm, 12)
    regular.draw_centred(pdf, f"{kind[0]} · {kind[1]}", height - 34 * mm, 16)
    bold.draw_centred(pdf, cp.name.get("zh-CN") or cp.id, height - 58 * mm, 40)
    regular.draw_centred(pdf, cp.name.get("en") or cp.id, height - 74 * mm, 24)
    where = f"{cp.id}" + (f" · {zone.name.get('zh-CN')} / {zone.name.get('en')}" if zone else "")
    regular.draw_centred(pdf, where, height - 86 * mm, 14)
    draw_qr(pdf, payload, (width - QR_SIZE) / 2, height - 96 * mm - QR_SIZE, QR_SIZE)
    pdf.setFillColorRGB(*INK)
    bold.draw_centred(pdf, "用 Gatewatch 巡查签到页的“扫码签到”扫描此码", 52 * mm, 15)
    regular.draw_centred(pdf, 'Scan this code with "Scan code" on the Gatewatch check-in screen', 44 * mm, 12)
    regular.draw_centred(pdf, "请勿遮挡、移动或复制 · Do not cover, move or copy", 34 * mm, 11)
    pdf.setFillColorRGB(0.35, 0.38, 0.4)
    regular.draw_centred(pdf, f"venue {venue.id} · key {key_id}", 16 * mm, 9)


def write_sheets(settings, venue, out):
    """Write the sheets of every checkpoint (entrances first, file order) to `out`; return the count."""
    fonts = (FontSlices(400), FontSlices(700))
    key = codes.signing_key(settings)
    pdf = canvas.Canvas(str(out), pagesize=A4)
    pdf.setTitle(f"{venue.name.get('zh-CN', '')} — 签到码 / checkpoint codes")
    points = sorted(venue.checkpoints, key=lambda cp: cp.kind != "entrance")
    for cp in points:
        draw_page(pdf, fonts, venue, cp, codes.sign(settings, venue.id, cp.id), key["id"])
        pdf.showPage()
    pdf.save()
    return len(points)

"""Proof of presence in Chromium: the printed sheet's codes decode with the phone's decoder to payloads
the server accepts, and a guard's phone camera scanning a sheet records a qr check-in."""
import base64
import io

import pytest
from playwright.sync_api import expect

from server import codesheet
from server.patrols import codes

from .conftest import CHROMIUM_ARGS, chromium_path
from .pw_helpers import PASSWORD, PHONE, new_context, sign_in_api

GUARD = "guard_scan"
DECODE = """async (src) => {
  const { qrDecoder } = await import("/static/js/guard/scan.js");
  const img = new Image();
  img.src = src;
  await img.decode();
  return (await qrDecoder())(img);
}"""


def _sheet_images(live_server, tmp_path, scale=1.5):
    """Print the sheets with the server's key and return each page as a PIL image."""
    import pypdfium2

    out = tmp_path / "sheet.pdf"
    codesheet.write_sheets(live_server.ctx.settings, live_server.ctx.venue, out)
    return [page.render(scale=scale).to_pil() for page in pypdfium2.PdfDocument(str(out))]


def _png_url(image):
    """Return an image as a data: URL."""
    data = io.BytesIO()
    image.save(data, "PNG")
    return "data:image/png;base64," + base64.b64encode(data.getvalue()).decode()


def test_every_code_on_the_sheet_decodes_to_a_payload_the_server_accepts(make_context, live_server, tmp_path):
    """Each page's QR, read by the vendored decoder in Chromium, checks its checkpoint in as qr."""
    live_server.add_user(GUARD, "guard", PASSWORD)
    pages = _sheet_images(live_server, tmp_path)
    context = make_context(viewport=PHONE, mobile=True)
    sign_in_api(context, GUARD)
    page = context.new_page()
    page.goto("/login")
    expected = [cp.id for cp in sorted(live_server.ctx.venue.checkpoints, key=lambda cp: cp.kind != "entrance")]
    token = live_server.token(GUARD)
    for image, checkpoint in zip(pages, expected, strict=True):
        payload = page.evaluate(DECODE, _png_url(image))
        assert payload and payload.split(".")[3] == checkpoint
        answer = live_server.post("/api/v1/checkins", token, {"checkpoint_id": checkpoint, "status": "clear",
                                                              "code": payload})
        assert answer.status_code == 201, answer.text
        assert answer.json()["event"]["data"]["method"] == "qr"
    forged = payload[:-2] + ("AA" if not payload.endswith("AA") else "BB")
    refused = live_server.post("/api/v1/checkins", token, {"checkpoint_id": expected[-1], "status": "clear",
                                                           "code": forged})
    assert refused.status_code == 400 and "signature" in refused.json()["error"]["fields"]["code"]


def _y4m(image, path):
    """Write an image as a one-frame Y4M video (grey), what Chromium's fake camera plays."""
    grey = image.convert("L")
    w, h = (grey.width // 2) * 2, (grey.height // 2) * 2
    grey = grey.crop((0, 0, w, h))
    with open(path, "wb") as fh:
        fh.write(f"YUV4MPEG2 W{w} H{h} F10:1 Ip A1:1 C420jpeg\n".encode())
        fh.write(b"FRAME\n" + grey.tobytes() + bytes([128]) * (w // 2 * h // 2 * 2))


@pytest.fixture
def camera_browser(browser, tmp_path, live_server):
    """A Chromium whose camera films the first page of the sheet (C1's or E1's code)."""
    image = _sheet_images(live_server, tmp_path, scale=1.2)[0]
    w, h = image.size
    video = tmp_path / "sheet.y4m"
    _y4m(image.crop((w // 6, int(h * 0.28), w - w // 6, int(h * 0.82))), video)
    executable = chromium_path()
    if not executable:
        pytest.skip("no Chromium")
    camera = browser.browser_type.launch(executable_path=executable, args=[
        *CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}"])
    yield camera
    camera.close()


def test_scanning_the_sheet_with_the_phone_camera_records_a_qr_checkin(camera_browser, live_server):
    """Scan code → the camera reads the sheet → the check-in is saved as qr; a list tap is manual."""
    live_server.add_user(GUARD, "guard", PASSWORD)
    context = new_context(camera_browser, live_server, viewport=PHONE, mobile=True)
    context.grant_permissions(["camera"], origin=live_server.url)
    sign_in_api(context, GUARD)
    page = context.new_page()
    page.goto("/guard#checkin")
    expect(page.locator("body")).to_have_attribute("data-ready", "true", timeout=40000)
    page.locator("[data-scan]").click()
    toast = page.locator("[data-toast]")
    expect(toast).to_have_attribute("data-kind", "ok")
    expect(toast).to_contain_text("E1")
    expect(page.locator("[data-scanner]")).to_be_hidden()
    page.locator('[data-checkpoint="C2"]').click()
    page.locator("[data-checkin] [data-submit]").click()
    expect(toast).to_contain_text("C2")
    checkins = [e for e in live_server.ctx.store.scan_events() if e["type"] == "patrol.checkin"
                and e["actor"]["username"] == GUARD]
    methods = {e["data"]["checkpoint_id"]: e["data"]["method"] for e in checkins[-2:]}
    assert methods == {"E1": "qr", "C2": "manual"}
    context.close()

"""The guard's incident report: photos downscaled on the phone, queued offline, sent once; sealed fields."""
import io
import json

import requests
from PIL import Image
from playwright.sync_api import expect

from .pw_helpers import PASSWORD, PHONE, outbox_items, sign_in_api

GUARD = "guard_zhao"
READER = "incident_reader"
SECRET = "110101199003077777"


def _jpeg(size=(3000, 2000)):
    """Return a camera-sized JPEG."""
    out = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(out, "JPEG", quality=90)
    return {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def _get(live_server, path, **params):
    """GET an API path as the reader (an operator with a bearer token)."""
    answer = requests.get(live_server.url + path, params=params, timeout=10,
                          headers={"Authorization": f"Bearer {live_server.token(READER)}"})
    assert answer.status_code == 200, answer.text
    return answer


def _incidents(live_server, description):
    """Return the incidents the server holds with this description."""
    rows = _get(live_server, "/api/v1/incidents").json()["incidents"]
    return [row for row in rows if row["description"] == description]


def _phone(make_context, live_server, lang="zh-CN"):
    """Sign the guard in on a phone showing the incident form."""
    live_server.add_user(GUARD, "guard", PASSWORD, display_name="赵六")
    live_server.add_user(READER, "operator", PASSWORD)
    context = make_context(viewport=PHONE, mobile=True, lang=lang)
    sign_in_api(context, GUARD)
    page = context.new_page()
    page.goto("/guard#incident")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("[data-incident]")).to_be_visible()
    return context, page


def _fill(page, description, photos=1):
    """Fill the report: medical (severity preset to 2), at E1, with photos from the camera."""
    page.locator('[data-category="medical"]').click()
    expect(page.locator('input[name="severity"][value="2"]')).to_be_checked()
    page.locator("[data-locations]").select_option("E1")
    page.locator('textarea[name="description"]').fill(description)
    if photos:
        page.locator("[data-photo-input]").set_input_files([_jpeg() for _ in range(photos)])
        expect(page.locator("[data-thumbs] img")).to_have_count(photos)


def test_a_report_with_a_photo_reaches_the_server_downscaled(make_context, live_server):
    _, page = _phone(make_context, live_server)
    page.locator("[data-incident] [data-submit]").click()
    expect(page.locator("#category-error")).to_be_visible()
    expect(page.locator("#description-error")).to_have_text("请描述现场情况")

    _fill(page, "一名观众在北门晕倒")
    page.locator('[data-level="1"]').click()  # the guard judges it worse than the preset
    page.locator("[data-incident] [data-submit]").click()
    toast = page.locator("[data-toast]")
    expect(toast).to_have_attribute("data-kind", "ok")
    expect(toast).to_contain_text("已上报")
    [incident] = _incidents(live_server, "一名观众在北门晕倒")
    assert incident["severity"] == 1 and incident["category"] == "medical" and incident["location_id"] == "E1"
    [photo_id] = incident["photos"]
    served = _get(live_server, f"/api/v1/photos/{photo_id}")
    image = Image.open(io.BytesIO(served.content))
    assert image.format == "JPEG" and max(image.size) == 1600  # downscaled on the phone
    assert outbox_items(page) == []


def test_offline_report_waits_with_its_photo_across_a_reload_and_is_sent_once(make_context, live_server):
    context, page = _phone(make_context, live_server)
    context.set_offline(True)
    _fill(page, "南门有可疑包裹（离线上报）", photos=2)
    page.locator("[data-incident] [data-submit]").click()
    expect(page.locator("[data-toast]")).to_have_attribute("data-kind", "queued")
    expect(page.locator("[data-outbox-badge]")).to_have_text("待发送 1")
    [item] = outbox_items(page)
    assert [f["blob"] for f in item["files"]] == ["image/jpeg", "image/jpeg"] and item["uploaded"] == [None, None]

    # Back online, but the report itself cannot get through yet: the photos go up, then it waits.
    page.route("**/api/v1/incidents", lambda route: route.abort())
    context.set_offline(False)
    for _ in range(150):  # the photos go up before the report is refused
        if all(outbox_items(page)[0]["uploaded"]):
            break
        page.wait_for_timeout(100)
    uploaded = outbox_items(page)[0]["uploaded"]
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("[data-outbox-badge]")).to_have_text("待发送 1")
    assert _incidents(live_server, "南门有可疑包裹（离线上报）") == []

    page.unroute("**/api/v1/incidents")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-outbox-badge]")).to_be_hidden()
    [incident] = _incidents(live_server, "南门有可疑包裹（离线上报）")
    assert incident["photos"] == uploaded  # the photos uploaded before the reload, not new copies
    uploads = _get(live_server, "/api/v1/events", type="photo.uploaded", limit=1000).json()["events"]
    assert sorted(uploaded) == sorted(e["data"]["photo_id"] for e in uploads if e["data"]["photo_id"] in uploaded)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(500)
    assert len(_incidents(live_server, "南门有可疑包裹（离线上报）")) == 1


def test_a_sealed_field_is_never_stored_in_plaintext_and_is_sent_decrypted(make_context, live_server):
    context, page = _phone(make_context, live_server)
    context.set_offline(True)
    key = page.evaluate("""async ([owner, secret]) => {
      const { Outbox } = await import("/static/js/outbox.js");
      const item = await new Outbox(owner).add("/api/v1/incidents",
        { category: "other", location_id: "E2", description: secret }, { kind: "test" }, { seal: ["description"] });
      return item.key;
    }""", [GUARD, SECRET])
    [item] = outbox_items(page)
    assert item["key"] == key and "description" not in item["body"]
    stored = json.dumps(item) + page.evaluate("JSON.stringify(Object.entries(localStorage))")
    assert SECRET not in stored
    assert SECRET.encode() not in bytes(item["sealed"]["data"]["bytes"])
    sealing_key = page.evaluate("""async (owner) => {
      const db = await new Promise((ok) => { const r = indexedDB.open("gatewatch"); r.onsuccess = () => ok(r.result); });
      const row = await new Promise((ok) => { const r = db.transaction("sealing_keys").objectStore("sealing_keys").get(owner);
                                              r.onsuccess = () => ok(r.result); });
      db.close();
      let exported = true;
      try { await crypto.subtle.exportKey("raw", row.key); } catch { exported = false; }
      return { extractable: row.key.extractable, algorithm: row.key.algorithm.name, exported };
    }""", GUARD)
    assert sealing_key == {"extractable": False, "algorithm": "AES-GCM", "exported": False}

    context.set_offline(False)  # decrypted only to be sent
    expect(page.locator("[data-outbox-badge]")).to_be_hidden()
    assert len(_incidents(live_server, SECRET)) == 1


def test_sign_out_deletes_sealed_items_and_the_key_after_asking(make_context, live_server):
    context, page = _phone(make_context, live_server)
    context.set_offline(True)
    page.evaluate("""async (owner) => {
      const { Outbox } = await import("/static/js/outbox.js");
      const box = new Outbox(owner);
      await box.add("/api/v1/incidents", { category: "other", location_id: "E2", description: "x" }, {},
                    { seal: ["description"] });
      await box.add("/api/v1/checkins", { checkpoint_id: "E1", status: "clear" }, { kind: "checkin" });
    }""", GUARD)
    assert len(outbox_items(page)) == 2
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.locator("[data-signout]").first.click()
    page.wait_for_timeout(300)
    assert asked and "个人信息" in asked[0] and len(outbox_items(page)) == 2  # cancelled: nothing lost
    page.once("dialog", lambda dialog: dialog.accept())
    for path in ("**/api/v1/checkins", "**/api/v1/incidents"):  # online for signing out, not for sending
        page.route(path, lambda route: route.abort())
    context.set_offline(False)
    page.locator("[data-signout]").first.click()
    page.wait_for_url("**/login**")
    left = outbox_items(page)
    assert [i["url"] for i in left] == ["/api/v1/checkins"]  # unsealed items wait for the guard, as before
    assert page.evaluate("""async () => {
      const db = await new Promise((ok) => { const r = indexedDB.open("gatewatch"); r.onsuccess = () => ok(r.result); });
      const n = await new Promise((ok) => { const r = db.transaction("sealing_keys").objectStore("sealing_keys").count();
                                            r.onsuccess = () => ok(r.result); });
      db.close();
      return n;
    }""") == 0

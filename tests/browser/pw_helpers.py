"""Helpers for the browser tests (contexts, signing in)."""

PHONE = {"width": 390, "height": 844}
WALL = {"width": 1920, "height": 1080}
PASSWORD = "correct-horse-1"


def new_context(browser, server, *, viewport=WALL, lang="zh-CN", mobile=False):
    """Open a fresh browser context (its own cookies and storage) for the server."""
    context = browser.new_context(base_url=server.url, viewport=viewport, locale=lang,
                                  timezone_id="Asia/Shanghai", is_mobile=mobile, has_touch=mobile)
    context.set_default_timeout(15000)
    return context


def sign_in_api(context, username, password=PASSWORD):
    """Sign the context in through the API (its cookie jar is the browser's)."""
    answer = context.request.post("/api/v1/auth/login", data={"username": username, "password": password})
    assert answer.ok, answer.text()
    return answer.json()


def sign_in_page(page, username, password=PASSWORD):
    """Sign in through the /login form the way a person does."""
    page.get_by_label("用户名").or_(page.get_by_label("Username")).fill(username)
    page.locator("#password").fill(password)
    page.locator("[data-login] [data-submit]").click()


# Every record of the outbox's IndexedDB store, with Blobs and buffers described (not returned).
DUMP_OUTBOX = """async () => {
  const db = await new Promise((ok, fail) => {
    const req = indexedDB.open("gatewatch");
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error);
  });
  if (!db.objectStoreNames.contains("outbox")) { db.close(); return []; }
  const items = await new Promise((ok, fail) => {
    const req = db.transaction("outbox").objectStore("outbox").getAll();
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error);
  });
  db.close();
  const text = async (v) => v instanceof Blob ? { blob: v.type, size: v.size }
    : v instanceof ArrayBuffer || ArrayBuffer.isView(v)
      ? { bytes: Array.from(new Uint8Array(v.buffer || v, v.byteOffset || 0, v.byteLength)) } : v;
  return Promise.all(items.map(async (item) => ({
    ...item,
    files: await Promise.all((item.files || []).map(text)),
    sealed: item.sealed ? { iv: await text(item.sealed.iv), data: await text(item.sealed.data) } : null,
  })));
}"""


def outbox_items(page):
    """Return the outbox items stored in the page's IndexedDB (oldest first)."""
    items = page.evaluate(DUMP_OUTBOX)
    return sorted(items, key=lambda i: (i.get("seq") or 0, i["created_at"]))


def shot(page, name):
    """Save a screenshot to the folder GATEWATCH_SHOTS names, when set (to look at)."""
    import os
    import pathlib
    folder = os.environ.get("GATEWATCH_SHOTS")
    if folder:
        pathlib.Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png")

// Service worker for the guard app: keeps the app shell and static files available offline.
// Submissions are never cached here; the page's outbox (IndexedDB, with its photos) holds them until sent.
const VERSION = "gatewatch-shell-v1";
const SHELL = "/guard";

// Keep a copy of the signed-in guard page (never a sign-in page a redirect led to).
async function keep(cache, request, response) {
  if (response.ok && response.type === "basic" && !response.redirected) await cache.put(request, response.clone());
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(VERSION);
    try {
      const page = await fetch(SHELL, { credentials: "same-origin" });
      await keep(cache, SHELL, page.clone());
      // Install completes only once the page's own styles and entry scripts are kept too; the
      // modules they import are handed over by the page (see "message").
      if (page.ok && !page.redirected) {
        const html = await page.text();
        await keepAll([...html.matchAll(/(?:href|src)="(\/static\/[^"#]+)/g)].map((m) => new URL(m[1].replaceAll("&amp;", "&"), self.location.origin).href));
      }
    } catch { /* offline now: the next visit fills the cache */ }
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== VERSION).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// Network first; fall back to the cached copy when the network fails.
async function networkFirst(request) {
  const cache = await caches.open(VERSION);
  try {
    const response = await fetch(request);
    await keep(cache, request, response);
    return response;
  } catch (err) {
    const cached = await cache.match(request, { ignoreSearch: request.mode === "navigate" });
    if (cached) return cached;
    throw err;
  }
}

// Tell whether url is one this worker keeps: the guard page or a static file of this origin.
function keepable(u) {
  try {
    const url = new URL(u);
    return url.origin === self.location.origin && (url.pathname === SHELL || url.pathname.startsWith("/static/"));
  } catch { return false; }
}

// Keep a copy of each url not kept yet; return how many are kept and which are still missing.
async function keepAll(urls) {
  const cache = await caches.open(VERSION);
  const missing = [];
  await Promise.all(urls.map(async (u) => {
    if (await cache.match(u)) return;
    try { await keep(cache, u, await fetch(u, { credentials: "same-origin", cache: "no-cache" })); } catch { /* below */ }
    if (!(await cache.match(u))) missing.push(u);
  }));
  return { cache: VERSION, kept: urls.length - missing.length, missing };
}

// The page lists the files it loaded (modules, styles, fonts, icons) and the page itself: keep
// a copy of each, then answer on the message's port, so the page says "ready offline" only
// once every file is here.
self.addEventListener("message", (event) => {
  const urls = (event.data?.keep || []).filter(keepable);
  const port = event.ports?.[0];
  event.waitUntil(keepAll(urls).then((answer) => port?.postMessage(answer)));
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/socket.io")) return;
  if (url.pathname === "/guard" || url.pathname.startsWith("/static/")) {
    event.respondWith(networkFirst(event.request));
  }
});

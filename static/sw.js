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
      await keep(cache, SHELL, await fetch(SHELL, { credentials: "same-origin" }));
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

// The page lists the static files it loaded: keep a copy of each (same origin, /static/ only).
self.addEventListener("message", (event) => {
  const urls = (event.data?.keep || []).filter((u) => {
    try {
      const url = new URL(u);
      return url.origin === self.location.origin && url.pathname.startsWith("/static/");
    } catch { return false; }
  });
  if (!urls.length) return;
  event.waitUntil(caches.open(VERSION).then((cache) => Promise.all(urls.map(async (u) => {
    if (await cache.match(u)) return;
    try { await keep(cache, u, await fetch(u, { credentials: "same-origin" })); } catch { /* next visit */ }
  }))));
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/socket.io")) return;
  if (url.pathname === "/guard" || url.pathname.startsWith("/static/")) {
    event.respondWith(networkFirst(event.request));
  }
});

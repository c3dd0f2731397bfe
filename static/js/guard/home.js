// The home screen: its main action follows the phase (clearance after the meeting, check-in
// otherwise), moved in the page's order so Tab follows what the eye sees; and whether the app
// is ready to work offline (every file it loaded is kept by the service worker).
import { t } from "../i18n.js";

const FEATURED = { post_event: "clearance" };

// Make the phase's main action the big first tile (the other goes to its place).
export function arrangeHome(phaseId) {
  const home = document.querySelector('[data-view="home"]');
  const want = home?.querySelector(`.g-tile[data-go="${FEATURED[phaseId] || "checkin"}"]`);
  const now = home?.querySelector(".g-tile.primary");
  if (!want || !now || want === now) return;
  const mark = document.createComment("");
  now.replaceWith(mark);
  want.replaceWith(now);
  mark.replaceWith(want);
  now.classList.remove("primary");
  want.classList.add("primary");
}

// Ask the service worker to keep urls; resolve with its answer ({kept, missing}).
function askWorker(worker, urls) {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (e) => resolve(e.data || {});
    worker.postMessage({ keep: urls }, [channel.port2]);
  });
}

// Say on the home screen whether the app would open with no network; true once every file is kept.
export async function watchOfflineReady() {
  const el = document.querySelector("[data-offline-ready]");
  if (!el || !("serviceWorker" in navigator) || !window.isSecureContext) return false;
  el.hidden = false;
  el.dataset.state = "preparing";
  el.textContent = t("guard.offline_preparing");
  const reg = await navigator.serviceWorker.ready;
  const urls = [...new Set(performance.getEntriesByType("resource").map((e) => e.name)
    .filter((u) => new URL(u).origin === location.origin && new URL(u).pathname.startsWith("/static/")))];
  urls.push(new URL("/guard", location.origin).href);
  const answer = await askWorker(reg.active || reg.waiting || reg.installing, urls);
  // Trust the cache, not the answer: every file must be found there.
  const cache = await caches.open(answer.cache || "gatewatch-shell-v1");
  const found = await Promise.all(urls.map((u) => cache.match(u, { ignoreSearch: u.endsWith("/guard") })));
  const ready = found.every(Boolean);
  el.dataset.state = ready ? "ready" : "missing";
  el.textContent = ready ? t("guard.offline_ready") : t("guard.offline_missing", { n: found.filter((f) => !f).length });
  return ready;
}

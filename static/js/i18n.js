// Message catalogue of the page's language (embedded by the server) and time formatting
// in the venue's time zone.
const catalogue = JSON.parse(document.getElementById("messages")?.textContent || "{}");

export const lang = document.documentElement.lang || "zh-CN";
export const timeZone = document.body.dataset.timezone || "Asia/Shanghai";

// Return the text for key with {name} placeholders filled from params (the key if unknown).
export function t(key, params = {}) {
  const text = catalogue[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

// Return the text for key, or fallback when the catalogue has no such key.
export function tOr(key, fallback, params = {}) {
  return key in catalogue ? t(key, params) : fallback;
}

// Pick the viewer's language from a {zh-CN, en} dict (strings pass through).
export function loc(value) {
  if (value == null) return "";
  if (typeof value !== "object") return String(value);
  return value[lang] || value["zh-CN"] || value.en || Object.values(value).find(Boolean) || "";
}

const formats = new Map();
function formatter(kind) {
  if (!formats.has(kind)) {
    const opts = { timeZone, hourCycle: "h23" };
    if (kind === "hms") Object.assign(opts, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    if (kind === "hm") Object.assign(opts, { hour: "2-digit", minute: "2-digit" });
    if (kind === "full") Object.assign(opts, {
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
    });
    formats.set(kind, new Intl.DateTimeFormat(lang, opts));
  }
  return formats.get(kind);
}

function toDate(value) {
  if (value == null || value === "") return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

// Format a time (ISO string, ms or Date) as venue-local HH:MM:SS.
export function timeHMS(value) {
  const d = toDate(value);
  return d ? formatter("hms").format(d) : "—";
}

// Format a time as venue-local HH:MM.
export function timeHM(value) {
  const d = toDate(value);
  return d ? formatter("hm").format(d) : "—";
}

// Format a time as venue-local date and time.
export function dateTime(value) {
  const d = toDate(value);
  return d ? formatter("full").format(d) : "—";
}

// Return the venue-local wall-clock parts of an instant.
export function zonedParts(ms) {
  const parts = {};
  for (const p of formatter("full").formatToParts(new Date(ms))) parts[p.type] = p.value;
  return {
    year: +parts.year, month: +parts.month, day: +parts.day,
    hour: +parts.hour % 24, minute: +parts.minute, second: +parts.second,
  };
}

// Convert a venue-local "YYYY-MM-DDTHH:MM[:SS]" (datetime-local value) to an ISO UTC string.
export function localInputToIso(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value || "");
  if (!m) return null;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0));
  let guess = wall;
  for (let i = 0; i < 2; i++) {
    const p = zonedParts(guess);
    const shown = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    guess += wall - shown;
  }
  return new Date(guess).toISOString();
}

// Apply the catalogue to elements carrying data-i18n="key" (for text built after load).
export function translateTree(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
}

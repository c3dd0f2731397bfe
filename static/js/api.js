// One fetch wrapper for the JSON API: CSRF header, Idempotency-Key, JSON in and out,
// errors mapped to ApiError {status, code, message, fields, retryAfter}.
const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export class ApiError extends Error {
  constructor({ status = 0, code = "network", message = "", fields = {}, retryAfter = null } = {}) {
    super(message || code);
    Object.assign(this, { status, code, fields, retryAfter });
  }

  // Tell whether retrying the same request later may succeed (network, 5xx, 429).
  get retryable() {
    return this.status === 0 || this.status >= 500 || this.status === 429 || this.status === 408
      || (this.status === 409 && this.code === "busy");
  }

  // Tell whether the session or its CSRF token has to be renewed by signing in again.
  get needsSignIn() {
    return this.status === 401 || (this.status === 403 && /csrf/i.test(this.code || ""));
  }
}

// Return the CSRF token from the page's <meta name="csrf-token">.
export function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content || "";
}

// Replace the page's CSRF token (after signing in again).
export function setCsrfToken(token) {
  let meta = document.querySelector('meta[name="csrf-token"]');
  if (!meta) {
    meta = document.createElement("meta");
    meta.name = "csrf-token";
    document.head.append(meta);
  }
  meta.content = token || "";
}

// Return a fresh random Idempotency-Key (a UUID v4; works outside secure contexts too).
export function newKey() {
  if (globalThis.crypto?.randomUUID) {
    try { return crypto.randomUUID(); } catch { /* insecure context */ }
  }
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function retryAfterMs(header) {
  if (!header) return null;
  const secs = Number(header);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

// Send a request to the API and return the parsed JSON body; throw ApiError on failure.
// options: body (JSON-encoded; a FormData is sent as multipart), query (object),
// idempotencyKey (POST outside /auth/), signal.
// timeout (ms) turns a request that hangs into a network error.
export async function api(method, path, { body, query, idempotencyKey, signal, timeout } = {}) {
  method = method.toUpperCase();
  let url = path;
  if (query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v != null && v !== "") qs.set(k, v);
    const s = qs.toString();
    if (s) url += (url.includes("?") ? "&" : "?") + s;
  }
  const headers = { Accept: "application/json", "Accept-Language": document.documentElement.lang || "zh-CN" };
  const form = body instanceof FormData; // a multipart upload: the browser sets its boundary
  if (body !== undefined && !form) headers["Content-Type"] = "application/json";
  if (UNSAFE.has(method)) headers["X-CSRF-Token"] = csrfToken();
  if (method === "POST" && !path.startsWith("/api/v1/auth/")) headers["Idempotency-Key"] = idempotencyKey || newKey();
  let res;
  const timer = timeout ? AbortSignal.timeout(timeout) : null;
  const signals = [signal, timer].filter(Boolean);
  const combined = signals.length > 1 && AbortSignal.any ? AbortSignal.any(signals) : signals[0];
  try {
    res = await fetch(url, {
      method, headers, signal: combined, credentials: "same-origin", cache: "no-store",
      body: body === undefined || form ? body : JSON.stringify(body),
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError({ status: 0, code: "network", message: String(err?.message || err) });
  }
  let data = null;
  const text = await res.text().catch(() => "");
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    const e = (data && data.error) || {};
    throw new ApiError({
      status: res.status,
      code: e.code || `http_${res.status}`,
      message: e.message || res.statusText || `HTTP ${res.status}`,
      fields: e.fields || {},
      retryAfter: retryAfterMs(res.headers.get("Retry-After")),
    });
  }
  return data ?? {};
}

// Shorthand for GET.
export const get = (path, query, opts = {}) => api("GET", path, { ...opts, query });

// Shorthand for POST with a JSON body.
export const post = (path, body = {}, opts = {}) => api("POST", path, { ...opts, body });

// A durable outbox in localStorage: every submission is stored with its Idempotency-Key
// before it is sent, and is retried with the same key until the server answers.
import { ApiError, api, get, newKey, setCsrfToken } from "./api.js";

const STORE = "gatewatch.outbox.v1";
const BASE_DELAY = 2000;
const MAX_DELAY = 60000;
const SEND_TIMEOUT = 20000;

function readAll() {
  try { return JSON.parse(localStorage.getItem(STORE) || "[]"); } catch { return []; }
}

function writeAll(items) {
  localStorage.setItem(STORE, JSON.stringify(items));
}

export class Outbox extends EventTarget {
  // owner: the username whose items this outbox sends (items of others stay untouched).
  constructor(owner) {
    super();
    this.owner = owner;
    this.busy = false;
    this.blocked = false; // waiting for the user to sign in again
    this.timer = null;
    this.nextAt = null;
    window.addEventListener("online", () => this.flush());
    document.addEventListener("visibilitychange", () => { if (!document.hidden) this.flush(); });
    window.addEventListener("storage", (e) => { if (e.key === STORE) this.emit("change"); });
  }

  emit(type, detail = {}) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  // Return this owner's pending items, oldest first.
  items() {
    return readAll().filter((i) => i.owner === this.owner);
  }

  // Return the owners other than this one that still have pending items.
  otherOwners() {
    return [...new Set(readAll().filter((i) => i.owner !== this.owner).map((i) => i.owner))];
  }

  // Store a new submission (url, body, label for display) and return it; then try to send.
  add(url, body, label = {}) {
    const item = {
      key: newKey(), owner: this.owner, url, body, label,
      created_at: new Date().toISOString(), attempts: 0, last_error: null,
    };
    const all = readAll();
    all.push(item);
    writeAll(all);
    this.emit("change");
    return item;
  }

  update(key, patch) {
    const all = readAll();
    const item = all.find((i) => i.key === key);
    if (item) Object.assign(item, patch);
    writeAll(all);
  }

  remove(key) {
    writeAll(readAll().filter((i) => i.key !== key));
    this.emit("change");
  }

  // Allow sending again after the user signed in; then send at once.
  resume() {
    this.blocked = false;
    this.flush();
  }

  schedule(delay) {
    clearTimeout(this.timer);
    this.nextAt = Date.now() + delay;
    this.timer = setTimeout(() => this.flush(), delay);
    this.emit("change");
  }

  // Send pending items in order; stop at the first that must wait. Items left unsent are
  // announced with a "held" event ({keys}).
  async flush() {
    if (this.blocked) {
      this.emit("held", { keys: this.items().map((i) => i.key) });
      return;
    }
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    clearTimeout(this.timer);
    this.nextAt = null;
    try {
      do {
        this.again = false;
        for (const item of this.items()) {
          if (this.blocked || (await this.sendOne(item)) === "wait") {
            this.emit("held", { keys: this.items().map((i) => i.key) });
            return;
          }
        }
      } while (this.again);
    } finally {
      this.busy = false;
      this.emit("change");
    }
  }

  // Fetch a fresh CSRF token when the session is still alive; tell whether it worked.
  async renewToken() {
    if (this.renewedAt && Date.now() - this.renewedAt < 10000) return false;
    this.renewedAt = Date.now();
    try {
      const me = await get("/api/v1/auth/me", null, { timeout: SEND_TIMEOUT });
      if (!me.user || me.user.username !== this.owner || !me.csrf_token) return false;
      setCsrfToken(me.csrf_token);
      return true;
    } catch {
      return false;
    }
  }

  // Send one item; return "done" (answered, removed) or "wait" (kept, retry later).
  async sendOne(item) {
    const attempts = (item.attempts || 0) + 1;
    this.update(item.key, { attempts });
    try {
      const data = await api("POST", item.url, {
        body: item.body, idempotencyKey: item.key, timeout: SEND_TIMEOUT,
      });
      this.remove(item.key);
      this.emit("sent", { item, data });
      return "done";
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.needsSignIn && (await this.renewToken())) return this.sendOne(item);
      if (err.needsSignIn) {
        this.blocked = true;
        this.update(item.key, { last_error: err.code });
        this.emit("signin", { item, error: err });
        return "wait";
      }
      if (err.retryable) {
        const backoff = Math.min(MAX_DELAY, BASE_DELAY * 2 ** Math.min(attempts - 1, 6));
        const delay = Math.max(err.retryAfter ?? 0, backoff * (0.8 + Math.random() * 0.4));
        this.update(item.key, { last_error: err.code });
        this.emit("queued", { item, error: err });
        this.schedule(delay);
        return "wait";
      }
      // The server refused this submission for good (validation, permission): hand it back.
      this.remove(item.key);
      this.emit("rejected", { item, error: err });
      return "done";
    }
  }
}

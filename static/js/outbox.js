// A durable outbox in IndexedDB: every submission is stored with its Idempotency-Key before it
// is sent, and is retried with the same key until the server answers. IndexedDB (not
// localStorage, which holds ~5 MB of strings) keeps photos as Blobs beside the item; fields
// named in `seal` are kept only encrypted (AES-GCM under a non-extractable key of this owner).
// An item the server refuses (4xx) is kept, marked state "refused" with the server's reason,
// until the guard fixes and resends it or discards it. One tab of this origin sends at a time
// (a Web Lock per owner); the others hear each outcome over a BroadcastChannel.
import { openDB } from "/static/vendor/idb.js";
import { ApiError, api, get, newKey, setCsrfToken } from "./api.js";
import { serverIso } from "./clock.js";

const DB = "gatewatch";
const ITEMS = "outbox";
const KEYS = "sealing_keys";
const LEGACY = "gatewatch.outbox.v1"; // the localStorage outbox before IndexedDB
const CHANNEL = "gatewatch.outbox";
const BASE_DELAY = 2000;
const MAX_DELAY = 60000;
const SEND_TIMEOUT = 20000;
const UPLOAD_TIMEOUT = 60000;
export const REFUSED = "refused";

// Return what of an ApiError is kept on a refused item (and crosses to other tabs).
const plainError = (err) => ({ status: err.status, code: err.code, message: err.message, fields: err.fields || {} });
// Return an item without its Blobs and sealed bytes (what other tabs need to hear about it).
const outline = (item) => ({ key: item.key, url: item.url, body: item.body, label: item.label, created_at: item.created_at });

let dbPromise = null;

// Open the database once per page, creating its stores on first use.
function db() {
  if (!dbPromise) {
    dbPromise = openDB(DB, 1, {
      upgrade(base) {
        base.createObjectStore(ITEMS, { keyPath: "key" }).createIndex("owner", "owner");
        base.createObjectStore(KEYS, { keyPath: "owner" });
      },
    }).then(migrate);
  }
  return dbPromise;
}

// Move items left in the old localStorage outbox into IndexedDB, once.
async function migrate(base) {
  let old = [];
  try { old = JSON.parse(localStorage.getItem(LEGACY) || "[]"); } catch { old = []; }
  if (Array.isArray(old) && old.length) {
    const tx = base.transaction(ITEMS, "readwrite");
    for (const item of old) if (item && item.key) await tx.store.put({ seq: Date.parse(item.created_at) || 0, ...item });
    await tx.done;
  }
  try { localStorage.removeItem(LEGACY); } catch { /* storage blocked */ }
  return base;
}

// Return every stored item (all owners), oldest first.
async function readAll() {
  const all = await (await db()).getAll(ITEMS);
  return all.sort((a, b) => (a.seq - b.seq) || a.created_at.localeCompare(b.created_at));
}

// Return this owner's sealing key, creating it (non-extractable) when asked to.
async function sealingKey(owner, create) {
  const base = await db();
  const found = await base.get(KEYS, owner);
  if (found || !create) return found?.key || null;
  const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  await base.put(KEYS, { owner, key });
  return key;
}

// Encrypt the sealed fields of a body: return [the body without them, {iv, data}].
async function seal(owner, body, fields) {
  const hidden = {};
  const open = { ...body };
  for (const f of fields) {
    if (f in open) hidden[f] = open[f];
    delete open[f];
  }
  if (!Object.keys(hidden).length) return [open, null];
  const key = await sealingKey(owner, true);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = new TextEncoder().encode(JSON.stringify(hidden));
  return [open, { iv, data: await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, plain) }];
}

// Return an item's body with its sealed fields decrypted (only just before sending).
async function unsealed(item) {
  if (!item.sealed) return { ...item.body }; // a copy: the photo ids added must not stick to the item
  const key = await sealingKey(item.owner, false);
  if (!key) throw new Error("sealing key gone");
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: item.sealed.iv }, key, item.sealed.data);
  return { ...item.body, ...JSON.parse(new TextDecoder().decode(plain)) };
}

// Forget what an owner left sealed on this device (at sign-out): their sealed items and key.
// Items without sealed fields stay, as before: they are sent when that user signs in again.
export async function forgetSealed(owner) {
  const base = await db();
  const tx = base.transaction([ITEMS, KEYS], "readwrite");
  let n = 0;
  for (const item of await tx.objectStore(ITEMS).index("owner").getAll(owner)) {
    if (item.sealed) {
      await tx.objectStore(ITEMS).delete(item.key);
      n++;
    }
  }
  await tx.objectStore(KEYS).delete(owner);
  await tx.done;
  return n;
}

// Count an owner's pending items that hold sealed fields (sign-out asks before losing them).
export async function sealedCount(owner) {
  return (await (await db()).getAllFromIndex(ITEMS, "owner", owner)).filter((i) => i.sealed).length;
}

// Append each uploaded photo id to the photo_ids of its place in the body (the body itself
// when the place is absent or names nothing).
function attachPhotos(body, ids, places = []) {
  ids.forEach((id, i) => {
    let target = body;
    for (const key of (places[i] || "").split(".").filter(Boolean)) target = target?.[key];
    if (!target || typeof target !== "object") target = body;
    target.photo_ids = [...(target.photo_ids || []), id];
  });
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
    this.channel = "BroadcastChannel" in window ? new BroadcastChannel(CHANNEL) : null;
    window.addEventListener("online", () => this.resetBackoff());
    document.addEventListener("visibilitychange", () => { if (!document.hidden) this.flush(); });
    this.channel?.addEventListener("message", (e) => this.heard(e.data));
  }

  // Another tab changed the outbox or sent an item: tell this page's screens too.
  heard(msg) {
    if (msg?.outcome && msg.owner === this.owner) {
      const detail = { item: msg.item, remote: true };
      if (msg.outcome === "sent") this.emit("sent", { ...detail, data: msg.data });
      else this.emit("rejected", { ...detail, error: new ApiError(msg.error) });
    }
    this.emit("change", { remote: true });
  }

  // Announce an item's outcome here and to this owner's other tabs.
  announce(outcome, item, extra) {
    this.emit(outcome, { item, ...extra });
    const wire = outcome === "sent" ? { data: extra.data } : { error: plainError(extra.error) };
    this.channel?.postMessage({ outcome, owner: this.owner, item: outline(item), ...wire });
  }

  emit(type, detail = {}) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  // Announce a change here and to this site's other tabs.
  changed() {
    this.emit("change");
    this.channel?.postMessage("change");
  }

  // Return this owner's items (waiting and refused), oldest first.
  async items() {
    return (await readAll()).filter((i) => i.owner === this.owner);
  }

  // Return this owner's items still to be sent (not refused), oldest first.
  async waiting() {
    return (await this.items()).filter((i) => i.state !== REFUSED);
  }

  // Return this owner's refused items, oldest first.
  async refused() {
    return (await this.items()).filter((i) => i.state === REFUSED);
  }

  // Return the owners other than this one that still have pending items.
  async otherOwners() {
    return [...new Set((await readAll()).filter((i) => i.owner !== this.owner).map((i) => i.owner))];
  }

  // Store a new submission (url, body, label for display) and return it; then try to send.
  // options.seal: body fields kept only encrypted; options.files: Blobs uploaded first to
  // POST /api/v1/photos, their ids appended to body.photo_ids — or, for file i, to the
  // photo_ids of the object at options.places[i] (e.g. "results.3": an inspection's item).
  // options.replaces: the key of a refused item this one corrects (removed in the same step).
  async add(url, body, label = {}, { seal: fields = [], files = [], places = [], replaces = null } = {}) {
    const [open, sealed] = await seal(this.owner, body, fields);
    const item = {
      key: newKey(), owner: this.owner, url, body: open, label, sealed,
      files: [...files], places: [...places], uploaded: files.map(() => null),
      seq: Date.now() + Math.random() / 2, created_at: serverIso(), attempts: 0, last_error: null,
    };
    const tx = (await db()).transaction(ITEMS, "readwrite");
    if (replaces) await tx.store.delete(replaces);
    await tx.store.put(item);
    await tx.done;
    this.changed();
    return item;
  }

  // Return a stored item's body with its sealed fields opened (to put it back in a form).
  async bodyOf(key) {
    const item = await (await db()).get(ITEMS, key);
    return item ? unsealed(item) : null;
  }

  // Send a refused item again as it is, under a new key (the refusal stored nothing); then flush.
  async resend(key) {
    const base = await db();
    const tx = base.transaction(ITEMS, "readwrite");
    const item = await tx.store.get(key);
    if (item) {
      await tx.store.delete(key);
      await tx.store.put({ ...item, key: newKey(), state: undefined, refusal: null, attempts: 0, uploaded: (item.files || []).map(() => null) });
    }
    await tx.done;
    this.changed();
    this.flush();
  }

  // Drop an item for good (the guard confirmed).
  async discard(key) {
    await this.remove(key);
  }

  // Coming online: every waiting item starts its back-off again, and sending starts at once.
  async resetBackoff() {
    const base = await db();
    const tx = base.transaction(ITEMS, "readwrite");
    for (const item of await tx.store.index("owner").getAll(this.owner)) {
      if (item.state !== REFUSED && item.attempts) await tx.store.put({ ...item, attempts: 0 });
    }
    await tx.done;
    this.flush();
  }

  async update(key, patch) {
    const base = await db();
    const tx = base.transaction(ITEMS, "readwrite");
    const item = await tx.store.get(key);
    if (item) await tx.store.put(Object.assign(item, patch));
    await tx.done;
    return item;
  }

  async remove(key) {
    await (await db()).delete(ITEMS, key);
    this.changed();
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

  // Return the keys of the items still waiting to be sent.
  async keys() {
    return (await this.waiting()).map((i) => i.key);
  }

  // Send pending items in order; stop at the first that must wait. Items left unsent are
  // announced with a "held" event ({keys}).
  async flush() {
    if (this.blocked) {
      this.emit("held", { keys: await this.keys() });
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
      // One tab of this owner sends at a time; the others wait their turn and then find the
      // items already gone, so no item is sent by two tabs.
      if (navigator.locks) await navigator.locks.request(`${CHANNEL}.send.${this.owner}`, () => this.sendAll());
      else await this.sendAll();
    } finally {
      this.busy = false;
      this.emit("change");
    }
  }

  // Send the waiting items in order (holding the send lock); stop at the first that must wait.
  async sendAll() {
    do {
      this.again = false;
      for (const item of await this.waiting()) {
        if (!navigator.onLine) {
          // Offline: trying costs nothing but piles up attempts; the `online` event resumes.
          this.emit("held", { keys: await this.keys() });
          return;
        }
        if (this.blocked || (await this.sendOne(item)) === "wait") {
          this.emit("held", { keys: await this.keys() });
          return;
        }
      }
    } while (this.again);
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

  // Upload the item's photos not yet uploaded, keeping each id on the item (a reload resumes);
  // each has its own key derived from the item's, so a retry never stores a photo twice.
  async uploadFiles(item) {
    const uploaded = [...(item.uploaded || [])];
    for (const [i, file] of (item.files || []).entries()) {
      if (uploaded[i]) continue;
      const form = new FormData();
      form.append("file", file, file.name || `photo-${i + 1}.jpg`);
      const data = await api("POST", "/api/v1/photos", {
        body: form, idempotencyKey: `${item.key}.photo${i}`, timeout: UPLOAD_TIMEOUT,
      });
      uploaded[i] = data.photo.photo_id;
      await this.update(item.key, { uploaded });
      item.uploaded = uploaded;
    }
    return uploaded.filter(Boolean);
  }

  // Keep a refused item with the server's reason and tell the screens (and the other tabs).
  async refuse(item, error) {
    await this.update(item.key, { state: REFUSED, refusal: plainError(error), last_error: error.code });
    this.changed();
    this.announce("rejected", item, { error });
    return "done";
  }

  // Send one item; return "done" (answered: removed, or kept as refused) or "wait" (retry later).
  async sendOne(item) {
    const fresh = await (await db()).get(ITEMS, item.key);
    if (!fresh || fresh.state === REFUSED) return "done"; // sent or refused meanwhile (another tab)
    const attempts = (fresh.attempts || 0) + 1;
    await this.update(item.key, { attempts });
    try {
      const photoIds = await this.uploadFiles(item);
      const body = await unsealed(item);
      attachPhotos(body, photoIds, item.places);
      const data = await api("POST", item.url, { body, idempotencyKey: item.key, timeout: SEND_TIMEOUT });
      await this.remove(item.key);
      this.announce("sent", item, { data });
      return "done";
    } catch (err) {
      if (!(err instanceof ApiError)) {
        if (err?.name !== "OperationError" && err?.message !== "sealing key gone") throw err;
        // Sealed data that can no longer be opened (the key was forgotten): it cannot be sent.
        return this.refuse(item, new ApiError({ status: 400, code: "sealed_lost" }));
      }
      if (err.needsSignIn && (await this.renewToken())) return this.sendOne(item);
      if (err.needsSignIn) {
        this.blocked = true;
        await this.update(item.key, { last_error: err.code });
        this.emit("signin", { item, error: err });
        return "wait";
      }
      if (err.retryable) {
        const backoff = Math.min(MAX_DELAY, BASE_DELAY * 2 ** Math.min(attempts - 1, 6));
        const delay = Math.max(err.retryAfter ?? 0, backoff * (0.8 + Math.random() * 0.4));
        await this.update(item.key, { last_error: err.code });
        this.emit("queued", { item, error: err });
        this.schedule(delay);
        return "wait";
      }
      // The server refused this submission for good (validation, permission): the answer
      // that settles it (already done) removes it; any other keeps it until the guard acts.
      if (this.settles?.(item, err)) {
        await this.remove(item.key);
        this.announce("rejected", item, { error: err });
        return "done";
      }
      return this.refuse(item, err);
    }
  }
}

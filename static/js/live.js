// The reusable live connection: snapshot from /api/v1/state, then frames over Socket.IO
// (/live) strictly after the cursor; resync on request; connection state for the screen.
// A frame is {events, patches, cursor} (DESIGN §5): the viewer's envelopes for the feed, the
// patches to the viewer's sections, and the last stream id the frame covers.
import { io } from "/static/vendor/socket.io.esm.min.js";
import { ApiError, get } from "./api.js";
import { compareIds, idMs } from "./cursor.js";

export { compareIds, idMs };

const STALE_MS = 15000;
const DOWN_MS = 30000;

export class Live {
  // handlers: onSnapshot(state), onFrame({events, patches, reset, cursor}) — or, without it,
  // onReset(sections), onPatch(patches) then onEvent(envelope) for each event —, onState({state, since, lastActivity}),
  // onHeartbeat(payload), onAuthLost(). state is connecting|live|stale|degraded|reconnecting|down.
  constructor(handlers = {}) {
    this.h = handlers;
    this.cursor = null;
    this.socket = null;
    this.connected = false;
    this.lastActivity = null; // client time of the last event or heartbeat
    this.disconnectedAt = Date.now();
    this.clockOffset = 0; // server time minus client time
    this.state = "connecting";
    this.storeDown = false;
    this.resyncing = false;
  }

  // Return the current time on the server's clock (ms).
  now() {
    return Date.now() + this.clockOffset;
  }

  noteServerTime(iso) {
    const t = Date.parse(iso || "");
    if (!Number.isNaN(t)) this.clockOffset = t - Date.now();
  }

  // Load the snapshot, then connect; retry the snapshot until it arrives.
  async start() {
    await this.loadSnapshot();
    this.connect();
    this.ticker = setInterval(() => this.tick(), 1000);
    this.tick();
  }

  async loadSnapshot() {
    for (let attempt = 0; ; attempt++) {
      try {
        const state = await get("/api/v1/state", null, { timeout: 15000 });
        this.noteServerTime(state.server_time);
        this.cursor = state.cursor || this.cursor || "0-0";
        this.lastActivity = Date.now();
        this.h.onSnapshot?.(state);
        return state;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) this.h.onAuthLost?.();
        await new Promise((r) => setTimeout(r, Math.min(30000, 1000 * 2 ** attempt)));
      }
    }
  }

  connect() {
    if (this.socket) {
      this.socket.connect();
      return;
    }
    const socket = io("/live", {
      path: "/socket.io",
      transports: ["websocket", "polling"],
      tryAllTransports: true,
      withCredentials: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 10000,
      // A function, so that every reconnection resumes from the latest applied event.
      auth: (cb) => cb({ since: this.cursor }),
    });
    this.socket = socket;
    socket.on("connect", () => {
      this.connected = true;
      this.lastActivity = Date.now();
      this.tick();
    });
    socket.on("disconnect", (reason) => {
      this.connected = false;
      this.disconnectedAt = Date.now();
      this.tick();
      // The server closed us (signed out, account disabled, restart): retry ourselves.
      if (reason === "io server disconnect" && !this.resyncing) this.retryLater();
    });
    socket.on("connect_error", async () => {
      this.tick();
      if (socket.active) return; // the client retries by itself
      try {
        await get("/api/v1/state", null, { timeout: 10000 }); // still signed in?
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) {
          this.h.onAuthLost?.();
        }
      }
      this.retryLater();
    });
    socket.on("events", (frame) => this.receive(frame));
    socket.on("heartbeat", (payload = {}) => {
      this.lastActivity = Date.now();
      // The server's tailer could not read the store: connected, but nothing new can arrive.
      this.storeDown = payload.store === "unreachable";
      this.noteServerTime(payload.server_time);
      this.h.onHeartbeat?.(payload);
      this.tick();
    });
    socket.on("resync", () => this.resync());
  }

  retryLater(delay = 5000) {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (!this.connected) this.socket.connect();
    }, delay);
  }

  // Apply a frame unless its cursor is at or before ours (already applied); the cursor moves
  // to the frame's even when it carries no events for this viewer. A resumed connection's first
  // live frame carries `reset`, every section as of its cursor (which may equal ours): the
  // resumed events came without patches, so the sections are replaced whole.
  receive(frame) {
    if (!frame || typeof frame !== "object" || Array.isArray(frame)) return;
    const before = this.cursor;
    const events = (Array.isArray(frame.events) ? frame.events : [])
      .filter((env) => env && env.id && compareIds(env.id, before) > 0);
    const cursor = frame.cursor || events.at(-1)?.id;
    const reset = frame.reset && typeof frame.reset === "object" ? frame.reset : null;
    const order = cursor ? compareIds(cursor, before) : -1;
    if (order < 0 || (order === 0 && !reset)) return;
    this.cursor = cursor;
    this.lastActivity = Date.now();
    const patches = frame.patches && typeof frame.patches === "object" ? frame.patches : {};
    if (this.h.onFrame) {
      this.h.onFrame({ events, patches, reset, cursor });
      return;
    }
    if (reset) this.h.onReset?.(reset);
    if (Object.keys(patches).length) this.h.onPatch?.(patches);
    for (const env of events) this.h.onEvent?.(env);
  }

  // Start over from a fresh snapshot (the server said we are too far behind).
  async resync() {
    if (this.resyncing) return;
    this.resyncing = true;
    this.socket.disconnect();
    try {
      this.cursor = null;
      await this.loadSnapshot();
    } finally {
      this.resyncing = false;
      this.socket.connect();
    }
  }

  // Work out the connection state and report it.
  tick() {
    const now = Date.now();
    let state;
    if (this.connected && this.storeDown) {
      state = "degraded";
    } else if (this.connected) {
      state = this.lastActivity && now - this.lastActivity > STALE_MS ? "stale" : "live";
    } else if (!this.socket) {
      state = "connecting";
    } else {
      state = now - this.disconnectedAt > DOWN_MS ? "down" : "reconnecting";
    }
    this.state = state;
    this.h.onState?.({ state, lastActivity: this.lastActivity, now });
  }
}

// Replay of the wall (/command/replay): the source control.js draws from instead of Live. Each
// moment is GET /api/v1/state?at= handed to onSnapshot — the same path a live snapshot takes —
// so what is drawn is exactly the state at that moment. A slider over one venue-local day,
// play/pause at ×10 or ×60 (one step of `speed` seconds each second), and ?at=<cursor|ISO> to
// start from an event (the timeline's and an incident's "replay from here").
import { ApiError, get } from "./api.js";
import { errorText } from "./common.js";
import { localInputToIso, t, timeHM, timeHMS, zonedParts } from "./i18n.js";

const DAY_S = 86400;
const pad = (n) => String(n).padStart(2, "0");

// Return the venue-local day ("YYYY-MM-DD") of an instant.
function dayOf(ms) {
  const p = zonedParts(ms);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

// Return the instant (ms) of a venue-local day at a number of seconds after its midnight.
function instant(day, seconds) {
  const s = Math.max(0, Math.min(DAY_S - 1, Math.round(seconds)));
  return Date.parse(localInputToIso(`${day}T${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`));
}

// Return the seconds after venue-local midnight of an instant.
function secondsOf(ms) {
  const p = zonedParts(ms);
  return p.hour * 3600 + p.minute * 60 + p.second;
}

export class Replay {
  // handlers: onSnapshot(state) for every moment shown, onAuthLost().
  constructor(handlers = {}, root = document) {
    this.h = handlers;
    this.root = root;
    this.moment = Date.now(); // the instant the wall shows (ms)
    this.clockOffset = 0;
    this.speed = 10;
    this.playing = null;
    this.loading = null;
    this.wanted = null; // the latest moment asked for while a load ran
    this.$ = (sel) => root.querySelector(sel);
  }

  // Return the moment shown: every "now" of the wall (patrol freshness, timers) is that moment.
  now() {
    return this.moment;
  }

  async start() {
    this.bind();
    const at = new URLSearchParams(location.search).get("at");
    await this.show(at || new Date().toISOString());
  }

  bind() {
    const slider = this.$("[data-replay-slider]");
    slider.addEventListener("input", () => {
      this.pause();
      this.$("[data-replay-time]").textContent = timeHMS(instant(this.day, +slider.value));
      this.request(instant(this.day, +slider.value));
    });
    this.$("[data-replay-day]").addEventListener("change", (e) => {
      if (!e.target.value) return;
      this.pause();
      this.day = e.target.value;
      this.request(instant(this.day, secondsOf(this.moment)));
    });
    this.$("[data-replay-play]").addEventListener("click", () => (this.playing ? this.pause() : this.play()));
    for (const btn of this.root.querySelectorAll("[data-replay-speed]")) {
      btn.addEventListener("click", () => {
        this.speed = +btn.dataset.replaySpeed;
        for (const b of this.root.querySelectorAll("[data-replay-speed]")) {
          b.setAttribute("aria-pressed", b === btn ? "true" : "false");
        }
      });
    }
  }

  play() {
    const btn = this.$("[data-replay-play]");
    btn.setAttribute("aria-pressed", "true");
    btn.textContent = t("replay.pause");
    this.playing = setInterval(() => {
      if (this.loading) return; // one step at a time: never skip what the state says
      const next = Math.min(this.moment + this.speed * 1000, Date.now(), instant(this.day, DAY_S - 1));
      if (next <= this.moment) return this.pause();
      this.request(next);
    }, 1000);
  }

  pause() {
    if (!this.playing) return;
    clearInterval(this.playing);
    this.playing = null;
    const btn = this.$("[data-replay-play]");
    btn.setAttribute("aria-pressed", "false");
    btn.textContent = t("replay.play");
  }

  // Ask for a moment (ms); while a load runs, only the latest one asked for follows it.
  request(ms) {
    const at = new Date(Math.min(ms, Date.now())).toISOString();
    if (this.loading) {
      this.wanted = at;
      return;
    }
    this.show(at);
  }

  // Load the state at `at` (ISO time or cursor) and draw it.
  async show(at) {
    const status = this.$("[data-replay-status]");
    status.textContent = t("replay.loading");
    this.loading = get(`/api/v1/state?at=${encodeURIComponent(at)}`, null, { timeout: 30000 });
    try {
      const state = await this.loading;
      this.moment = Date.parse(state.server_time);
      this.day = dayOf(this.moment);
      this.h.onSnapshot?.(state);
      this.drawControls();
      status.textContent = "";
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) this.h.onAuthLost?.();
      status.textContent = t("replay.failed", { error: errorText(err) });
      this.pause();
    } finally {
      this.loading = null;
    }
    if (this.wanted) {
      const next = this.wanted;
      this.wanted = null;
      await this.show(next);
    }
  }

  drawControls() {
    this.$("[data-replay-day]").value = this.day;
    this.$("[data-replay-day]").max = dayOf(Date.now());
    this.$("[data-replay-slider]").value = String(secondsOf(this.moment));
    this.$("[data-replay-time]").textContent = timeHMS(this.moment);
    this.$("[data-replay-badge]").textContent = t("replay.badge", { time: timeHM(this.moment) });
    const wall = document.querySelector("[data-control]");
    if (wall) wall.dataset.replayAt = new Date(this.moment).toISOString();
  }
}

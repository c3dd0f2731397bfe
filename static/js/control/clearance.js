// Clearance panel on the wall screen: a chip per zone, floor-plan zones coloured, the time taken.
// Drawn from the sections.clearance row "round", the phase and the visitors on site. The round's
// verdict is the server's: "cleared" (green) only when every zone is clear and nobody is left on
// the visitors' roll; zones clear with visitors left is said so, in amber, with who and where.
import { h } from "../common.js";
import { took } from "../concepts/clearance.js";
import { t, tOr, timeHM } from "../i18n.js";
import { touches } from "../store.js";
import { renderRoll } from "./roll.js";

let panel = null;

// Return the round (or null).
function roundOf(screen) {
  return screen.store.row("clearance", "round") || null;
}

// Return whether the screen should show the round (open, or completed and still in post_event).
function showing(screen, round) {
  const phase = screen.store.row("phase", "venue")?.phase;
  return Boolean(round?.round_id && (round.open || (round.completed_at && phase === "post_event")));
}

// Return a zone's row of the round ({} while nobody has swept it).
function zoneOf(round, zoneId) {
  return (round?.zones || []).find((z) => z.zone_id === zoneId) || {};
}

// Colour the floor plan's zones by clearance while the round shows (and clear them after).
function colourPlan(screen, round, on) {
  for (const el of screen.root.querySelectorAll("polygon[data-zone]")) {
    if (on) el.dataset.clearance = zoneOf(round, el.dataset.zone).state || "open";
    else delete el.dataset.clearance;
  }
}

function chip(screen, round, zone) {
  const z = zoneOf(round, zone.id);
  const state = z.state || "open";
  // A zone not swept yet is its name and the ○ mark (the legend under the chips says what marks mean):
  // one line, so eight zones and the first visitors on the roll fit the wall's column.
  const detail = state === "people_found" ? t("clearance.still_inside", { n: z.people_found })
    : state === "cleared" ? timeHM(z.at) : "";
  return h("li", { "data-zone": zone.id, "data-state": state, title: t(`clearance.state.${state}`) },
    h("b", {}, screen.index.name(zone.id)), detail ? h("span", {}, detail) : "");
}

// Show the elapsed time while the round runs (called every second).
export function tick(screen) {
  const round = roundOf(screen);
  if (!panel || !showing(screen, round) || round.completed_at) return;
  const total = screen.index.zones.size;
  const done = (round.zones || []).filter((z) => z.state === "cleared").length;
  const m = Math.max(0, Math.floor((screen.now() - Date.parse(round.started_at)) / 60000));
  const text = `${t("clearance.progress", { done, total })} · ${t("clearance.elapsed", { m })}`;
  const el = panel.querySelector("[data-clr-progress]");
  if (el.textContent !== text) el.textContent = text;
}

// Redraw the panel and the plan's colours from the rows.
export function render(screen, changed) {
  if (!touches(changed, ["clearance", "visitors", "phase"])) return;
  const round = roundOf(screen);
  const on = showing(screen, round);
  panel.hidden = !on;
  colourPlan(screen, round, on);
  if (!on) return;
  const zones = [...screen.index.zones.values()];
  panel.querySelector("[data-clr-zones]").replaceChildren(...zones.map((z) => chip(screen, round, z)));
  const done = panel.querySelector("[data-clr-done]");
  const verdict = round.verdict || (round.completed_at ? "cleared" : "sweeping");
  panel.dataset.verdict = verdict;
  done.hidden = !round.completed_at;
  if (round.completed_at) {
    const whole = verdict === "cleared";
    const n = round.visitors_left || 0;
    done.textContent = whole ? t("clearance.venue_cleared_in", { time: timeHM(round.completed_at), took: took(round.took_s) })
      : t("clearance.zones_cleared_in", { time: timeHM(round.completed_at), took: took(round.took_s) });
    panel.querySelector("[data-clr-progress]").textContent = whole ? t("clearance.venue_cleared")
      : n === 1 ? tOr("clearance.zones_clear_visitors_left_one", t("clearance.zones_clear_visitors_left", { n }))
        : t("clearance.zones_clear_visitors_left", { n });
  }
  tick(screen);
  const visitors = screen.store.rows("visitors");
  const line = panel.querySelector("[data-clr-visitors]");
  line.hidden = visitors.length === 0 || Boolean(round.completed_at);
  line.textContent = t("clearance.visitors_left", { n: visitors.length });
  renderRoll(screen, panel.querySelector("[data-clr-roll]"));
}

// Find the panel.
export function mount(screen) {
  panel = screen.root.querySelector("[data-clearance-panel]");
}

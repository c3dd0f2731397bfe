// Clearance panel on the wall screen: a chip per zone, floor-plan zones coloured, the time taken.
import { h } from "../common.js";
import { took } from "../concepts/clearance.js";
import { t, timeHM } from "../i18n.js";

let panel = null;

// Return whether the screen should show the round (open, or completed and still in post_event).
function showing(model) {
  const round = model.clearance;
  return Boolean(round?.round_id && (round.open || (round.completed_at && model.phase === "post_event")));
}

function stateOf(round, zoneId) {
  return round.zones.get(zoneId)?.state || "open";
}

// Colour the floor plan's zones by clearance while the round shows (and clear them after).
function colourPlan(screen, round, on) {
  for (const el of screen.root.querySelectorAll("polygon[data-zone]")) {
    if (on) el.dataset.clearance = stateOf(round, el.dataset.zone);
    else delete el.dataset.clearance;
  }
}

function chip(screen, round, zone) {
  const z = round.zones.get(zone.id) || {};
  const state = z.state || "open";
  let detail = t(`clearance.state.${state}`);
  if (state === "people_found") detail = t("clearance.still_inside", { n: z.people_found });
  else if (state === "cleared") detail = timeHM(z.at);
  return h("li", { "data-zone": zone.id, "data-state": state },
    h("b", {}, screen.index.name(zone.id)), h("span", {}, detail));
}

// Show the elapsed time while the round runs (called every second).
export function tick(screen) {
  const round = screen.model.clearance;
  if (!panel || !showing(screen.model) || round.completed_at) return;
  const total = screen.index.zones.size;
  const done = [...round.zones.values()].filter((z) => z.state === "cleared").length;
  const m = Math.max(0, Math.floor((screen.now() - Date.parse(round.started_at)) / 60000));
  const text = `${t("clearance.progress", { done, total })} · ${t("clearance.elapsed", { m })}`;
  const el = panel.querySelector("[data-clr-progress]");
  if (el.textContent !== text) el.textContent = text;
}

// Redraw the panel and the plan's colours from the model.
export function render(screen, env) {
  if (env && !env.type.startsWith("clearance.") && !env.type.startsWith("visitor.") && env.type !== "phase.changed") return;
  const round = screen.model.clearance;
  const on = showing(screen.model);
  panel.hidden = !on;
  colourPlan(screen, round, on);
  if (!on) return;
  const zones = [...screen.index.zones.values()];
  panel.querySelector("[data-clr-zones]").replaceChildren(...zones.map((z) => chip(screen, round, z)));
  const done = panel.querySelector("[data-clr-done]");
  done.hidden = !round.completed_at;
  if (round.completed_at) {
    done.textContent = t("clearance.venue_cleared_in", { time: timeHM(round.completed_at), took: took(round.took_s) });
    panel.querySelector("[data-clr-progress]").textContent = t("clearance.venue_cleared");
  }
  tick(screen);
  const visitors = [...(screen.model.onSite?.values() || [])];
  const line = panel.querySelector("[data-clr-visitors]");
  line.hidden = visitors.length === 0;
  line.textContent = visitors.length
    ? `${t("clearance.visitors_left", { n: visitors.length })} — ${visitors.slice(0, 6).map((v) => v.name).join("、")}` : "";
}

// Find the panel.
export function mount(screen) {
  panel = screen.root.querySelector("[data-clearance-panel]");
}

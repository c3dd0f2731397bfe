// Vehicles on the wall screen: on site per entrance and in total (mirrors server/vehicles/fold.py).
import { t } from "../i18n.js";

export const types = ["vehicle.entered", "vehicle.left"];

// Count the vehicles on site into the model's counter.
function recount(model) {
  model.vehicles = model.vehiclesOnSite.size;
}

// Load the vehicles on site of a snapshot (plate -> vehicle).
export function load(model, state) {
  model.vehiclesOnSite = new Map((Array.isArray(state.vehicles) ? state.vehicles : [])
    .map((v) => [v.plate, { ...v }]));
  recount(model);
}

// Apply a vehicle coming in or going out; in twice or out twice changes nothing.
export function apply(model, env) {
  const d = env.data || {};
  if (!model.vehiclesOnSite) model.vehiclesOnSite = new Map();
  if (env.type === "vehicle.entered") {
    if (model.vehiclesOnSite.has(d.plate)) return false;
    model.vehiclesOnSite.set(d.plate, { ...d, on_site: true, entered_at: env.ts });
  } else if (env.type === "vehicle.left") {
    if (!model.vehiclesOnSite.delete(d.plate)) return false;
  } else {
    return false;
  }
  recount(model);
  return true;
}

// Return the vehicles on site per entrance they came in by ({entrance_id: n}).
export function perEntrance(model) {
  const counts = {};
  for (const v of (model.vehiclesOnSite || new Map()).values()) {
    counts[v.entrance_id] = (counts[v.entrance_id] || 0) + 1;
  }
  return counts;
}

// Return what happened, for the feed line: the plate, the kind, and a missing pass.
export function details(env) {
  const d = env.data || {};
  const parts = [d.plate || "", t(`vehicle.kind.${d.kind}`)];
  if (d.no_pass) parts.push(`· ${t("vehicle.no_pass")}`);
  return parts.filter(Boolean).join(" ");
}

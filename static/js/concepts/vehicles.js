// Vehicles: the feed line of a vehicle at a gate (those on site are sections.vehicles and
// sections.vehicles_on_site, counted per entrance by the server).
import { t } from "../i18n.js";

export const types = ["vehicle.entered", "vehicle.left"];

// Return what happened, for the feed line: the plate, the kind, and a missing pass.
export function details(env) {
  const d = env.data || {};
  const parts = [d.plate || "", t(`vehicle.kind.${d.kind}`)];
  if (d.no_pass) parts.push(`· ${t("vehicle.no_pass")}`);
  return parts.filter(Boolean).join(" ");
}

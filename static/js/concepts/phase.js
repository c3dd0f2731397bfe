// The venue's phase: its feed line (the phase in force is the sections.phase row "venue").
import { t } from "../i18n.js";

export const types = ["phase.changed"];

// Return what happened, for the feed line.
export function details(env, index) {
  const d = env.data || {};
  return d.previous
    ? t("feed.phase", { previous: index.phaseName(d.previous), phase: index.phaseName(d.phase) })
    : index.phaseName(d.phase);
}

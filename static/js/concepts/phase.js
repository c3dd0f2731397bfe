// The venue's phase on the wall screen (mirrors server/phase/fold.py).
import { t } from "../i18n.js";

export const types = ["phase.changed"];

// Load the phase of a snapshot.
export function load(model, state) {
  model.phase = state.phase ?? null;
  model.phaseSince = state.phase_since ?? null;
}

// Apply a phase change: new intervals, so no gate stays marked overdue by the old ones.
export function apply(model, env) {
  model.phase = env.data?.phase;
  model.phaseSince = env.ts;
  for (const p of model.patrols.values()) p.overdue = false;
  return true;
}

// Return what happened, for the feed line.
export function details(env, index) {
  const d = env.data || {};
  return d.previous
    ? t("feed.phase", { previous: index.phaseName(d.previous), phase: index.phaseName(d.phase) })
    : index.phaseName(d.phase);
}

// The page modules of the concepts: the browser's side of server/concepts.py.
// A concept's module exports `types` and may export load(model, state), apply(model, env)
// and details(env, index); fold.js and feed.js iterate this list and switch on nothing.
import * as accounts from "./accounts.js";
import * as alerts from "./alerts.js";
import * as broadcasts from "./broadcasts.js";
import * as clearance from "./clearance.js";
import * as incidents from "./incidents.js";
import * as inspections from "./inspections.js";
import * as patrols from "./patrols.js";
import * as phase from "./phase.js";
import * as vehicles from "./vehicles.js";
import * as visitors from "./visitors.js";
import * as watchlist from "./watchlist.js";

export const CONCEPTS = [phase, patrols, alerts, accounts, incidents, visitors, vehicles, inspections, clearance, broadcasts, watchlist];

// Return the concept modules that fold an event type: its own, and those that `follow` it
// (clearance follows phase.changed, as server/clearance/fold.py does).
export const appliersOf = (() => {
  const byType = new Map();
  for (const c of CONCEPTS) {
    for (const type of [...c.types, ...(c.follows || [])]) byType.set(type, [...(byType.get(type) || []), c]);
  }
  return (type) => byType.get(type) || [];
})();

// Return the concept module that handles an event type.
export const conceptOf = (() => {
  const byType = new Map(CONCEPTS.flatMap((c) => c.types.map((type) => [type, c])));
  return (type) => byType.get(type);
})();

// The page modules of the concepts: each exports `types` and details(env, index, lookup), the
// words of its feed lines, and helpers its render modules share. feed.js iterates this list and
// switches on nothing. No module folds events: the server's sections are the state (DESIGN §1.10).
import * as accounts from "./accounts.js";
import * as alerts from "./alerts.js";
import * as broadcasts from "./broadcasts.js";
import * as clearance from "./clearance.js";
import * as incidents from "./incidents.js";
import * as inspections from "./inspections.js";
import * as patrols from "./patrols.js";
import * as phase from "./phase.js";
import * as posts from "./posts.js";
import * as programme from "./programme.js";
import * as vehicles from "./vehicles.js";
import * as visitors from "./visitors.js";
import * as watchlist from "./watchlist.js";

export const CONCEPTS = [phase, patrols, alerts, accounts, incidents, visitors, vehicles, inspections, clearance, broadcasts, watchlist, posts, programme];

// Return the concept module that handles an event type.
export const conceptOf = (() => {
  const byType = new Map(CONCEPTS.flatMap((c) => c.types.map((type) => [type, c])));
  return (type) => byType.get(type);
})();

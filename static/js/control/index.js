// The concept panels of the control-room screen (templates/control/_<panel>.html).
// A panel module may export mount(screen), render(screen, env) — env is the event that
// changed the model, or null for a full redraw — and tick(screen), called every second.
// screen = {root, model, index, canAck, now()}; panels draw from the model, never fetch state.
import * as clearance from "./clearance.js";
import * as incidents from "./incidents.js";
import * as readiness from "./readiness.js";
import * as visitors from "./visitors.js";
import * as watchlist from "./watchlist.js";

export const PANELS = [watchlist, readiness, incidents, visitors, clearance];

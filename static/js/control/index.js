// The concept panels of the control-room screen (templates/control/_<panel>.html).
// A panel module may export mount(screen), render(screen, changed) — changed is what a live
// frame's patches changed (Map section -> Map key -> the row before, static/js/store.js), or
// null for a full redraw — and tick(screen), called every second.
// screen = {root, store, index, canAck, now()}; panels draw the store's rows, never fetch state.
import * as clearance from "./clearance.js";
import * as incidents from "./incidents.js";
import * as phoneSetup from "./phone_setup.js";
import * as posts from "./posts.js";
import * as programme from "./programme.js";
import * as readiness from "./readiness.js";
import * as visitors from "./visitors.js";
import * as watchlist from "./watchlist.js";

export const PANELS = [programme, watchlist, readiness, incidents, posts, visitors, clearance, phoneSetup];

// The concept panels of the control-room screen (templates/control/_<panel>.html).
// A panel module may export mount(screen), render(screen, env) — env is the event that
// changed the model, or null for a full redraw — and tick(screen), called every second.
// screen = {root, model, index, canAck, now()}; panels draw from the model, never fetch state.
import * as watchlist from "./watchlist.js";

export const PANELS = [watchlist];

// The server's clock as this phone last measured it: times a guard's work carries (when a gate
// was seen, when an item was queued) are the phone's time plus this offset, so a phone whose
// clock runs fast or slow is not refused as "in the future". The offset is kept on the phone
// (localStorage) so a reload while offline still uses the last measurement.
const KEY = "gatewatch.clock.offset";

let offset = read();

function read() {
  try {
    const n = Number(localStorage.getItem(KEY));
    return Number.isFinite(n) ? n : 0;
  } catch { return 0; }
}

// Note a server_time (ISO) heard just now; half the round trip, when known, is added back.
export function noteServerTime(iso, latencyMs = 0) {
  const at = Date.parse(iso || "");
  if (Number.isNaN(at)) return;
  offset = Math.round(at + latencyMs - Date.now());
  try { localStorage.setItem(KEY, String(offset)); } catch { /* private mode: this page only */ }
}

// Return the offset (ms) to add to the phone's clock.
export function clockOffset() {
  return offset;
}

// Return the server's time now as a Date (the phone's clock corrected).
export function serverNow() {
  return new Date(Date.now() + offset);
}

// Return the server's time now as an ISO string.
export function serverIso() {
  return serverNow().toISOString();
}

// Stream ids ("ms-seq"): the order of events and the live cursor (pure, no DOM).

// Compare two stream ids numerically; return <0, 0 or >0 (a missing id comes first).
export function compareIds(a, b) {
  if (a === b) return 0;
  if (!a) return -1;
  if (!b) return 1;
  const [am, as = "0"] = String(a).split("-");
  const [bm, bs = "0"] = String(b).split("-");
  const d = Number(am) - Number(bm);
  if (d) return d;
  return Number(as) - Number(bs);
}

// Return the epoch milliseconds encoded in a stream id.
export function idMs(id) {
  return Number(String(id || "0").split("-")[0]);
}

// The page's copy of the viewer's sections (DESIGN §5): the snapshot's rows, then the live
// patches. Rows come computed and shaped by the server's folds; this module only keeps them,
// and the render modules draw them. {section: {key: row | null}}: a row replaces, null deletes.

export class Store {
  constructor() {
    this.sections = new Map(); // section name -> Map key -> row
  }

  // Replace every section with those of a snapshot (GET /api/v1/state); return their names.
  load(state) {
    this.sections = new Map();
    for (const [name, rows] of Object.entries(state?.sections || {})) {
      this.sections.set(name, new Map(Object.entries(rows || {})));
    }
    return new Set(this.sections.keys());
  }

  // Apply a frame's patches; return what changed: Map section -> Map key -> the row before
  // (undefined when the row is new), so a renderer can tell a new row from a changed one.
  patch(patches) {
    const changed = new Map();
    for (const [name, rows] of Object.entries(patches || {})) {
      if (!rows || typeof rows !== "object") continue;
      if (!this.sections.has(name)) this.sections.set(name, new Map());
      const section = this.sections.get(name);
      const before = new Map();
      for (const [key, row] of Object.entries(rows)) {
        before.set(key, section.get(key));
        if (row === null || row === undefined) section.delete(key);
        else section.set(key, row);
      }
      if (before.size) changed.set(name, before);
    }
    return changed;
  }

  // Tell whether the viewer receives a section at all.
  has(name) {
    return this.sections.has(name);
  }

  // Return a section's rows (none when the viewer does not receive it), in arrival order.
  rows(name) {
    return [...(this.sections.get(name)?.values() || [])];
  }

  // Return one row of a section, or undefined.
  row(name, key) {
    return this.sections.get(name)?.get(String(key));
  }
}

// Return a row lookup for feed lines of one frame: the row now, else the one the frame's
// patches just replaced or deleted (an acknowledged alert still names its checkpoint).
export function lookupWith(store, changed = new Map()) {
  return (name, key) => (key == null ? undefined : store.row(name, key) ?? changed.get(name)?.get(String(key)));
}

// Tell whether a change (from patch, or null for a full redraw) touches any of these sections.
export function touches(changed, names) {
  return !changed || names.some((name) => changed.has(name));
}

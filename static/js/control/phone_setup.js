// The wall's phone set-up panel: shown until a guard's phone is active, then out of the way.
let panel = null;

export function mount(screen) {
  panel = screen.root.querySelector("[data-phone-setup]");
}

export function render(screen) {
  if (panel) panel.hidden = screen.store.rows("guards_active").length > 0;
}

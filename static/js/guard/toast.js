// The phone's status line under the header: what became of the guard's last action. It sits in
// the page's flow (it never covers a field), goes away after a few seconds or at the next
// input, and is shown only on the screen it is about (or home), never on another form.
const SHOWN_MS = { ok: 4000, queued: 6000, error: 12000 };

// Return the status line of element el; currentView() names the screen on show.
export function statusLine(el, currentView) {
  let timer = null;

  // Hide the line (an error stays unless all is true).
  function hide(all = true) {
    if (!all && el.dataset.kind === "error") return;
    clearTimeout(timer);
    el.hidden = true;
  }

  // Show text (kind ok, queued or error) about screen view; top: scroll up so it is seen.
  function show(kind, text, { view = null, top = false } = {}) {
    const here = currentView();
    if (view && here !== view && here !== "home") return; // about another form: not here
    el.dataset.kind = kind;
    el.dataset.view = view || "";
    el.textContent = text;
    el.hidden = false;
    clearTimeout(timer);
    timer = setTimeout(() => hide(), SHOWN_MS[kind] || SHOWN_MS.ok);
    if (top && el.getBoundingClientRect().top < 0) window.scrollTo({ top: 0 });
  }

  // A new screen opened: a line about another form goes.
  function routed(view) {
    if (!el.hidden && el.dataset.view && el.dataset.view !== view && view !== "home") hide();
  }

  // Hide a green "saved" (the server stopped answering: it must not look current).
  function hideSaved() {
    if (el.dataset.kind === "ok") hide();
  }

  el.addEventListener("click", () => hide());
  // The guard moved on: the confirmation of the last entry goes with the next input.
  document.addEventListener("input", (e) => { if (!e.target.closest?.("[data-signin]")) hide(false); });
  return { show, hide, routed, hideSaved };
}

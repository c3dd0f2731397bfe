// The command desk's phase control: the phase in force and the readiness board's verdict (both
// from the server's sections in /api/v1/state), and — for commanders — the change through
// POST /api/v1/phase after a confirmation step; when the board gates the target phase and is not
// ready, the confirmation asks for the override's reason (required). One Idempotency-Key per
// request body: a retry after a network error sends the same key, a changed body a new one.
// With a programme, the card says what the programme proposes ("the programme proposes: 会议进行中
// for 全体会议 at 09:00") and a commander confirms it through the same confirmation step: the
// phase never follows the programme silently.
import { get, newKey, post } from "../api.js";
import { errorText, h, loadVenue, page, venueIndex } from "../common.js";
import { dateTime, loc, t, timeHM } from "../i18n.js";
import { fillMeetingFilter, renderProgramme } from "./programme.js";

const root = document.querySelector("[data-phase-control]");
const $ = (sel) => root.querySelector(sel);
const canChange = ["commander", "admin"].includes(page.role);
const en = document.documentElement.lang === "en";
let index = null;
let phase = null; // {phase, since}
let board = null; // the readiness board (sections.readiness.today)
let programme = null; // today's programme (sections.programme.today)
let pending = null; // {body, key}: the last request sent, for a retry with the same key

// Return the readiness board's verdict for entering a phase: [] when nothing is missing.
function missingFor(target) {
  return board && board.gates === target ? board.missing : [];
}

const SHOWN = 8; // the rest of a long list folds away under "N more" (34 items before any inspection)

function missingItem(m) {
  return h("li", { "data-missing": m.key, "data-code": m.code, "data-overridden": m.overridden ? "true" : "false" },
    m.code === "critical_hazard" ? "⚠ " : "", en ? m.en : m.zh,
    m.overridden ? h("span", { class: "tag wait" }, t("readiness.overridden")) : "");
}

// List what is missing, critical hazards first.
function renderMissing() {
  const items = [...(board?.missing || [])].sort((a, b) => (b.code === "critical_hazard") - (a.code === "critical_hazard"));
  const rest = items.slice(SHOWN);
  const more = rest.length ? [h("li", { class: "phase-more" }, h("details", {},
    h("summary", {}, t("phasectl.more", { n: rest.length })), h("ul", {}, ...rest.map(missingItem))))] : [];
  $("[data-phase-missing]").replaceChildren(...items.slice(0, SHOWN).map(missingItem), ...more);
}

function renderVerdict() {
  const tag = $("[data-phase-verdict]");
  const gate = board ? index.phaseName(board.gates) : "";
  tag.className = `tag ${board?.ready ? "on" : "wait"}`;
  tag.dataset.ready = board?.ready ? "true" : "false";
  tag.textContent = !board ? "—" : board.ready ? t("phasectl.ready", { phase: gate })
    : t("phasectl.not_ready", { phase: gate, n: board.missing.length });
}

function renderTargets() {
  const select = $("[data-phase-target]");
  const chosen = select.value;
  const others = index.venue.phases.map((p) => p.id || p).filter((id) => id !== phase?.phase);
  select.replaceChildren(...others.map((id) => h("option", { value: id }, index.phaseName(id))));
  if (others.includes(chosen)) select.value = chosen;
}

// Say what the programme proposes now (nothing when the phase already follows it).
function renderProposal() {
  const proposal = programme?.proposal;
  const box = $("[data-phase-proposal]");
  box.hidden = !proposal;
  if (!proposal) return;
  box.dataset.proposed = proposal.phase;
  $("[data-phase-proposal-text]").textContent = t("phasectl.proposal", {
    phase: index.phaseName(proposal.phase), meeting: loc(proposal.name), time: proposal.at_local });
  $("[data-phase-proposal-confirm]").hidden = !canChange;
}

function render() {
  renderProposal();
  renderProgramme(document.querySelector("[data-programme]"), programme, index);
  fillMeetingFilter(document.querySelector("[data-meeting-filter]"), programme);
  $("[data-phase-now]").textContent = index.phaseName(phase?.phase);
  $("[data-phase-since]").textContent = phase?.since ? t("phasectl.since", { time: dateTime(phase.since) }) : "";
  renderVerdict();
  renderMissing();
  $("[data-phase-form]").hidden = !canChange;
  if (canChange) renderTargets();
  root.dataset.phase = phase?.phase || "";
  root.dataset.loaded = "true";
}

// Read the phase and the board from the viewer's sections.
async function load() {
  const state = await get("/api/v1/state");
  phase = state.sections?.phase?.venue || null;
  board = state.sections?.readiness?.today || null;
  programme = state.sections?.programme?.today || null;
  render();
}

function showError(text) {
  const el = $("[data-phase-error]");
  el.hidden = !text;
  el.textContent = text || "";
}

function reasonError(text) {
  const el = $("[data-phase-reason-error]");
  el.hidden = !text;
  el.textContent = text || "";
  $("[data-phase-reason]").setAttribute("aria-invalid", text ? "true" : "false");
}

// Open the confirmation step for the chosen phase (with the override when the gate says not ready).
function ask(target) {
  const missing = missingFor(target);
  const box = $("[data-phase-confirm]");
  box.dataset.target = target;
  $("[data-phase-question]").textContent = t("phasectl.question", {
    from: index.phaseName(phase?.phase), to: index.phaseName(target) });
  $("[data-phase-override]").hidden = missing.length === 0;
  $("[data-phase-warning]").textContent = t("phasectl.override_needed", { n: missing.length, phase: index.phaseName(target) });
  $("[data-phase-confirm-btn]").textContent = missing.length ? t("phasectl.confirm_override") : t("phasectl.confirm");
  $("[data-phase-confirm-btn]").classList.toggle("danger", missing.length > 0);
  showError("");
  reasonError("");
  box.hidden = false;
  $("[data-phase-done]").hidden = true;
  (missing.length ? $("[data-phase-reason]") : $("[data-phase-confirm-btn]")).focus();
}

function close() {
  $("[data-phase-confirm]").hidden = true;
  $("[data-phase-reason]").value = "";
  pending = null;
}

// Send the change; keep the key for a retry of the same body after a network error.
async function send() {
  const target = $("[data-phase-confirm]").dataset.target;
  const needsReason = !$("[data-phase-override]").hidden;
  const reason = $("[data-phase-reason]").value.trim();
  if (needsReason && !reason) {
    reasonError(t("phasectl.reason_required"));
    $("[data-phase-reason]").focus();
    return;
  }
  const body = needsReason ? { phase: target, override_reason: reason } : { phase: target };
  const text = JSON.stringify(body);
  if (!pending || pending.body !== text) pending = { body: text, key: newKey() };
  const button = $("[data-phase-confirm-btn]");
  button.disabled = true;
  try {
    const answer = await post("/api/v1/phase", body, { idempotencyKey: pending.key });
    close();
    const done = $("[data-phase-done]");
    done.hidden = false;
    done.textContent = t(answer.event.data.override_reason ? "phasectl.done_override" : "phasectl.done", {
      phase: index.phaseName(answer.event.data.phase), time: timeHM(answer.event.ts) });
    await load();
  } catch (err) {
    if (!err.retryable) pending = null;
    if (err.code === "not_ready") { // the board changed since it was read: ask for the override
      await load();
      ask(target);
    }
    showError(errorText(err));
  } finally {
    button.disabled = false;
  }
}

async function start() {
  index = venueIndex(await loadVenue());
  $("[data-phase-form]").addEventListener("submit", async (e) => {
    e.preventDefault();
    await load(); // judge on the board as it is now
    ask($("[data-phase-target]").value);
  });
  $("[data-phase-proposal-confirm]").addEventListener("click", async () => {
    await load(); // judge on the programme and the board as they are now
    if (programme?.proposal) ask(programme.proposal.phase);
  });
  $("[data-phase-confirm-btn]").addEventListener("click", send);
  $("[data-phase-cancel]").addEventListener("click", () => {
    close();
    $("[data-phase-change]").focus();
  });
  $("[data-phase-reason]").addEventListener("input", () => reasonError(""));
  await load();
  setInterval(() => { if ($("[data-phase-confirm]").hidden) load().catch(() => {}); }, 30000);
}

if (root) start();

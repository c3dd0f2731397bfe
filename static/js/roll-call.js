// The roll-call page: a print button (the page itself is server-rendered and printable).
import "./common.js"; // binds the sign-out button

document.querySelector("[data-print]")?.addEventListener("click", () => window.print());

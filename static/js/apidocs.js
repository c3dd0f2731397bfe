// /api/docs: fetch the OpenAPI document (same origin, with the session cookie if any) and render
// it with Swagger UI (window.SwaggerUIBundle, from static/vendor). Nothing leaves this origin:
// no validator badge, and "Try it out" requests carry the page's CSRF token.
import { csrfToken } from "./api.js";
import { bindSignOut } from "./common.js";

const root = document.getElementById("swagger-ui");
const error = document.querySelector("[data-docs-error]");

// Show why the reference cannot be drawn (offer to sign in when the document needs it).
function fail(message, signIn = false) {
  error.querySelector("[data-docs-message]").textContent = message;
  error.querySelector("[data-docs-signin]").hidden = !signIn;
  error.hidden = false;
}

async function main() {
  bindSignOut();
  let answer;
  try {
    answer = await fetch(root.dataset.specUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
  } catch {
    fail("The API description could not be loaded (network). 无法加载 API 描述（网络）。");
    return;
  }
  if (answer.status === 401 || answer.status === 403) {
    fail("Sign in to read the API description. 请先登录以查看 API 描述。", true);
    return;
  }
  if (!answer.ok) {
    fail(`The API description could not be loaded (HTTP ${answer.status}). 无法加载 API 描述。`);
    return;
  }
  window.SwaggerUIBundle({
    spec: await answer.json(),
    domNode: root,
    validatorUrl: null,
    deepLinking: true,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    presets: [window.SwaggerUIBundle.presets.apis],
    requestInterceptor: (request) => {
      const token = csrfToken();
      if (token && !/^(GET|HEAD|OPTIONS)$/i.test(request.method || "GET")) request.headers["X-CSRF-Token"] = token;
      return request;
    },
  });
}

main();

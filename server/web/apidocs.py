"""GET /api/docs: the API reference page (Swagger UI from npm, served locally) for /api/v1/openapi.json."""
from flask import Blueprint

from server.auth import current_user

from .pages import render_page

bp = Blueprint("apidocs", __name__)


@bp.get("/api/docs")
def docs():
    """Serve the API reference page; readable without signing in (the document itself may need it).

    The page runs under the same strict Content-Security-Policy as every other page: Swagger UI's
    bundle and stylesheet are same-origin files, it sets styles through the CSSOM (which CSP allows),
    its icons are data: images (allowed) and its validator badge is switched off in apidocs.js.
    """
    return render_page("apidocs.html", "apidocs", current_user())

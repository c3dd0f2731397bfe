"""The application factory proper (server/__init__.py stays import-free for monkey-patching)."""
import datetime as dt
import logging
import time

from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from server import api, auth, events as ev, realtime, web
from server.concepts import registry
from server.config import data_keys, load_settings, secret_key
from server.context import Gatewatch
from server.metrics import Metrics
from server.sealing import Sealer
from server.store import Store
from server.store.accounts import Accounts
from server.store.embedded import EmbeddedRedis
from server.venue import load_venue

log = logging.getLogger("gatewatch")


def build_context(settings, embedded=None):
    """Load the venue and connect the store (starting the embedded Redis, or `embedded`, if needed)."""
    venue = load_venue(settings.venue_path)
    url = settings.redis_url
    if url:
        embedded = None
    else:
        embedded = embedded or EmbeddedRedis(settings.data_dir)
        embedded.start()
        url = embedded.url
    # Master keys are read on first use (the key file may be created then), not at start.
    sealer = Sealer(lambda: data_keys(settings))
    store = Store(url, venue.id, reader=registry().upcast, opener=registry().opener(sealer),
                  rows_opener=registry().rows_opener(sealer), envelope=lambda event: ev.envelope(event, venue.id))
    return Gatewatch(settings=settings, venue=venue, store=store, accounts=Accounts(store),
                     registry=registry(), metrics=Metrics(), embedded=embedded, sealer=sealer)


def _count_request(response):
    """Count every answered request for /metrics."""
    here, req = g._get_current_object(), request._get_current_object()  # a proxy lookup is ~1.4 µs
    ctx = here.get("gw_ctx")
    if ctx is not None and req.endpoint:
        ctx.metrics.request_answered(req.method, req.endpoint, response.status_code,
                                     time.perf_counter() - here.gw_started)
    return response


def safe_headers(wsgi_app):
    """Wrap a WSGI app: every answer is nosniff, and JSON answers are never cached."""
    def app(environ, start_response):
        def start(status, headers, exc_info=None):
            present = {name.lower(): value for name, value in headers}
            extra = [] if "x-content-type-options" in present else [("X-Content-Type-Options", "nosniff")]
            if present.get("content-type", "").startswith("application/json") and "cache-control" not in present:
                extra.append(("Cache-Control", "no-store"))  # sessions, tokens, personal data
            return start_response(status, list(headers) + extra, exc_info)
        return wsgi_app(environ, start)
    return app


def create_app(config=None, ctx=None):
    """Create the Flask app; `config` overrides Flask settings, `ctx` injects services."""
    root = __file__.rsplit("/server/", 1)[0]
    app = Flask(__name__, template_folder=f"{root}/templates", static_folder=f"{root}/static",
                static_url_path="/static")
    if ctx is None:
        ctx = build_context(load_settings())
    app.extensions["gatewatch"] = ctx
    # The cookie only carries the session id; Redis holds the session and slides its expiry,
    # so the cookie need not be re-signed on every request (it was ~6 % of a check-in's CPU).
    app.config.update(SECRET_KEY=secret_key(ctx.settings), JSON_AS_ASCII=False,
                      MAX_CONTENT_LENGTH=16 * 1024 * 1024, SESSION_REFRESH_EACH_REQUEST=False,
                      PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=ctx.settings.session_hours))
    app.json.ensure_ascii = False
    app.config.update(config or {})
    if ctx.settings.proxy_hops:
        # Behind nginx (docker compose): trust that many X-Forwarded-* hops for address and scheme.
        hops = ctx.settings.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    @app.before_request
    def _start_clock():
        here = g._get_current_object()
        here.gw_ctx, here.gw_started = ctx, time.perf_counter()

    app.after_request(_count_request)
    auth.init_app(app)
    api.init_app(app)
    web.init_app(app)
    realtime.init_app(app)
    # Outermost, so Socket.IO's own answers get the headers too.
    app.wsgi_app = safe_headers(app.wsgi_app)
    return app

"""Phones on the venue network: the page that offers the local CA certificate, and its QR code.

Public on purpose: a phone needs the certificate before it can sign in over HTTPS, and the
certificate is no secret (its fingerprint, shown here and on the wall, is what a guard checks).
"""
import ipaddress
from urllib.parse import urlsplit

import segno
from cryptography.hazmat.primitives import serialization
from flask import Blueprint, Response, abort, current_app, request
from markupsafe import Markup

from server import tls
from server.auth import current_user

from .pages import render_page

bp = Blueprint("setup", __name__)
CA_MIME = "application/x-x509-ca-cert"


def _settings():
    """Return the running server's settings."""
    return current_app.extensions["gatewatch"].settings


def lan_base_url():
    """Return the URL phones reach this server at: the request's, with a LAN address for a loopback host."""
    parts = urlsplit(request.host_url)
    host = parts.hostname or "localhost"
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if loopback:
        lan = [a for a in tls.local_names()[1] if ":" not in a and not a.startswith("127.")]
        host = lan[0] if lan else host
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


def qr_svg(text, scale=4):
    """Return an inline SVG QR code of text (drawn here: no outside call)."""
    qr = segno.make(text, error="m", micro=False)
    return Markup(qr.svg_inline(scale=scale, dark="#000", light="#fff", border=2, omitsize=False))


def phone_setup():
    """Return what the wall's set-up panel shows: the page's URL, its QR code, the CA fingerprint."""
    url = f"{lan_base_url()}/setup/phone"
    ca = tls.ca_certificate(_settings())
    return {"url": url, "qr": qr_svg(url), "fingerprint": tls.fingerprint(ca) if ca else None,
            "https": request.scheme == "https" or request.headers.get("X-Forwarded-Proto") == "https"}


@bp.app_context_processor
def setup_helpers():
    """Offer phone_setup() to templates (the wall's panel calls it)."""
    return {"phone_setup": phone_setup}


@bp.get("/setup/phone")
def phone():
    """Show the CA certificate download and the install steps for Android and iOS."""
    ca = tls.ca_certificate(_settings())
    guard_url = f"{lan_base_url()}/guard"
    return render_page("setup_phone.html", "setup", current_user(), has_ca=ca is not None,
                       fingerprint=tls.fingerprint(ca) if ca else None, guard_url=guard_url,
                       guard_qr=qr_svg(guard_url, scale=5))


@bp.get("/setup/ca.crt")
def ca_certificate():
    """Serve the CA certificate (DER) with the type phones install as a CA."""
    ca = tls.ca_certificate(_settings())
    if ca is None:
        abort(404)
    return Response(ca.public_bytes(serialization.Encoding.DER), mimetype=CA_MIME,
                    headers={"Content-Disposition": 'attachment; filename="gatewatch-ca.crt"',
                             "Cache-Control": "no-cache"})

"""The phone set-up path: the wall shows a server-drawn QR code to /setup/phone; without a CA the page
says how to make one and no certificate is offered; with one, it is served as a CA certificate."""
import re

from cryptography import x509

from server import tls


def test_the_wall_shows_a_qr_code_to_the_setup_page(auth, client):
    """/control carries an inline SVG QR code and the set-up page's address (no outside call)."""
    auth.login("op1", "operator")
    html = client.get("/control").get_data(as_text=True)
    panel = re.search(r'<section class="c-phone-setup" data-phone-setup>(.*?)</section>', html, re.S).group(1)
    assert "<svg" in panel and "/setup/phone" in panel
    assert "<img" not in panel and "xlink:href" not in panel  # drawn here, nothing fetched


def test_without_a_ca_the_page_says_how_to_make_one(client):
    """No certificate yet: the page names `gatewatch tls init`; /setup/ca.crt is 404."""
    page = client.get("/setup/phone", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and "gatewatch tls init" in page.get_data(as_text=True)
    assert client.get("/setup/ca.crt").status_code == 404


def test_with_a_ca_the_page_offers_it_with_its_fingerprint(ctx, client):
    """After tls init: the fingerprint on the page, the DER certificate with the CA MIME type."""
    tls.init(ctx.settings, "Test venue")
    ca = tls.ca_certificate(ctx.settings)
    page = client.get("/setup/phone").get_data(as_text=True)
    assert tls.fingerprint(ca) in page and 'href="/setup/ca.crt"' in page
    crt = client.get("/setup/ca.crt")
    assert crt.mimetype == "application/x-x509-ca-cert"
    assert x509.load_der_x509_certificate(crt.data) == ca

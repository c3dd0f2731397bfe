"""HTTPS on the venue network: `tls init` + `serve --tls`; a phone trusting the venue CA opens /guard by a
non-localhost name, its service worker registers, and the app reopens offline; /setup/phone offers the CA."""
import subprocess
import sys
import time

import pytest
import requests
from cryptography import x509
from playwright.sync_api import expect

from server import tls
from support import ROOT, LiveServer, settings_for

from .conftest import CHROMIUM_ARGS, chromium_path
from .pw_helpers import PASSWORD, PHONE, new_context, sign_in_page

NAME = "gatewatch.test"
GUARD = "guard_https"


class TlsServer(LiveServer):
    """`gatewatch serve --tls` on the certificate `tls init` made for gatewatch.test."""

    def start(self):
        """Make the certificates, start serving HTTPS and wait until /readyz answers over it."""
        tls.init(settings_for(self.redis.url, self.data_dir), "Test venue", extra_names=[NAME])
        self.ca = str(tls.paths(settings_for(self.redis.url, self.data_dir))["ca_cert"])
        self.url = f"https://{NAME}:{self.port}"
        log = open(self.data_dir / f"server-{self.port}.log", "ab")
        self.process = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--tls", "--port",
                                         str(self.port)], cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited; see {log.name}")
            try:  # requests resolves gatewatch.test itself: ask 127.0.0.1, check the name
                answer = requests.get(f"https://127.0.0.1:{self.port}/readyz", timeout=2, verify=self.ca)
                if answer.status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not become ready over HTTPS")


@pytest.fixture(scope="module")
def https_server(live_redis, tmp_path_factory):
    """A real server process serving HTTPS with a certificate from `tls init`."""
    server = TlsServer(live_redis, tmp_path_factory.mktemp("https")).start()
    yield server
    server.stop()


@pytest.fixture
def phone_browser(browser, https_server):
    """A Chromium that resolves gatewatch.test to this machine and trusts the venue's server key."""
    cert = x509.load_pem_x509_certificate(open(tls.paths(https_server.ctx.settings)["cert"], "rb").read())
    camera = browser.browser_type.launch(executable_path=chromium_path(), args=[
        *CHROMIUM_ARGS, f"--host-resolver-rules=MAP {NAME} 127.0.0.1",
        f"--ignore-certificate-errors-spki-list={tls.spki_hash(cert)}"])
    yield camera
    camera.close()


def test_the_server_certificate_covers_the_names_and_the_ca_signed_it(https_server):
    """Verified against the generated CA only; the keys are owner-only."""
    files = tls.paths(https_server.ctx.settings)
    assert requests.get(f"https://127.0.0.1:{https_server.port}/healthz", verify=https_server.ca).ok
    cert = x509.load_pem_x509_certificate(files["cert"].read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert NAME in names.get_values_for_type(x509.DNSName)
    assert "localhost" in names.get_values_for_type(x509.DNSName)
    for key in ("key", "ca_key"):
        assert files[key].stat().st_mode & 0o777 == 0o600


def test_the_setup_page_offers_the_ca_certificate(https_server):
    """/setup/phone names the fingerprint and links the DER certificate, served as a CA certificate."""
    page = requests.get(f"https://127.0.0.1:{https_server.port}/setup/phone", verify=https_server.ca,
                        headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 200 and "安卓" in page.text and "iOS" in page.text
    ca = x509.load_pem_x509_certificate(open(https_server.ca, "rb").read())
    assert tls.fingerprint(ca) in page.text
    crt = requests.get(f"https://127.0.0.1:{https_server.port}/setup/ca.crt", verify=https_server.ca)
    assert crt.headers["Content-Type"] == "application/x-x509-ca-cert"
    assert x509.load_der_x509_certificate(crt.content) == ca


def test_guard_over_https_registers_its_service_worker_and_reopens_offline(phone_browser, https_server):
    """On https://gatewatch.test the page is a secure context: the worker registers and serves it offline."""
    https_server.add_user(GUARD, "guard", PASSWORD)
    context = new_context(phone_browser, https_server, viewport=PHONE, mobile=True)
    page = context.new_page()
    page.goto("/guard")  # the API client resolves names itself: sign in the way a guard does
    sign_in_page(page, GUARD)
    expect(page.locator("body")).to_have_attribute("data-ready", "true", timeout=40000)
    assert page.evaluate("window.isSecureContext") and page.evaluate("location.hostname") == NAME
    # The guard is told when every file the page loaded is kept: only then is reopening offline promised.
    expect(page.locator("[data-offline-ready]")).to_have_attribute("data-state", "ready", timeout=60000)
    kept = """async () => {
        const reg = await navigator.serviceWorker.ready;
        const cache = await caches.open("gatewatch-shell-v1");
        return Boolean(reg.active) && Boolean(await cache.match("/guard"))
            && Boolean(await cache.match("/static/js/guard.js"));
    }"""
    assert page.evaluate(kept), "the service worker did not register and keep the app over HTTPS"
    context.set_offline(True)
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-ready", "true", timeout=40000)
    expect(page.locator("[data-net]")).to_be_visible()
    context.close()

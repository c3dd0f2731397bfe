"""`gatewatch tls init`: a CA kept across runs (phones installed it), a fresh server certificate for the
names asked, owner-only keys; `serve --tls` without certificates says what to run."""
import ipaddress

import pytest
from cryptography import x509

from server import cli_presence, tls
from server.config import ConfigError, load_settings


def _san(path):
    """Return (DNS names, IP addresses) a certificate file covers."""
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return names.get_values_for_type(x509.DNSName), names.get_values_for_type(x509.IPAddress)


def test_tls_init_keeps_the_ca_and_covers_the_names_asked(runner, tmp_path):
    """Two runs: one CA (same fingerprint), the second certificate covers the new --name too."""
    with pytest.raises(ConfigError, match="tls init"):
        cli_presence.serving_tls(load_settings())
    status, out, err = runner("tls", "init", "--name", "10.1.2.3")
    assert status == 0, err
    files = tls.paths(load_settings())
    first = tls.fingerprint(tls.ca_certificate(load_settings()))
    assert first in out
    dns, ips = _san(files["cert"])
    assert "localhost" in dns and ipaddress.ip_address("10.1.2.3") in ips
    assert runner("tls", "init", "--name", "gatewatch.test")[0] == 0
    assert tls.fingerprint(tls.ca_certificate(load_settings())) == first
    assert "gatewatch.test" in _san(files["cert"])[0]
    assert files["key"].stat().st_mode & 0o777 == 0o600 and files["ca_key"].stat().st_mode & 0o777 == 0o600
    assert cli_presence.serving_tls(load_settings()) == (str(files["cert"]), str(files["key"]))
    assert runner("tls", "init", "--new-ca")[0] == 0
    assert tls.fingerprint(tls.ca_certificate(load_settings())) != first

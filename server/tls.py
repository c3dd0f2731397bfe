"""HTTPS on the venue network: a local certificate authority and this machine's server certificate.

Phones refuse a service worker and the camera to a page that is not a secure context, and
`http://192.168.1.20:5000` is not one. `gatewatch tls init` makes a CA (installed once on each
phone, from /setup/phone) and a server certificate for the machine's names and LAN addresses,
in `<data folder>/tls/` (keys readable by the owner only).
"""
import datetime as dt
import hashlib
import ipaddress
import os
import socket

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from server.config import ensure_data_dir

CA_DAYS = 3650
# Apple devices refuse server certificates valid for more than 825 days.
SERVER_DAYS = 825
FILES = {"ca_cert": "ca.pem", "ca_key": "ca.key", "cert": "server.pem", "key": "server.key"}


def folder(settings):
    """Return the folder that holds the certificates."""
    return settings.data_dir / "tls"


def paths(settings):
    """Return {role: path} of the four files."""
    return {role: folder(settings) / name for role, name in FILES.items()}


def server_files(settings):
    """Return (certfile, keyfile) to serve with: GATEWATCH_TLS_CERT/KEY, else the generated pair."""
    cert, key = os.environ.get("GATEWATCH_TLS_CERT"), os.environ.get("GATEWATCH_TLS_KEY")
    if cert and key:
        return cert, key
    p = paths(settings)
    return str(p["cert"]), str(p["key"])


def ca_certificate(settings):
    """Return the CA certificate to offer phones (GATEWATCH_TLS_CA, else the generated one), or None."""
    path = os.environ.get("GATEWATCH_TLS_CA") or paths(settings)["ca_cert"]
    try:
        with open(path, "rb") as fh:
            return x509.load_pem_x509_certificate(fh.read())
    except (OSError, ValueError):
        return None


def fingerprint(cert):
    """Return the SHA-256 fingerprint as colon-separated hex pairs (what phones show)."""
    digest = cert.fingerprint(hashes.SHA256()).hex().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def spki_hash(cert):
    """Return the base64 SHA-256 of the public key (Chromium's --ignore-certificate-errors-spki-list)."""
    import base64

    der = cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


def local_names():
    """Return (DNS names, IP addresses) this machine answers to on the venue network."""
    host = socket.gethostname()
    names = {"localhost", host, f"{host}.local"}
    try:
        names.add(socket.getfqdn())
    except OSError:
        pass
    addresses = {"127.0.0.1", "::1"}
    try:
        for info in socket.getaddrinfo(host, None):
            addresses.add(info[4][0].split("%")[0])
    except OSError:
        pass
    try:  # the address of the route out (no packet is sent by connect on UDP)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))
            addresses.add(probe.getsockname()[0])
    except OSError:
        pass
    return sorted(n for n in names if n), sorted(addresses)


def _write(path, data, private):
    """Write a file, owner-only when private."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    if private:
        os.chmod(path, 0o600)


def _key_pem(key):
    """Return a private key as unencrypted PKCS#8 PEM."""
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _make_ca(venue_name, now):
    """Return (key, certificate) of a new local CA."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Gatewatch"),
                      x509.NameAttribute(NameOID.COMMON_NAME, f"Gatewatch local CA — {venue_name}"[:64])])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return key, cert


def _make_server(ca_key, ca_cert, names, addresses, now):
    """Return (key, certificate) of a server certificate for these names and addresses."""
    key = ec.generate_private_key(ec.SECP256R1())
    sans = [x509.DNSName(n) for n in names] + [x509.IPAddress(ipaddress.ip_address(a)) for a in addresses]
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0] if names else addresses[0])]))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=SERVER_DAYS))
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return key, cert


def init(settings, venue_name, extra_names=(), new_ca=False):
    """Make (or keep) the CA and make a fresh server certificate; return (paths, names, addresses)."""
    ensure_data_dir(settings)
    folder(settings).mkdir(mode=0o700, exist_ok=True)
    p, now = paths(settings), dt.datetime.now(dt.timezone.utc)
    if new_ca or not (p["ca_cert"].exists() and p["ca_key"].exists()):
        ca_key, ca_cert = _make_ca(venue_name, now)
        _write(p["ca_key"], _key_pem(ca_key), private=True)
        _write(p["ca_cert"], ca_cert.public_bytes(serialization.Encoding.PEM), private=False)
    else:  # keep the CA the phones already trust
        ca_key = serialization.load_pem_private_key(p["ca_key"].read_bytes(), None)
        ca_cert = x509.load_pem_x509_certificate(p["ca_cert"].read_bytes())
    names, addresses = local_names()
    names = sorted(set(names) | {n for n in extra_names if not _is_ip(n)})
    addresses = sorted(set(addresses) | {n for n in extra_names if _is_ip(n)})
    key, cert = _make_server(ca_key, ca_cert, names, addresses, now)
    _write(p["key"], _key_pem(key), private=True)
    _write(p["cert"], cert.public_bytes(serialization.Encoding.PEM) + ca_cert.public_bytes(serialization.Encoding.PEM),
           private=False)
    return p, names, addresses


def _is_ip(value):
    """Tell whether a name is an IP address."""
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        return False

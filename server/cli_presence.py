"""The subcommands for duty on the ground: checkpoint codes, HTTPS on the venue network, the demo day."""
import os
import sys

from server.config import ConfigError, load_settings
from server.venue import VenueError, load_venue


def _venue(settings):
    """Load the venue file, as a one-line ConfigError when it is wrong."""
    try:
        return load_venue(settings.venue_path)
    except VenueError as exc:
        raise ConfigError(str(exc)) from None


def cmd_checkpoints(args):
    """Print the checkpoint sheets (qr), or rotate / retire / list the keys that sign them."""
    from server.patrols import codes

    settings = load_settings()
    if args.action == "qr":
        from server import codesheet

        venue = _venue(settings)
        count = codesheet.write_sheets(settings, venue, args.out)
        print(f"wrote {count} checkpoint sheet(s) of venue {venue.id!r} to {args.out} "
              f"(key {codes.signing_key(settings)['id']})")
    elif args.key_action == "rotate":
        key = codes.rotate(settings)
        print(f"new signing key {key['id']}: print the sheets again (`gatewatch checkpoints qr`), put them up, "
              "then retire the old key")
    elif args.key_action == "retire":
        if not args.key_id:
            raise ConfigError("checkpoints keys retire: KEY_ID is required (see `gatewatch checkpoints keys`)")
        if not codes.retire(settings, args.key_id):
            print(f"gatewatch: no key {args.key_id!r}", file=sys.stderr)
            return 1
        print(f"retired key {args.key_id}: codes it signed are refused from now on")
    else:
        for key in codes.load_keys(settings):
            state = f"retired {key['retired_at']}" if key.get("retired_at") else "in use"
            print(f"{key['id']:<10} created {key['created_at']}  {state}")
    return 0


def serving_tls(settings):
    """Return (certfile, keyfile) for `serve --tls`, or raise ConfigError saying how to make them."""
    from server import tls

    cert, key = tls.server_files(settings)
    for path in (cert, key):
        if not os.path.isfile(path):
            raise ConfigError(f"serve --tls: {path} is missing — run `gatewatch tls init` first "
                              "(or set GATEWATCH_TLS_CERT and GATEWATCH_TLS_KEY)")
    return cert, key


def cmd_tls(args):
    """Make the local CA (kept if present) and a server certificate for this machine."""
    from server import tls

    settings = load_settings()
    venue = _venue(settings)
    files, names, addresses = tls.init(settings, venue.name.get("en") or venue.id, args.name or (), args.new_ca)
    ca = tls.ca_certificate(settings)
    print(f"CA certificate: {files['ca_cert']} (SHA-256 {tls.fingerprint(ca)})")
    print(f"server certificate: {files['cert']} (key {files['key']}, owner-only)")
    print(f"  for names {', '.join(names)}; addresses {', '.join(addresses)}")
    print("serve with `gatewatch serve --tls --host 0.0.0.0` (or `make run TLS=1 HOST=0.0.0.0`); "
          "phones install the CA from https://<this machine>:<port>/setup/phone")
    return 0


def cmd_demo(args):
    """Drive a simulated congress day through the HTTP API of a running server."""
    from server import demo

    return demo.main(args)


COMMANDS = {"checkpoints": cmd_checkpoints, "tls": cmd_tls, "demo": cmd_demo}


def add_arguments(sub):
    """Declare the subcommands and their options."""
    c = sub.add_parser("checkpoints", help="print signed checkpoint QR sheets; rotate or retire their keys")
    c.add_argument("action", choices=["qr", "keys"], help="qr: print the sheets; keys [list|rotate|retire KEY_ID]")
    c.add_argument("key_action", nargs="?", choices=["list", "rotate", "retire"], default="list")
    c.add_argument("key_id", nargs="?", help="keys retire: the key id (see `gatewatch checkpoints keys`)")
    c.add_argument("--out", default="checkpoints.pdf", help="qr: the PDF to write (A4, one page per checkpoint)")
    t = sub.add_parser("tls", help="make a local CA and this machine's HTTPS certificate")
    t.add_argument("action", choices=["init"])
    t.add_argument("--name", action="append", help="another host name or address to cover (repeatable)")
    t.add_argument("--new-ca", action="store_true", help="make a new CA too (every phone installs it again)")
    d = sub.add_parser("demo", help="a simulated congress day, through the HTTP API of a running server")
    d.add_argument("--url", default=os.environ.get("GATEWATCH_DEMO_URL", "http://127.0.0.1:5000"),
                   help="the running server")
    d.add_argument("--speed", type=float, default=60.0, help="simulated seconds per real second")
    d.add_argument("--password", default="demo-guard-2026", help="password of the demo accounts")
    d.add_argument("--insecure", action="store_true", help="https: do not verify the certificate")

"""Write docs/privacy.md from the models: each personal or free-text field, and who reads it in which form.

Run `python -m server.privacydocs > docs/privacy.md` after changing a model's declarations; a test
fails while the file differs from what the models say (server/visibility.py).
"""
import sys

from server import snapshot, visibility
from server.concepts import registry

HEADER = """# Who sees what

Generated from the models by `python -m server.privacydocs > docs/privacy.md`; do not edit by hand
(`tests/unit/test_visibility.py` fails when this file is stale).

Who may read a field is declared once, on the pydantic model of the event's `data` or of the row a
page shows (`Annotated[str, FREE_TEXT]`, see `server/visibility.py`). One function,
`visibility.shape`, shapes every record for its viewer (role and username), and every read path calls
it: live frames and resume, `/api/v1/state`, the timeline `/api/v1/events`, REST reads, the answers of
creating requests and their idempotent replays. A field without a declaration is read by everyone
who reads its record; a key a model does not declare at all reaches staff only (operator, commander,
admin). Who receives an event at all is its type's audience (`docs/events.md`); the timeline lists
only the events a viewer may receive, and administrators also the audit-only account events.

## Decisions

- **Display screens** (the wall) read what the control room must see from three metres, nothing that
  names or describes a person: a visitor's name as `张*`; **no** phone, organization, host or
  purpose (next to a masked name, an organization and a host identify one person, and a purpose is
  free text a guard may fill with names); a plate masked to its region and last character
  (`沪A***5`, enough to tell two cars apart at a gate); no free text (incident descriptions, notes,
  agency references, inspection notes, broadcast text); a mark `*` instead of the username of whoever
  reported, acknowledged or was assigned; the names of recipients of broadcasts not at all.
  Guards' own names on check-ins and clearance sweeps are shown: a guard on duty is not a private
  person here, and the wall shows who patrolled last.
- **Guards** read what their phone needs: the visitor's name, masked ID, gate and times for a
  check-out; a visitor's phone, organization, host and purpose only for visitors they registered;
  incidents they reported or were sent to; never a watchlist entry's reason.
- **Commanders and administrators** alone read the watchlist and the audit events of reveals and
  purges; the full ID number only through the audited reveal.
- **Proof of presence** (signed checkpoint codes): a check-in records how it was made (`method` qr or
  manual) and the id of the venue key that signed a scanned code, never the code's signature or the
  phone's camera image (the picture is decoded on the phone and dropped). The signing keys live in the
  data folder (`checkpoint_keys.json`, owner-only); a retired key's codes are refused.
- **HTTPS on the venue network**: the local CA's and the server's private keys stay in the data
  folder (`tls/`, owner-only); `/setup/phone` serves only the CA certificate, which is public.

## Rules

| rule | read in full by | others who read the record get | why |
|---|---|---|---|
"""


def _readers(rule):
    """Return who reads a field in full, in words."""
    roles = ", ".join(r for r in visibility.ROLES if r in rule.roles)
    subjects = {"actor": "the user who caused the event", "registered_by": "the guard who registered",
                "reported_by": "the reporter", "assignee": "the assignee"}
    extra = [subjects.get(s, s) for s in rule.subject]
    return "; ".join(filter(None, [roles, " and ".join(extra)]))


def _rules():
    """Return every named rule used on a model, once each."""
    found = {}
    for model in _models():
        for _path, rule in visibility.declared(model[1]):
            found.setdefault(rule.name, rule)
    return sorted(found.values(), key=lambda r: r.name)


def _models():
    """Return (title, model) of every event data model and every section row model."""
    out = [(f"event `{kind.name}`", kind.data) for c in registry().concepts for kind in c.events]
    out += [(f"section `{s.name}` (row)", s.row) for s in snapshot.all_sections(registry())]
    return out


def render():
    """Return docs/privacy.md as text."""
    out = [HEADER.rstrip("\n")]
    for rule in _rules():
        others = f"`{rule.mask_doc}`" if rule.mask else "nothing (the field is left out)"
        out.append(f"| {rule.name} | {_readers(rule)} | {others} | {rule.why} |")
    out.append("\n## Fields\n\n| record | field | rule |\n|---|---|---|")
    for title, model in _models():
        for path, rule in visibility.declared(model):
            out.append(f"| {title} | `{path}` | {rule.name} |")
    actors = [f"`{kind.name}`" for c in registry().concepts for kind in c.events if kind.actor is not None]
    out.append("\nThe username of the actor (`actor.username`) is left empty for display screens on: "
               + ", ".join(actors) + ".\n")
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.write(render())

"""Write docs/events.md from the registry: every event type, its fields and who sees it live.

Run `python -m server.eventdocs > docs/events.md` after changing an event type; a test fails
while the file differs from what the registry says.
"""
import sys

from server.concepts import registry as _registry

HEADER = """# Event types

Generated from the concept registry by `python -m server.eventdocs > docs/events.md`;
do not edit by hand (`tests/unit/test_event_schemas.py` fails when this file is stale).

Every event travels in the envelope `{id, type, v, ts, observed_at?, actor: {username, role},
venue, data}` (DESIGN §5). `v` is the version of the type's `data` model; an older stored
version is upcast to the current one whenever it is read, so replay and reports read old
history. *Live audience* is who receives the event on `/live`, live and on resume.
*Stored sealed* fields identify a person: the stream holds them only encrypted under that
person's data key (`server/sealing.py`); readers receive them opened, or, once the purge erased
the key, empty with `purged: true` (fields with a masked form keep it, e.g. a name as `张*`).
"""


def _type_of(prop):
    """Return a short type name of one JSON-schema property."""
    if "anyOf" in prop:
        return " or ".join(_type_of(p) for p in prop["anyOf"])
    if "enum" in prop:
        return " \\| ".join(f"`{v}`" for v in prop["enum"])
    if "const" in prop:
        return f"`{prop['const']}`"
    return prop.get("type", "object")


def _fields(model):
    """Return the markdown table rows of a data model's fields."""
    schema = model.model_json_schema()
    required = set(schema.get("required", ()))
    rows = [f"| `{name}` | {_type_of(prop)} | {'yes' if name in required else 'no'} | "
            f"{prop.get('description', '')} |" for name, prop in schema.get("properties", {}).items()]
    if schema.get("additionalProperties") is not False and model.model_config.get("extra") == "allow":
        rows.append("| … | | no | further fields of the alert's kind |")
    return rows


def render(registry=None):
    """Return docs/events.md as text."""
    registry = registry or _registry()
    out = [HEADER]
    for concept in registry.concepts:
        if not concept.events:
            continue
        out.append(f"## {concept.name}\n\n{concept.doc.strip().splitlines()[0]}\n")
        for kind in concept.events:
            out.append(f"### `{kind.name}` (v{kind.v})\n\n{kind.doc}\n\n"
                       f"Live audience: {kind.audience_doc}.\n")
            if kind.personal:
                sealed = ", ".join(f"`{f}`" + (" (masked in the clear)" if f in kind.personal.masked else "")
                                   for f in kind.personal.fields)
                out.append(f"Stored sealed: {sealed}.\n")
            rows = _fields(kind.data)
            if rows:
                out.append("| field | type | required | meaning |\n|---|---|---|---|\n" + "\n".join(rows) + "\n")
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.write(render())

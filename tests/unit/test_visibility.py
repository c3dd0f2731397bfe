"""Who reads which field, generated from the registry: every event type and section row x every role.

A new event type, section or field is covered without editing this file: each declared field gets
a unique canary value, and no role the declaration leaves out may read it.
"""
import json
import pathlib

import pytest

from server import snapshot, visibility
from server.concepts import REGISTRY
from server.privacydocs import render
from server.visibility import ROLES, Viewer

ROOT = pathlib.Path(__file__).resolve().parents[2]
TYPES = sorted(REGISTRY.types)
SECTIONS = {s.name: s for s in snapshot.all_sections(REGISTRY)}
STRANGER = "someone-else"


def sample(model, prefix):
    """Return a record of a model with a unique canary string in every field, nested ones too."""
    out = {}
    for name, (_rule, nested) in visibility.rules_of(model).fields.items():
        value = f"<canary:{prefix}.{name}>"
        if nested is not None and nested[0] is not model:
            inner = sample(nested[0], f"{prefix}.{name}")
            value = {"k": inner} if nested[1] else [inner]
        out[name] = value
    out["undeclared_extra"] = f"<canary:{prefix}.undeclared>"
    return out


def leaks(model, record, shaped, viewer, actor=None, path=""):
    """Return the canaries of fields the viewer may not read in full that reached it unmasked."""
    found = []
    text = json.dumps(shaped, ensure_ascii=False)
    for name, (rule, nested) in visibility.rules_of(model).fields.items():
        value = record.get(name)
        if rule is not None and not rule.admits(viewer, record, actor) and isinstance(value, str) and value in text:
            found.append(path + name)
        if nested is not None and nested[0] is not model and isinstance(value, (list, dict)):
            items = value.values() if isinstance(value, dict) else value
            for item in items:
                found += leaks(nested[0], item, shaped, viewer, actor, f"{path}{name}[].")
    if viewer.role not in visibility.STAFF and record.get("undeclared_extra", "") in text:
        found.append(path + "undeclared_extra")
    return found


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", TYPES)
def test_no_event_field_declared_for_others_reaches_a_role(name, role):
    kind = REGISTRY.types[name]
    data = sample(kind.data, name)
    envelope = {"id": "1-0", "type": name, "v": kind.v, "ts": "2026-01-01T00:00:00.000Z",
                "actor": {"username": "the-actor", "role": "guard"}, "venue": "v", "data": data}
    viewer = Viewer(role, STRANGER)
    shaped = REGISTRY.shape(envelope, viewer)
    assert leaks(kind.data, data, shaped["data"], viewer, "the-actor") == []
    if kind.actor is not None and not kind.actor.admits(viewer, data, "the-actor"):
        assert shaped["actor"]["username"] == ""


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(SECTIONS))
def test_no_row_field_declared_for_others_reaches_a_role(name, role):
    section = SECTIONS[name]
    row = sample(section.row, name)
    viewer = Viewer(role, STRANGER)
    shaped = snapshot.shape_rows(section, {"k": row}, viewer)
    if shaped is None:
        assert role not in section.readers
        return
    assert leaks(section.row, row, shaped, viewer) == []


def test_a_masked_field_reaches_a_display_in_its_named_form():
    kind = REGISTRY.types["visitor.registered"]
    envelope = {"id": "1-0", "type": kind.name, "actor": {"username": "g1", "role": "guard"},
                "data": {"name": "张三丰", "phone": "13800138000", "plate": "沪A12345", "organization": "Acme",
                         "host": "李四", "purpose": "meeting 王五"}}
    shown = REGISTRY.shape(envelope, Viewer("display", "wall"))["data"]
    assert shown == {"name": "张*", "plate": "沪A***5"}
    assert REGISTRY.shape(envelope, Viewer("guard", "g1"))["data"] == envelope["data"]  # who registered
    other = REGISTRY.shape(envelope, Viewer("guard", "g2"))["data"]
    assert other == {"name": "张三丰", "plate": "沪A12345"}


def test_a_new_field_is_private_until_declared():
    kind = REGISTRY.types["patrol.checkin"]
    envelope = {"id": "1-0", "type": kind.name, "actor": {"username": "g1", "role": "guard"},
                "data": {"checkpoint_id": "E1", "status": "clear", "secret": "x"}}
    assert "secret" not in REGISTRY.shape(envelope, Viewer("display"))["data"]
    assert "secret" not in REGISTRY.shape(envelope, Viewer("guard", "g1"))["data"]
    assert REGISTRY.shape(envelope, Viewer("operator"))["data"]["secret"] == "x"


def test_docs_privacy_md_is_generated_from_the_models():
    """docs/privacy.md says what the models say (regenerate: python -m server.privacydocs > docs/privacy.md)."""
    assert (ROOT / "docs" / "privacy.md").read_text(encoding="utf-8") == render()

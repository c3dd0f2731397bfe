"""Every route in Flask's URL map x every role, from the permission each route declares.

Nothing here is a hand-kept list: a new route is covered as soon as it is registered, and a route
that declares no rule (no `@operation`, or no permission while not public) fails. The detailed
matrix with real bodies and expected answers is tests/api/test_roles.py.
"""
import re

import pytest

from server.api.spec import operation_of
from server.auth.roles import can
from server.visibility import ROLES

pytestmark = pytest.mark.usefixtures("quick_hashes")
# Pages are HTML and answer a redirect to /login, not 401/403: their roles are in test_pages.
SKIP = re.compile(r"^/(static|socket\.io)/")


def api_routes(app):
    """Return (method, path with placeholders, view) of every /api/v1 route."""
    out = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1") or SKIP.match(rule.rule):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((method, re.sub(r"<(?:\w+:)?(\w+)>", "nothing-here", rule.rule),
                        app.view_functions[rule.endpoint]))
    return out


def test_every_api_route_declares_who_may_call_it(app):
    routes = api_routes(app)
    assert len(routes) > 40
    for method, path, view in routes:
        op = operation_of(view)
        assert op is not None, f"{method} {path} has no @operation: who may call it?"
        assert op.public or op.permission, f"{method} {path} is neither public nor given a permission"


@pytest.mark.parametrize("role", ROLES)
def test_each_route_refuses_exactly_the_roles_its_permission_leaves_out(app, bearer, role):
    headers = bearer(f"matrix-{role}", role)
    client = app.test_client()
    wrong = []
    for method, path, view in api_routes(app):
        op = operation_of(view)
        if op.public:
            continue
        answer = client.open(path, method=method, json={}, headers={**headers, "Idempotency-Key": f"m-{method}-{path}"})
        allowed = can(role, op.permission)
        if allowed and answer.status_code in (401, 403) or not allowed and answer.status_code != 403:
            wrong.append(f"{method} {path}: {answer.status_code} (permission {op.permission})")
    assert wrong == [], f"{role}: " + "; ".join(wrong)


def test_signed_out_every_route_but_the_public_ones_is_401(app):
    client = app.test_client()
    for method, path, view in api_routes(app):
        if operation_of(view).public:
            continue
        answer = client.open(path, method=method, json={})
        assert answer.status_code == 401, f"{method} {path}: {answer.status_code}"

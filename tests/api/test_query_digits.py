"""Digits of other scripts in a query string ('²', '①', '١') are refused (API) or ignored (pages), never a 500.

str.isdigit() and regex \\d accept them; int() or Redis then fail. Every GET route of the app is
tried, with every query parameter its declaration names, so a new route is covered too.
"""
import pytest

from server.api.spec import operation_of

# Superscript two, circled one, Arabic-Indic digits, and a stream id ending in one.
ODD = ("²", "①", "١٢", "1²", "1764050000000-٠", "٢٠٢٥-٠١-٠١")
# The filters the server-rendered pages read from the query string.
PAGE_FILTERS = ("status", "severity", "category", "date", "lang", "next")


def get_routes(app):
    """Return (path, query names) of every GET route without path arguments."""
    routes = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or rule.endpoint == "static":
            continue
        op = operation_of(app.view_functions[rule.endpoint])
        if op is not None:
            names = [f.alias or n for n, f in op.query.model_fields.items()] if op.query else []
        else:
            names = list(PAGE_FILTERS)
        routes.append((rule.rule, names))
    return routes


@pytest.fixture
def admin_client(login_as):
    """A signed-in admin (may open every page and read every route)."""
    return login_as("boss", "admin").client


def test_other_scripts_digits_in_any_query_value_are_never_a_5xx(app, admin_client):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a crash answers 500 here, as in production
    failures = []
    for path, names in get_routes(app):
        for name in names:
            for value in ODD:
                answer = admin_client.get(path, query_string={name: value})
                if answer.status_code >= 500:
                    failures.append((path, name, value, answer.status_code))
    assert failures == []


@pytest.mark.parametrize("value", ["²", "①", "1²", "５"])
def test_the_incident_list_ignores_an_odd_severity_and_says_so(login_as, value):
    page = login_as("desk_op", "operator").client.get("/command/incidents", query_string={"severity": value})
    assert page.status_code == 200
    assert "data-filter-ignored" in page.get_data(as_text=True)


def test_the_incident_list_applies_a_real_severity_without_a_notice(login_as):
    page = login_as("desk_op", "operator").client.get("/command/incidents?severity=2")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "data-filter-ignored" not in text and '<option value="2" selected' in text


@pytest.mark.parametrize(("path", "field"), [
    ("/api/v1/events?after=1764050000000-%D9%A0", "after"),
    ("/api/v1/events?before=%D9%A1-0", "before"),
    ("/api/v1/visitors/expected?date=%D9%A2%D9%A0%D9%A2%D9%A5-%D9%A0%D9%A1-%D9%A0%D9%A1", "date"),
    ("/api/v1/inspections?date=%D9%A2%D9%A0%D9%A2%D9%A5-%D9%A0%D9%A1-%D9%A0%D9%A1", "date"),
])
def test_the_api_refuses_other_scripts_digits_naming_the_field(reader, path, field):
    answer = reader(path)
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    error = answer.get_json()["error"]
    assert error["code"] == "invalid_input" and field in error["fields"], error

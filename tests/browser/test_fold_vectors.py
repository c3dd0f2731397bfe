"""The shared fold vectors, in Chromium: static/js/fold.js gives the same screen as the server.

Each vector (tests/fixtures/fold_vectors/*.json) runs through fold.js's screenState — the
snapshot loaded as control.js loads it, events applied strictly after the cursor as live.js
applies them, patrol rows from patrol.js — and must give the vector's expected screen, and the
very state the server's folds give for every checkpoint (tests/screen_state.py).
"""
import pytest

from screen_state import as_expected, load_vectors, screen_state, venue_named

from .pw_helpers import new_context

VECTORS = load_vectors()

RUN = """async ([venue, snapshot, events, now]) => {
    const { screenState } = await import('/static/js/fold.js');
    return screenState(venue, snapshot, events, Date.parse(now));
}"""


@pytest.fixture(scope="module")
def page(browser, live_server):
    """A page on the app's origin, so that the ES modules import as the wall screen imports them."""
    context = new_context(browser, live_server)
    page = context.new_page()
    page.goto("/login")
    yield page
    context.close()


def run(page, vector):
    """Return fold.js's screen state of a vector."""
    venue = venue_named(vector["venue"]).to_public()  # what GET /api/v1/venue answers
    return page.evaluate(RUN, [venue, vector["snapshot"], vector["events"], vector["now"]])


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v["file"])
def test_fold_js_gives_the_expected_screen(page, vector):
    state = run(page, vector)
    assert as_expected(state, vector["expected"]) == vector["expected"]
    # Beyond what the vector names: every checkpoint as the server's own folds see it.
    assert state == screen_state(vector)


def test_fold_js_drops_what_the_snapshot_already_holds(page):
    """Re-sent snapshot events change nothing in the browser either."""
    vector = dict(VECTORS[0], events=list(VECTORS[0]["snapshot"]["recent_events"]))
    vector["now"] = vector["snapshot"]["server_time"]
    state = run(page, vector)
    assert state["cursor"] == vector["snapshot"]["cursor"] and state == screen_state(vector)

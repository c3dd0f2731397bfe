"""The pure front-end modules, run in Chromium: cursor order, patrol freshness, the store, live frames."""
from .pw_helpers import new_context


def _page(browser, live_server):
    """Open a page on the server's origin so the modules can be imported."""
    context = new_context(browser, live_server)
    page = context.new_page()
    page.goto("/login")
    return context, page


def test_stream_ids_compare_numerically(browser, live_server):
    context, page = _page(browser, live_server)
    result = page.evaluate("""async () => {
        const { compareIds } = await import('/static/js/live.js');
        return [
            compareIds('1764050000000-10', '1764050000000-9') > 0,
            compareIds('999-0', '1000-0') < 0,
            compareIds('1000-0', '1000-0') === 0,
            compareIds('5-0', null) > 0,
        ];
    }""")
    context.close()
    assert result == [True, True, True, True]


def test_patrol_freshness_from_the_rows(browser, live_server):
    """A row's status is drawn from its due time, interval and the clock alone."""
    context, page = _page(browser, live_server)
    result = page.evaluate("""async () => {
        const { patrolStatus } = await import('/static/js/patrol.js');
        const t0 = Date.parse('2026-05-16T06:00:00Z');
        const at = (min) => t0 + min * 60000;
        const iso = (min) => new Date(at(min)).toISOString();
        const row = (interval, due, extra = {}) => ({ checkpoint_id: 'E3', last_checkin_at: iso(0),
            interval_min: interval, due_at: due == null ? null : iso(due), overdue: false, ...extra });
        return {
            fresh: patrolStatus(row(15, 15), at(9)).status,
            soon5min: patrolStatus(row(15, 15), at(10.5)).status,
            exactlyDue: patrolStatus(row(15, 15), at(15)).status,
            overdue: patrolStatus(row(15, 15), at(15.1)).status,
            soon20pct: patrolStatus(row(60, 60), at(49)).status,
            fresh60: patrolStatus(row(60, 60), at(47)).status,
            off: patrolStatus(row(null, null), at(500)).status,
            noRow: patrolStatus(undefined, at(1)).status,
            never: patrolStatus(row(15, 15, { last_checkin_at: null }), at(16)).status,
            noDue: patrolStatus(row(15, null), at(1)).status,
        };
    }""")
    context.close()
    assert result == {"fresh": "fresh", "soon5min": "due_soon", "exactlyDue": "due_soon", "overdue": "overdue",
                      "soon20pct": "due_soon", "fresh60": "fresh", "off": "off", "noRow": "off",
                      "never": "overdue", "noDue": "due_soon"}


def test_store_loads_sections_and_applies_patches(browser, live_server):
    context, page = _page(browser, live_server)
    result = page.evaluate("""async () => {
        const { Store, touches } = await import('/static/js/store.js');
        const s = new Store();
        const loaded = [...s.load({ sections: {
            alerts: { a1: { alert_id: 'a1', status: 'open' } },
            phase: { venue: { phase: 'pre_event', since: null } } } })];
        const changed = s.patch({ alerts: { a1: null, a2: { alert_id: 'a2', status: 'open' } },
                                  hazards: { h1: { hazard_id: 'h1' } } });
        return {
            loaded,
            alerts: s.rows('alerts').map((a) => a.alert_id),
            before: [...changed.get('alerts')].map(([k, row]) => [k, row ? row.alert_id : null]),
            phase: s.row('phase', 'venue').phase,
            hazards: s.rows('hazards').length,
            unknown: [s.has('watchlist_hits'), s.rows('watchlist_hits').length],
            touched: [touches(changed, ['phase']), touches(changed, ['phase', 'alerts']), touches(null, ['x'])],
        };
    }""")
    context.close()
    assert result == {"loaded": ["alerts", "phase"], "alerts": ["a2"], "before": [["a1", "a1"], ["a2", None]],
                      "phase": "pre_event", "hazards": 1, "unknown": [False, 0], "touched": [False, True, True]}


def test_live_frames_move_the_cursor_and_drop_what_was_applied(browser, live_server):
    """A frame's cursor becomes the resume cursor even with no events; an old frame is dropped."""
    context, page = _page(browser, live_server)
    result = page.evaluate("""async () => {
        const { Live } = await import('/static/js/live.js');
        const seen = [];
        const live = new Live({ onPatch: (p) => seen.push(['patch', Object.keys(p)]),
                                onReset: (r) => seen.push(['reset', Object.keys(r)]),
                                onEvent: (e) => seen.push(['event', e.id]) });
        live.cursor = '100-0';
        const cursors = [];
        live.receive({ events: [], patches: { alerts: { a: null } }, cursor: '100-5' });
        cursors.push(live.cursor);
        live.receive({ events: [{ id: '100-3', type: 'x' }], patches: { alerts: {} }, cursor: '100-3' });  // old
        cursors.push(live.cursor);
        live.receive({ events: [{ id: '100-4', type: 'x' }, { id: '101-0', type: 'x' }], cursor: '101-2' });
        cursors.push(live.cursor);
        live.receive([{ id: '102-0', type: 'x' }]);  // the old bare list: not a frame
        cursors.push(live.cursor);
        // Going live after a resume: every section as of the cursor it already has.
        live.receive({ events: [], patches: {}, reset: { alerts: {} }, cursor: '101-2' });
        live.receive({ events: [], patches: {}, reset: { alerts: {} }, cursor: '101-1' });  // behind: dropped
        cursors.push(live.cursor);
        return { seen, cursors };
    }""")
    context.close()
    assert result["cursors"] == ["100-5", "100-5", "101-2", "101-2", "101-2"]
    assert result["seen"] == [["patch", ["alerts"]], ["event", "101-0"], ["reset", ["alerts"]]]

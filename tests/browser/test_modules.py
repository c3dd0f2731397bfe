"""The pure front-end modules, run in Chromium: cursor order, patrol freshness, the fold."""
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


def test_patrol_freshness_thresholds(browser, live_server):
    context, page = _page(browser, live_server)
    result = page.evaluate("""async () => {
        const { patrolStatus } = await import('/static/js/patrol.js');
        const cp = { id: 'E3', intervals: { in_session: 15, pre_event: 60, closed: null } };
        const t0 = Date.parse('2026-05-16T06:00:00Z');
        const at = (min) => t0 + min * 60000;
        const last = { last_checkin_at: '2026-05-16T06:00:00Z' };
        return {
            fresh: patrolStatus(cp, last, 'in_session', null, at(9)).status,
            soon5min: patrolStatus(cp, last, 'in_session', null, at(10.5)).status,
            overdue: patrolStatus(cp, last, 'in_session', null, at(15.1)).status,
            soon20pct: patrolStatus(cp, last, 'pre_event', null, at(49)).status,
            fresh60: patrolStatus(cp, last, 'pre_event', null, at(47)).status,
            off: patrolStatus(cp, last, 'closed', null, at(500)).status,
            never: patrolStatus(cp, {}, 'in_session', '2026-05-16T06:00:00Z', at(16)).status,
            flagged: patrolStatus(cp, { ...last, overdue: true }, 'in_session', null, at(1)).status,
        };
    }""")
    context.close()
    assert result == {"fresh": "fresh", "soon5min": "due_soon", "overdue": "overdue", "soon20pct": "due_soon",
                      "fresh60": "fresh", "off": "off", "never": "overdue", "flagged": "overdue"}


def test_fold_applies_events_and_acknowledgements(browser, live_server):
    context, page = _page(browser, live_server)
    result = page.evaluate("""async () => {
        const f = await import('/static/js/fold.js');
        const m = f.loadSnapshot(f.createModel(), {
            phase: 'pre_event', phase_since: '2026-05-16T00:00:00Z',
            patrols: [{ checkpoint_id: 'E3', last_checkin_at: null, overdue: true }],
            alerts: [{ alert_id: 'a1', kind: 'patrol_overdue', checkpoint_id: 'E3', raised_at: '2026-05-16T05:00:00Z' }],
            guards_active: [],
        });
        const ts = '2026-05-16T06:00:00.000Z';
        const id = (seq) => `${Date.parse(ts)}-${seq}`;  // a stream id: the commit time
        f.applyEvent(m, { id: id(0), type: 'patrol.checkin', ts, actor: { username: 'g', role: 'guard' },
                          data: { checkpoint_id: 'E3', status: 'clear' } });
        f.applyEvent(m, { id: id(1), type: 'alert.acknowledged', ts, data: { alert_id: 'a1' } });
        f.applyEvent(m, { id: id(2), type: 'phase.changed', ts, data: { phase: 'in_session', previous: 'pre_event' } });
        const c = f.counters(m, Date.parse(ts) + 60000);
        return { e3: m.patrols.get('E3'), alerts: m.alerts.size, phase: m.phase, c };
    }""")
    context.close()
    assert result["e3"]["overdue"] is False and result["e3"]["last_guard"] == "g"
    assert result["alerts"] == 0 and result["phase"] == "in_session"
    assert result["c"]["checkins_hour"] == 1 and result["c"]["guards_active"] == 1

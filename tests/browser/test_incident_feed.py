"""The incidents page module in Chromium: open incident rows by severity, and readable feed lines
that name an incident by the row the page has (even one the same frame's patch just removed)."""
from .pw_helpers import new_context


def test_incident_rows_in_order_and_feed_lines(browser, live_server):
    context = new_context(browser, live_server)
    page = context.new_page()
    page.goto("/login?lang=en")
    result = page.evaluate("""async () => {
        const { Store, lookupWith } = await import('/static/js/store.js');
        const feed = await import('/static/js/feed.js');
        const inc = await import('/static/js/concepts/incidents.js');
        const { venueIndex } = await import('/static/js/common.js');
        const index = venueIndex({
            checkpoints: [{ id: 'E2', name: { en: 'East gate', 'zh-CN': '东门' } }], zones: [], entrances: [],
            incident_categories: [{ id: 'fire_smoke', name: { en: 'Fire / smoke', 'zh-CN': '火情' } },
                                  { id: 'lost_found', name: { en: 'Lost and found', 'zh-CN': '失物' } }],
            agencies: [{ id: 'fire', name: { en: 'Fire brigade', 'zh-CN': '消防' } }] });
        const store = new Store();
        const old = { incident_id: 'old', category: 'lost_found', severity: 4, location_id: 'E2',
                      status: 'acknowledged', reported_at: '2026-05-16T05:00:00Z' };
        store.load({ sections: { incidents: { old } } });
        const ts = '2026-05-16T06:00:00.000Z';
        const env = (seq, type, data, username = 'op') => ({ id: `${Date.parse(ts)}-${seq}`, type, ts,
            actor: { username, role: 'operator' }, data });
        const events = [
            env(0, 'incident.reported', { incident_id: 'fire', category: 'fire_smoke', severity: 1,
                location_id: 'E2', zone_id: null, description: 'smoke in the stairwell' }, 'g1'),
            env(1, 'incident.acknowledged', { incident_id: 'fire' }),
            env(2, 'incident.agency_notified', { incident_id: 'fire', agency: 'fire', reference: '119-7', note: '' }),
            env(3, 'incident.resolved', { incident_id: 'old', note: '', skipped_steps: [0, 1], reason: 'owner came' }),
        ];
        // One frame: the server's patches (the new row, the resolved one gone), then its events.
        const changed = store.patch({ incidents: {
            fire: { incident_id: 'fire', category: 'fire_smoke', severity: 1, location_id: 'E2',
                    status: 'acknowledged', reported_at: ts },
            old: null } });
        const lookup = lookupWith(store, changed);
        return { open: inc.bySeverity(store.rows('incidents')).map((i) => [i.incident_id, i.status]),
                 lines: events.map((e) => feed.summary(e, index, lookup)),
                 before: [...changed.get('incidents')].map(([k, row]) => [k, row ? row.status : null]) };
    }""")
    context.close()
    assert result["open"] == [["fire", "acknowledged"]]
    assert result["before"] == [["fire", None], ["old", "acknowledged"]]
    assert result["lines"] == [
        "Incident reported Fire / smoke · severity 1 · smoke in the stairwell",
        "Incident acknowledged Fire / smoke · E2 East gate",
        "Agency notified Fire / smoke · E2 East gate · Fire brigade 119-7",
        "Incident resolved Lost and found · E2 East gate · 2 SOP steps skipped · owner came",
    ]

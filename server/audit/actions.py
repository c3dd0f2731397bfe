"""Which facts are privileged actions, and what their audit entry says (ids and counts, no names).

Each function takes a drafted event's data and returns (action, subject, detail). The ledger
asks `entries_for` for every commit, so an audited fact cannot be recorded without its entry.
"""
from server import events as ev
from server.audit import chain


def _user(action):
    """Return the entry of an account change."""
    return lambda data: (action, data["username"], {k: data[k] for k in ("role",) if k in data})


def _phase(data):
    """Return the entry of a phase change: an override when a gate said not ready."""
    if data.get("override_reason"):
        return "phase.override", data["phase"], {"previous": data.get("previous"),
                                                 "reason": data["override_reason"],
                                                 "overridden": data.get("overridden", [])}
    return "phase.change", data["phase"], {"previous": data.get("previous")}


# event type -> data -> (action, subject, detail)
PRIVILEGED = {
    "visitor.id_revealed": lambda d: ("id.reveal", d["visitor_id"], {"id_type": d.get("id_type")}),
    ev.USER_CREATED: _user("user.create"),
    ev.USER_DISABLED: _user("user.disable"),
    ev.USER_ENABLED: _user("user.enable"),
    ev.USER_PASSWORD_RESET: _user("user.password_reset"),
    "watchlist.entry_added": lambda d: ("watchlist.add", d["entry_id"], {"action": d.get("action")}),
    "watchlist.entry_removed": lambda d: ("watchlist.remove", d["entry_id"], {}),
    "phase.changed": _phase,
    "programme.day_set": lambda d: ("programme.edit", d["date"], {"meetings": len(d["meetings"]),
                                                                  "reason": d.get("reason")}),
    "programme.day_reset": lambda d: ("programme.reset", d["date"], {"reason": d.get("reason")}),
    "visitor.purged": lambda d: ("purge.visitors", d["before"], {"count": d["count"]}),
    "visitor.expected_purged": lambda d: ("purge.expected", d["date"], {"count": d["count"]}),
}

# Actions recorded without a fact of their own (server/audit/service.py: record_action).
TOKEN_ISSUE = "token.issue"
EXPORT = "archive.export"
IMPORT = "archive.import"
REPORT_DOWNLOAD = "report.download"

ACTIONS = sorted({"id.reveal", "user.create", "user.disable", "user.enable", "user.password_reset",
                  "watchlist.add", "watchlist.remove", "phase.change", "phase.override", "programme.edit", "programme.reset",
                  "purge.visitors", "purge.expected", TOKEN_ISSUE, EXPORT, IMPORT, REPORT_DOWNLOAD})


def entries_for(events, nonce):
    """Return the audit entries (texts) of the privileged facts among drafted events."""
    out = []
    for event in events:
        describe = PRIVILEGED.get(event["type"])
        if describe:
            action, subject, detail = describe(event["data"])
            out.append(chain.draft(nonce, at=event["ts"], actor=event["actor"], action=action,
                                   subject=subject, detail=detail, event=event.get("id")))
    return out

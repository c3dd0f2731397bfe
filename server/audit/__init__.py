"""The tamper-evident audit log of privileged actions (DESIGN §5, issue 14 item 4).

Every privileged action appends one entry to a hash chain kept apart from the event stream
(`gw:{venue}:audit:log`, head in `gw:{venue}:audit:head`): the entry is a canonical JSON text
holding its number, the previous entry's SHA-256 and what happened; its own hash is the SHA-256
of that text. A fact that goes through the ledger (a reveal, a user change, a watchlist edit, a
phase change, a purge) appends its entry in the same atomic commit (server/store/commit.lua,
server/store/audit.lua), which reads and moves the head inside the script, so two processes
cannot fork the chain. Actions that record no fact (exports, report downloads, token issue)
call `server.audit.service.record_action`. `gatewatch audit verify` walks the chain and names
the first broken link. Entries name no visitor (ids, counts and types only): they are kept
whatever the visitor retention, and no purge touches them.
"""
from server.concept import Concept

CONCEPT = Concept(
    name="audit",
    doc=__doc__,
    views="server.audit.views:bp",
    permissions={"audit.read": ("commander",)},
)

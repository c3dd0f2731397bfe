"""The after-action report: patrols, visitors, incidents, inspections, clearance and guards' activity
over venue-local days, computed from the event stream (server/reports/service.py)."""
from server.concept import Concept
from server.reports import scheduled

CONCEPT = Concept(name="reports", doc=__doc__, views="server.reports.views:bp",
                  permissions={"reports.read": ("commander",)},
                  timers=(scheduled.precompute,))  # each finished day's figures, ready before anyone asks

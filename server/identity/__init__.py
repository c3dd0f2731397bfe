"""Who a person at a gate is, shared by the concepts that meet them (pure: no Flask, no Redis).

Visitors, the watchlist, expected visitors and vehicles all check the same documents, seal them
in the same vault and find a visitor's personal record by the same key; this package holds those
rules so that none of the concepts has to import another's package for them.
"""

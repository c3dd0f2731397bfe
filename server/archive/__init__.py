"""Archives: the venue's stream and records as JSON Lines that outlive the event and Redis.

`gatewatch export` writes the events as stored (personal fields stay sealed: ciphertext), the
records commits wrote (users, people's wrapped data keys, sealed ID numbers, photos), and the
audit chain; `gatewatch import` writes them back into an empty store with the same stream ids
and rebuilds the projections and indexes. The format: docs/archives.md.
"""

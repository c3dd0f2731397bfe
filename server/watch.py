"""Leader-elected timers: one process at a time raises overdue patrols (and, later, more)."""
import logging
import os
import socket
import uuid

from server import events as ev, patrols, phase
from server.store import UNAVAILABLE

log = logging.getLogger("gatewatch.watch")
LEASE = "watch"


class Watcher:
    """Holds the watch lease while alive; whoever holds it checks the timers."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.running = False
        self.leader = False

    def start(self):
        """Start the loop as a background task of the current async mode."""
        self.running = True
        self.ctx.runner.start(self._loop)

    def stop(self):
        """End the loop and give the lease up so another process takes over at once."""
        self.running = False
        try:
            self.ctx.store.release_lease(LEASE, self.owner)
        except UNAVAILABLE:
            pass

    def _lease_ms(self):
        """Lease time: three ticks, at least two seconds, so a dead leader is replaced quickly."""
        return int(max(self.ctx.settings.watch_interval * 3, 2.0) * 1000)

    def _loop(self):
        """Tick forever: renew the lease, check timers when leader."""
        while self.running:
            try:
                self.tick()
            except UNAVAILABLE as exc:
                log.warning("watcher: Redis unavailable (%s)", exc)
            except Exception:  # a bug in one tick must not stop future ticks
                log.exception("watcher tick failed")
            self.ctx.runner.sleep(self.ctx.settings.watch_interval)

    def tick(self, now=None):
        """Run one round if this process holds the lease."""
        held = self.ctx.store.hold_lease(LEASE, self.owner, self._lease_ms())
        if held != self.leader:
            log.info("watcher %s: %s leadership", self.owner, "took" if held else "lost")
            self.leader = held
        if held:
            check_overdue(self.ctx, now or ev.utc_now())


def check_overdue(ctx, now):
    """Flag every checkpoint whose patrol window passed without a check-in, once per window."""
    _, proj = ctx.store.snapshot([phase.NAME, patrols.NAME])
    current, since = phase.current(ctx, proj[phase.NAME])
    flagged = []
    for cp in ctx.venue.checkpoints:
        interval = ctx.venue.interval_min(cp.id, current)
        due = patrols.missed_window(proj[patrols.NAME].get(cp.id), interval, since, now)
        if due:
            patrols.flag_overdue(ctx, checkpoint_id=cp.id, due=due, phase=current)
            flagged.append(cp.id)
    return flagged

"""Leader-elected timers: one process at a time runs every concept's timers."""
import logging
import os
import socket
import uuid

from server import checkpoints
from server import events as ev
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
            run_timers(self.ctx, now or ev.utc_now())
            write_checkpoints(self.ctx)


def write_checkpoints(ctx):
    """Write the fold checkpoints the stream has grown past (a cache: a failure is only logged)."""
    try:
        checkpoints.catch_up(ctx)
    except UNAVAILABLE:
        raise
    except Exception:  # replay stays right without them, only slower
        log.exception("writing fold checkpoints failed")


def run_timers(ctx, now):
    """Run each concept's timers once; a failing timer does not stop the others."""
    for timer in ctx.registry.timers():
        try:
            timer(ctx, now)
        except UNAVAILABLE:
            raise
        except Exception:  # one concept's bug must not silence another's alerts
            log.exception("timer %s.%s failed", timer.__module__, timer.__name__)

"""Keep finished days' reports ready: the watcher computes each day's figures once it is over."""
import datetime as dt
import logging

from server.reports import cache, service

log = logging.getLogger("gatewatch.reports")


def missing_days(ctx, now, days_back=cache.DAYS_BACK):
    """Return the settled venue-local days of the last `days_back` whose figures are not kept, newest first."""
    kept = cache.ReportCache(ctx.store).names(cache.checkpoints.version())
    today = service.window_of(ctx, now.date().isoformat(), None, now).day(now)
    days = [(dt.date.fromisoformat(today) - dt.timedelta(days=back)).isoformat() for back in range(1, days_back + 1)]
    return [d for d in days if f"{d}..{d}|" not in kept and cache.settled(service.window_of(ctx, d, None, now))]


def precompute(ctx, now, budget=1, days_back=cache.DAYS_BACK):
    """Compute and keep the figures of up to `budget` settled days not kept yet; return those days."""
    done = missing_days(ctx, now, days_back)[:budget]
    pause = (lambda: ctx.runner.sleep(0)) if ctx.runner.sleep else None
    for day in done:
        service.ready(ctx, service.gather(ctx, day, day, now, pause=pause))
        log.info("report figures of %s kept", day)
    return done

"""The demo's clock: simulated venue time that runs `speed` times faster than the wall clock."""
import threading
import time

STEP_REAL_SECONDS = 0.25


class Clock:
    """Simulated minutes since midnight, starting at `start` (e.g. 07:00) when made."""

    def __init__(self, speed, start_min=7 * 60, stop=None):
        self.speed = max(float(speed), 0.001)
        self.start_min = start_min
        self.real0 = time.monotonic()
        self.stop = stop or threading.Event()  # waits on it, so Ctrl-C or a test ends them at once

    def now(self):
        """Return the simulated minute of the day."""
        return self.start_min + (time.monotonic() - self.real0) * self.speed / 60.0

    def label(self, minute=None):
        """Return the simulated time as HH:MM."""
        minute = self.now() if minute is None else minute
        return f"{int(minute // 60) % 24:02d}:{int(minute % 60):02d}"

    def until(self, hhmm, tick=None):
        """Wait until the simulated time hhmm ("08:30"), calling tick(minute) while waiting."""
        hours, minutes = (int(x) for x in hhmm.split(":"))
        target = hours * 60 + minutes
        while not self.stop.is_set():
            now = self.now()
            if tick:
                tick(now)
            if now >= target:
                return
            left_real = (target - now) * 60.0 / self.speed
            self.stop.wait(min(STEP_REAL_SECONDS, left_real))

    def pause(self, real_seconds):
        """Wait some real seconds (for the server's own timers), unless stopped."""
        self.stop.wait(real_seconds)

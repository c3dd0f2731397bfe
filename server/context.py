"""What services need, bundled: settings, venue, store, accounts, background runner, metrics."""
from dataclasses import dataclass, field


@dataclass
class Runner:
    """How to run background work in the current async mode (set by server/realtime)."""

    start: object = None
    sleep: object = None
    # run_in_thread(fn, *args, **kwargs): fn in an OS thread without stalling the loop (set by the
    # entry point under eventlet or gevent; None: call inline). Used through server/offload.py.
    thread: object = None


@dataclass
class Gatewatch:
    """The per-app services object kept in app.extensions['gatewatch']."""

    settings: object
    venue: object
    store: object
    accounts: object
    registry: object = None
    metrics: object = None
    runner: Runner = field(default_factory=Runner)
    embedded: object = None
    vault: object = None  # server/vault.Vault, made on first use
    sealer: object = None  # server/sealing.Sealer: personal fields of events, sealed per person
    heavy_slots: object = None  # server/offload.Slots: bounds on heavy work, made on first use
    # server/scan.py: what each timer's scan kept, followed along the stream ({(name, keep): Kept})
    scans: dict = field(default_factory=dict)

"""Prometheus metrics, one registry per app (each process reports its own)."""
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    """The counters and gauges Gatewatch exports at /metrics."""

    def __init__(self):
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter("gatewatch_http_requests_total", "HTTP requests answered",
                                ["method", "endpoint", "status"], registry=r)
        self.latency = Histogram("gatewatch_http_request_seconds", "HTTP request duration",
                                 ["endpoint"], registry=r,
                                 buckets=(.002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5))
        self.commits = Counter("gatewatch_commits_total", "Events committed to the stream",
                               ["type"], registry=r)
        self.redis_errors = Counter("gatewatch_redis_unavailable_total",
                                    "Requests answered 503 because Redis was unreachable", registry=r)
        self.live_clients = Gauge("gatewatch_live_clients", "Socket.IO clients on /live in this process",
                                  registry=r)
        self.tailer_lag = Gauge("gatewatch_tailer_lag_seconds",
                                "Seconds between an event's commit and its emission by this process",
                                registry=r)
        self.emitted = Counter("gatewatch_events_emitted_total", "Events emitted to live clients",
                               registry=r)
        self.stream_length = Gauge("gatewatch_stream_events", "Events in the venue stream", registry=r)
        # Labelled series looked up once each: labels() checks and locks on every call.
        self._answered = {}
        self._committed = {}

    def request_answered(self, method, endpoint, status, seconds):
        """Count one answered request and its duration."""
        key = (method, endpoint, status)
        series = self._answered.get(key)
        if series is None:
            series = self._answered[key] = (self.requests.labels(method, endpoint, status),
                                            self.latency.labels(endpoint))
        series[0].inc()
        series[1].observe(seconds)

    def committed(self, event_type):
        """Count one event committed to the stream."""
        series = self._committed.get(event_type)
        if series is None:
            series = self._committed[event_type] = self.commits.labels(type=event_type)
        series.inc()

"""Prometheus metrics, one registry per app (tests make many apps in one process)."""

from prometheus_client import CollectorRegistry, Counter, Histogram


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.turns = Counter(
            "alledore_chat_turns",
            "Chat turns answered, by how: full (Rasa), limited (knowledge only), empty input,"
            " failed (the verified fallback doors).",
            ["outcome"],
            registry=self.registry,
        )
        self.upstream_failures = Counter(
            "alledore_upstream_failures",
            "Calls to a part behind the app that failed or timed out.",
            ["part"],
            registry=self.registry,
        )
        self.redactions = Counter(
            "alledore_redacted_messages",
            "Messages in which a CPR number, phone number, e-mail or address was taken out.",
            registry=self.registry,
        )
        self.refused = Counter(
            "alledore_refused_requests",
            "Requests refused before any work: over a rate limit, or too large.",
            ["reason"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "alledore_request_seconds",
            "Time to answer a request, by route.",
            ["route"],
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )

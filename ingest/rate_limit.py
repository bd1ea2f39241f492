"""A token bucket per API key: ``rate`` requests per second, bursts up to ``burst``."""

from __future__ import annotations

import math
import time
import uuid

from billbo.errors import BillboError


class RateLimited(BillboError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, retry_after: float) -> None:
        super().__init__(
            f"Too many requests for this API key; retry after {retry_after:.2f} s.",
            details={"retry_after_seconds": retry_after},
            headers={"Retry-After": str(max(1, math.ceil(retry_after)))},
        )
        self.retry_after = retry_after


class TokenBuckets:
    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._buckets: dict[uuid.UUID, tuple[float, float]] = {}  # key -> (tokens, last refill)

    def take(self, key: uuid.UUID, now: float | None = None) -> None:
        """Spend one token of ``key``'s bucket or raise RateLimited."""
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            raise RateLimited(retry_after=math.ceil((1 - tokens) / self.rate * 100) / 100)
        self._buckets[key] = (tokens - 1, now)

"""When and how long to retry a ServiceTracker request (contract §10, §12).

=========================  =====================================================  ===================
answer                     wait                                                   gives up after
=========================  =====================================================  ===================
429 ``rate_limited``       ``Retry-After`` (seconds), for everyone (the pacer)    ``patience`` seconds
503 ``service_unavailable``  ``Retry-After``, else backoff                        ``patience`` seconds
500 ``internal_error``     exponential backoff with jitter                        ``max_server_errors``
connection / timeout       exponential backoff with jitter                        ``max_transport_errors``
anything else              no retry: a usage error or a failure, with its code
=========================  =====================================================  ===================

``patience`` bounds how long a run keeps waiting through a storm of 429/503 answers *without a single
success*; any successful request resets every counter.
"""

from __future__ import annotations

import random
from typing import NamedTuple

__all__ = ["RetryPolicy", "parse_retry_after"]


class RetryPolicy(NamedTuple):
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_server_errors: int = 5
    max_transport_errors: int = 6
    patience: float = 900.0

    def backoff(self, attempt: int, rng: random.Random | None = None) -> float:
        """Delay before retry number ``attempt`` (1-based): exponential, capped, with ±25 % jitter."""
        raw = min(self.max_delay, self.base_delay * (2 ** max(0, attempt - 1)))
        jitter = (rng or random).uniform(0.75, 1.25)
        return raw * jitter


def parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` in seconds (the contract sends integer seconds); ``None`` when absent or unreadable."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return max(0.0, seconds)


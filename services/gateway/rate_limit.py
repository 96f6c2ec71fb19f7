"""A token bucket per bearer token: how the gateway slows down a flood without ever meeting a
person or a partner system at work.

The buckets live in the memory of one gateway process, keyed by a hash of the Authorization
header (the token itself is never kept). With several gateway processes behind a balancer, a
client gets each process's allowance. A header that is no valid token gets a bucket like any
other; its requests are refused 401 on the cheapest path anyway.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    at: float


class TokenBuckets:
    """`rate` requests a second per key, after a burst of `burst`; at most `max_keys` keys are
    remembered (the least recently used go first: a full bucket is what a new key gets)."""

    def __init__(
        self,
        rate: float,
        burst: float,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ):
        self.rate, self.burst, self.clock, self.max_keys = rate, burst, clock, max_keys
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def take(self, key: str) -> float:
        """Take one request from `key`'s bucket: 0 when it may go on, otherwise the seconds
        until it may try again."""
        now = self.clock()
        bucket = self._buckets.pop(key, None) or _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        self._buckets[key] = bucket
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate


def retry_after(seconds: float) -> str:
    """A Retry-After value: whole seconds, at least one."""
    return str(max(1, math.ceil(seconds)))


def key_of(authorization: str) -> str:
    return hashlib.sha256(authorization.encode("utf-8", "surrogateescape")).hexdigest()

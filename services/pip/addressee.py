"""Whom pip's letters are addressed to: the person's name, which intake keeps (pip keeps no
names). The pip service asks intake's `addressee` (with the caller's own context) when a
letter is written: at most once a command, and only after the decision passed its checks."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

Addressee = Callable[[], str]


def once(addressee: Addressee | None) -> Addressee:
    """`addressee`, asked at most once; none given (a use case run without intake, as in unit
    tests): no name, and the letter says "meneer, mevrouw"."""
    if addressee is None:
        return lambda: ""
    return cache(addressee)

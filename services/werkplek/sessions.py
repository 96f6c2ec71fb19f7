"""Server-side sessions: the browser holds only a random id in an HttpOnly cookie; the tokens and
who is logged in stay here. A session ends after 15 minutes without a request, after 8 hours in
all, or when its person logs out.

Kept in this process's memory: a restart logs everyone out, and one Werkplek process serves a
region (it holds no state a restart could lose beyond the logins).
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

IDLE_SECONDS = 15 * 60
LONGEST_SECONDS = 8 * 3600
LOGIN_SECONDS = 10 * 60  # from "Inloggen" to coming back from the provider


@dataclass
class Login:
    """A login under way: what the callback must find again (RFC 9700: state, nonce, PKCE)."""

    state: str
    nonce: str
    verifier: str
    return_to: str
    started: float = field(default_factory=time.monotonic)


@dataclass
class Session:
    id: str
    claims: dict[str, Any]  # of the ID token: sub, name, roles, gemeenten, org
    access_token: str
    access_expires: float  # time.time() when the access token runs out
    refresh_token: str
    id_token: str
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    started: float = field(default_factory=time.monotonic)
    seen: float = field(default_factory=time.monotonic)

    @property
    def name(self) -> str:
        return str(self.claims.get("name") or self.claims.get("sub"))

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(self.claims.get("roles") or ())

    @property
    def gemeenten(self) -> tuple[str, ...]:
        return tuple(self.claims.get("gemeenten") or ())


class Sessions:
    """Sessions and logins under way, by their random ids."""

    def __init__(self, idle_seconds: float = IDLE_SECONDS) -> None:
        self.idle_seconds = idle_seconds
        self._sessions: dict[str, Session] = {}
        self._logins: dict[str, Login] = {}
        self._lock = threading.Lock()

    def start_login(self, return_to: str) -> tuple[str, Login]:
        login = Login(
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            verifier=secrets.token_urlsafe(64),
            return_to=return_to,
        )
        key = secrets.token_urlsafe(32)
        with self._lock:
            self._forget_old()
            self._logins[key] = login
        return key, login

    def finish_login(self, key: str) -> Login | None:
        """The login under way for `key`, once: a second callback with it finds nothing."""
        with self._lock:
            login = self._logins.pop(key, None)
        if login and time.monotonic() - login.started <= LOGIN_SECONDS:
            return login
        return None

    def create(self, **values: Any) -> Session:
        session = Session(id=secrets.token_urlsafe(32), **values)
        with self._lock:
            self._forget_old()
            self._sessions[session.id] = session
        return session

    def get(self, session_id: str | None) -> Session | None:
        """The live session with this id, marked as seen now; None when unknown or ended."""
        if not session_id:
            return None
        now = time.monotonic()
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if now - session.seen > self.idle_seconds or now - session.started > LONGEST_SECONDS:
                del self._sessions[session_id]
                return None
            session.seen = now
            return session

    def end(self, session_id: str) -> Session | None:
        with self._lock:
            return self._sessions.pop(session_id, None)

    def _forget_old(self) -> None:
        now = time.monotonic()
        for sid, s in list(self._sessions.items()):
            if now - s.seen > self.idle_seconds or now - s.started > LONGEST_SECONDS:
                del self._sessions[sid]
        for key, login in list(self._logins.items()):
            if now - login.started > LOGIN_SECONDS:
                del self._logins[key]

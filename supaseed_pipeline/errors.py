"""User-facing errors and secret redaction."""

from __future__ import annotations

import re
import threading

_secrets: set[str] = set()
_lock = threading.Lock()

# postgresql://user:password@host -> postgresql://user:***@host
_URL_PASSWORD = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<user>[^:/@\s]*):(?P<pw>[^@\s/]*)@")
# password=... in libpq key/value strings
_KV_PASSWORD = re.compile(r"(password\s*=\s*)('[^']*'|\S+)", re.IGNORECASE)
# JWTs (Supabase service keys are JWTs) and sb_secret_ keys
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
_SB_SECRET = re.compile(r"sb_secret_[A-Za-z0-9_-]+")


class SupaseedError(Exception):
    """A failure a user can act on: one line naming the table/column/constraint and what to do."""

    def __init__(self, message: str, *, hint: str | None = None):
        text = redact(message.strip())
        if hint:
            text = f"{text} — {redact(hint.strip())}"
        super().__init__(text)

    @property
    def message(self) -> str:
        return str(self)


class ConfigError(SupaseedError):
    """The config file, flags or environment are invalid."""


class ConnectionFailed(SupaseedError):
    """The target database cannot be reached or refuses us."""


class TargetBusy(SupaseedError):
    """Another supaseed run holds the target's seeding lock: waiting and running again can succeed."""


class ProductionGuardError(SupaseedError):
    """The target looks like production and seeding it was not explicitly allowed."""


# Well-known local-development passwords (Supabase CLI, docker images): masking every occurrence of
# these words would garble database names and messages, and they protect nothing.
NOT_SECRET = {"postgres", "password", "secret", "admin", "root", "supabase"}


def register_secret(value: str | None) -> None:
    """Remember a secret so that redact() masks it wherever it appears (URL passwords are masked anyway)."""
    if value and len(value) >= 6 and value.lower() not in NOT_SECRET:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    """Mask passwords in URLs and key/value strings, JWT-like keys and every registered secret."""
    if not text:
        return text
    text = _URL_PASSWORD.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)
    text = _KV_PASSWORD.sub(lambda m: f"{m.group(1)}***", text)
    text = _JWT.sub("***", text)
    text = _SB_SECRET.sub("***", text)
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, "***")
    return text

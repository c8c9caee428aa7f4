"""User-facing errors and secret redaction."""

from __future__ import annotations

import re
import threading
from urllib.parse import quote

_secrets: set[str] = set()        # masked wherever they appear
_url_secrets: set[str] = set()    # short or common words: masked only where a URL or key=value string holds them
_lock = threading.Lock()

# postgresql://user:password@host -> postgresql://user:***@host
_URL_PASSWORD = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<user>[^:/@\s]*):(?P<pw>[^@\s/]*)@")
# password=... / sslpassword=... in libpq key/value strings and URL queries; "password": "..." in JSON
_KV_PASSWORD = re.compile(
    r"""((?:ssl)?password["']?\s*[=:]\s*)("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s&,;}]+)""", re.IGNORECASE)
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
_SB_SECRET = re.compile(r"sb_secret_[A-Za-z0-9_-]+")


class SupaseedError(Exception):
    """A failure a user can act on: one line naming the table/column/constraint and what to do."""

    def __init__(self, message: str, *, hint: str | None = None):
        text = redact(message.strip())
        if hint:
            text = f"{text} — {redact(hint.strip())}"
        super().__init__(text)
        self.hint = redact(hint.strip()) if hint else None   # also on its own (Dagster failure metadata)

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
    """Remember a secret so that redact() masks it wherever it appears.

    A connection string registers the secrets it holds (its password, in every form the URL can show it),
    not itself: a URL without a password stays readable. A short or common password is still a secret,
    but masking that word everywhere would garble unrelated text, so it is masked only where a URL or
    key=value string shows it.
    """
    if not value:
        return
    if _looks_like_connection_string(value):
        secrets = _connection_secrets(value)
        if secrets is not None:
            for secret in secrets:
                _remember(secret)
            return
    _remember(value)


def _remember(value: str) -> None:
    if not value:
        return
    with _lock:
        if len(value) >= 6 and value.lower() not in NOT_SECRET:
            _secrets.add(value)
        else:
            _url_secrets.add(value)


_CONNINFO_START = re.compile(r"^\s*(?:postgres(?:ql)?://|[A-Za-z_]+\s*=)", re.IGNORECASE)


def _looks_like_connection_string(value: str) -> bool:
    return bool(_CONNINFO_START.match(value))


def _connection_secrets(value: str) -> set[str] | None:
    """The secret parameters of a connection string, as libpq reads them and as the URL spells them (None: not one)."""
    from supaseed_pipeline.db import conninfo   # late: conninfo raises ConfigError from this module

    try:
        params = conninfo.parse(value)
    except ConfigError:
        return None
    found = {params[key] for key in conninfo.SECRET_KEYS if params.get(key)}
    return found | {quote(secret, safe="") for secret in found} | {quote(secret) for secret in found}


def _mask_value(match: re.Match) -> str:
    value = match.group(2)
    quote_char = value[0] if value[0] in "'\"" else ""   # keep the quotes: JSON stays JSON
    return f"{match.group(1)}{quote_char}***{quote_char}"


def redact(text: str) -> str:
    """Mask passwords in URLs and key/value strings, JWT-like keys and every registered secret."""
    if not text:
        return text
    text = _URL_PASSWORD.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)
    text = _KV_PASSWORD.sub(_mask_value, text)
    text = _JWT.sub("***", text)
    text = _SB_SECRET.sub("***", text)
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
        url_secrets = sorted(_url_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, "***")
    for secret in url_secrets:
        # only as a URL's user:SECRET@ (password=SECRET is masked above whatever its value)
        text = re.sub(rf"(?<=:){re.escape(secret)}(?=@)", "***", text)
    return text

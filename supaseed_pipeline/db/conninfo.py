"""A connection string as libpq reads it: its parameters, the PG* environment, a display without secrets.

Everything that decides (the production guard) or shows (messages, tags, folder names) works from these
parsed parameters, never from the text of the URL: libpq also takes the host from `?host=`, `?hostaddr=`,
a keyword string (`host=... dbname=...`), a host list (`host=a,b`) or PGHOST/PGHOSTADDR.
"""

from __future__ import annotations

import os
import re
from typing import Mapping
from urllib.parse import quote

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from supaseed_pipeline.errors import ConfigError

# parameters whose values are secrets (sslpassword unlocks the client key)
SECRET_KEYS = ("password", "sslpassword")
# libpq's environment variables for the parameters a string leaves out (PGPASSWORD is a secret too)
ENVIRONMENT = {"host": "PGHOST", "hostaddr": "PGHOSTADDR", "port": "PGPORT", "dbname": "PGDATABASE",
               "user": "PGUSER", "password": "PGPASSWORD", "service": "PGSERVICE"}
DEFAULT_PORT = "5432"

_URI = re.compile(r"^(?P<scheme>postgres(?:ql)?)://", re.IGNORECASE)
_BAD_OPTION = re.compile(r'invalid (?:connection option|URI query parameter):? "([A-Za-z_]+)"')


def is_uri(text: str) -> bool:
    return bool(_URI.match(text.strip()))


def parse(text: str) -> dict[str, str]:
    """The parameters libpq reads from a URL or key=value string (environment not applied)."""
    if is_uri(text):
        _check_delimiters(text.strip())
    try:
        return conninfo_to_dict(text)
    except psycopg.Error as exc:
        # libpq's message quotes the text around the error, which may be the password: name only an option
        option = _BAD_OPTION.search(str(exc))
        what = f"unknown parameter '{option.group(1)}'" if option else "not a PostgreSQL URL or key=value string"
        raise ConfigError(f"databaseUrl: {what}",
                          hint="use postgresql://user:password@host:port/database (percent-encode special "
                               "characters) or host=... port=... dbname=... user=... password=...") from None


def _check_delimiters(text: str) -> None:
    """libpq splits a URL at the first '/' and the '@' before it: an unencoded '@' or '/' in the password
    makes part of it the host, port or database name, which would then be shown everywhere."""
    rest = text[_URI.match(text).end():].split("?", 1)[0]
    authority, _, path = rest.partition("/")
    if authority.count("@") > 1 or "@" in path:
        raise ConfigError("databaseUrl: the user name or password contains an unencoded '@', ':' or '/'",
                          hint="percent-encode them in the URL (@ as %40, : as %3A, / as %2F), "
                               "or use the key=value form with password='...'")


def effective(params: Mapping[str, str], environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The parameters plus the PG* environment variables libpq uses for those the string leaves out."""
    environ = os.environ if environ is None else environ
    result = dict(params)
    for key, variable in ENVIRONMENT.items():
        if key not in result and environ.get(variable) is not None:
            result[key] = environ[variable]
    return result


def host_list(params: Mapping[str, str]) -> list[str]:
    """Every host libpq may connect to: each entry of `host`, else of `hostaddr` ('' = the default socket)."""
    if params.get("host") is not None:
        return params["host"].split(",")
    if params.get("hostaddr") is not None:
        return params["hostaddr"].split(",")
    return [""]


def identity(params: Mapping[str, str], *, embedded: bool = False) -> str:
    """host:port/database, from the parsed parameters only: safe for tags, folder names and messages."""
    hosts = "embedded" if embedded else ",".join(h or "localhost" for h in host_list(params))
    ports = ",".join(p or DEFAULT_PORT for p in params.get("port", "").split(","))
    return f"{hosts}:{ports}/{database(params)}"


def database(params: Mapping[str, str]) -> str:
    # libpq's default database is the user's name
    return params.get("dbname") or params.get("user") or "postgres"


def display(text: str, params: Mapping[str, str]) -> str:
    """The connection string rebuilt from its parameters, in its own form, with every secret as ***."""
    shown = {key: ("***" if key in SECRET_KEYS and value else value) for key, value in params.items()
             if not (key in SECRET_KEYS and not value)}
    match = _URI.match(text.strip())
    if match is None:
        return make_conninfo("", **shown)
    return _as_uri(match["scheme"], shown)


def _as_uri(scheme: str, params: dict[str, str]) -> str:
    params = dict(params)
    user, password = params.pop("user", None), params.pop("password", None)
    userinfo = ""
    if user is not None or password is not None:
        userinfo = quote(user or "", safe="") + (f":{password}" if password else "") + "@"
    hosts = params.get("host", "").split(",") if "host" in params else []
    ports = params.get("port", "").split(",") if "port" in params else []
    netloc = ""
    # hosts (and their ports) go in the authority when they can; socket paths and mismatched lists stay in the query
    if hosts and all(h and not h.startswith("/") for h in hosts) and len(ports) in (0, len(hosts)):
        params.pop("host")
        params.pop("port", None)
        netloc = ",".join((f"[{h}]" if ":" in h else quote(h, safe="")) + (f":{p}" if p else "")
                          for h, p in zip(hosts, ports or [""] * len(hosts)))
    dbname = params.pop("dbname", None)
    path = "/" + quote(dbname, safe="") if dbname is not None else ""
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='/,:*')}" for k, v in params.items())
    return f"{scheme}://{userinfo}{netloc}{path or ('/' if query else '')}{'?' + query if query else ''}"


def with_database(text: str, name: str) -> str:
    """The same connection string naming another database (URLs stay URLs)."""
    match = _URI.match(text.strip())
    if match is None or "dbname=" in text.partition("?")[2]:     # a query dbname would win over the path
        return make_conninfo(text, dbname=name)
    text = text.strip()
    start = match.end()
    end_of_authority = min((i for i in (text.find("/", start), text.find("?", start)) if i >= 0), default=len(text))
    query_start = text.find("?", start)
    query = text[query_start:] if query_start >= 0 else ""
    return f"{text[:end_of_authority]}/{quote(name, safe='')}{query}"

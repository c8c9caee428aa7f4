"""A minimal client for Ollama's documented HTTP API: GET /api/tags and POST /api/generate.

Standard library only (urllib): two endpoints do not justify a dependency. Every failure becomes a
SupaseedError phrased for the user: `OllamaUnavailable` when nothing answers at the host (callers
fall back to built-in text), `OllamaError` when the server answers with an error (e.g. a model that
was never pulled).
"""

from __future__ import annotations

import json
import os
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import urlsplit, urlunsplit

from supaseed_pipeline.errors import SupaseedError

DEFAULT_HOST = "http://127.0.0.1:11434"
DEFAULT_PORT = 11434
STATUS_TIMEOUT_SECONDS = 5.0   # a reachability check must not hang a seed for minutes


class OllamaUnavailable(SupaseedError):
    """No Ollama server answers at the host."""


class OllamaError(SupaseedError):
    """The Ollama server answered with an error (unknown model, bad request, server failure)."""


def resolve_host(configured: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The server to use: $OLLAMA_HOST, else `ai.host` from the config, else http://127.0.0.1:11434.

    OLLAMA_HOST is the variable the `ollama` CLI itself reads; it may be given without a scheme or
    port ("0.0.0.0", "127.0.0.1:11500"), so it is normalised the way the CLI does.
    """
    environ = os.environ if environ is None else environ
    raw = (environ.get("OLLAMA_HOST") or configured or DEFAULT_HOST).strip()
    if "://" not in raw:
        raw = f"http://{raw}"
    parts = urlsplit(raw)
    host = parts.hostname or "127.0.0.1"
    if host in {"0.0.0.0", "::"}:   # a bind-all address: the server is reachable on loopback
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    port = parts.port or (DEFAULT_PORT if parts.scheme == "http" else None)
    netloc = f"{host}:{port}" if port else host
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


def display_host(host: str) -> str:
    """The host without any user:password (a proxy in front of Ollama may carry them)."""
    parts = urlsplit(host)
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


@dataclass(frozen=True)
class OllamaClient:
    host: str = DEFAULT_HOST
    timeout: float = 120.0

    def models(self) -> list[dict[str, Any]]:
        """The locally available models (GET /api/tags): each a dict with at least `name`."""
        reply = self._call("GET", "/api/tags", None, min(self.timeout, STATUS_TIMEOUT_SECONDS))
        models = reply.get("models") if isinstance(reply, dict) else None
        if not isinstance(models, list):
            raise OllamaError(f"{display_host(self.host)}/api/tags did not answer with a model list",
                              hint="is this an Ollama server? set OLLAMA_HOST or ai.host to it")
        return [m for m in models if isinstance(m, dict) and m.get("name")]

    def generate(self, model: str, prompt: str, *, seed: int | None = None, temperature: float | None = None,
                 num_predict: int | None = None) -> str:
        """One completion (POST /api/generate, stream false): the `response` text."""
        options = {k: v for k, v in (("seed", seed), ("temperature", temperature), ("num_predict", num_predict))
                   if v is not None}
        body = {"model": model, "prompt": prompt, "stream": False, **({"options": options} if options else {})}
        reply = self._call("POST", "/api/generate", body, self.timeout)
        text = reply.get("response") if isinstance(reply, dict) else None
        if not isinstance(text, str):
            raise OllamaError(f"{display_host(self.host)}/api/generate answered without a `response` text",
                              hint="is this an Ollama server? set OLLAMA_HOST or ai.host to it")
        return text

    def _call(self, method: str, path: str, body: dict[str, Any] | None, timeout: float) -> Any:
        shown = display_host(self.host)
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.host + path, data=data, method=method,
                                         headers={"Content-Type": "application/json", "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                payload = response.read()
        except urllib.error.HTTPError as exc:
            raise OllamaError(f"Ollama at {shown}: {_server_error(exc)}", hint=_hint_for(exc, body)) from None
        except (urllib.error.URLError, ConnectionError, socket.timeout, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, (socket.timeout, TimeoutError)):
                reason = f"no answer within {timeout:g}s"
            elif isinstance(reason, OSError) and reason.strerror:
                reason = reason.strerror.lower()   # "connection refused", not "[Errno 111] Connection refused"
            raise OllamaUnavailable(f"no Ollama server reachable at {shown} ({reason})",
                                    hint="start it with `ollama serve`, or set OLLAMA_HOST or ai.host") from None
        try:
            return json.loads(payload)
        except ValueError:
            raise OllamaError(f"Ollama at {shown}{path} answered with something that is not JSON",
                              hint="is this an Ollama server? set OLLAMA_HOST or ai.host to it") from None


def _server_error(exc: urllib.error.HTTPError) -> str:
    """The server's own `{"error": ...}` text when it sent one, else the HTTP status."""
    try:
        message = json.loads(exc.read() or b"{}").get("error")
    except (ValueError, AttributeError, OSError):
        message = None
    return f"{message} (HTTP {exc.code})" if message else f"HTTP {exc.code} {exc.reason}"


def _hint_for(exc: urllib.error.HTTPError, body: dict[str, Any] | None) -> str:
    if exc.code == 404 and body and body.get("model"):
        return f"pull it with `ollama pull {body['model']}`, or set ai.model to one `supaseed ai status` lists"
    return "check the Ollama server's log"

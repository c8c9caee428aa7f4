"""Reading a settings file (JSON or YAML) strictly: every way a file can be wrong is one line naming the file.

PyYAML and the json module are permissive in ways that hurt a seeder: a later duplicate key silently
wins, and YAML aliases can expand a few hundred bytes into billions of nodes (an "alias bomb") that
exhaust memory long after parsing, when the settings are validated or merged. Both are refused here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from supaseed_pipeline.errors import ConfigError

# A settings file has tens of keys; a generous bound on the *expanded* node count (aliases counted
# every time they are used) still stops a bomb long before it costs memory.
MAX_EXPANDED_NODES = 100_000


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int | None = None):
        super().__init__(key)
        self.key, self.line = key, line


class _StrictYamlLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys and documents whose aliases expand beyond MAX_EXPANDED_NODES."""

    def compose_document(self):
        node = super().compose_document()
        _check_expansion(node)
        return node

    def construct_mapping(self, node, deep=False):
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue   # `<<: *defaults` merges are meant to be overridden by the keys beside them
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:   # unhashable key: SafeConstructor reports it
                break
            if duplicate:
                raise _DuplicateKey(key, key_node.start_mark.line + 1)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _check_expansion(root) -> None:
    """Count nodes as the constructed data would hold them (a shared node once per use), stopping early."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        if id(node) in active:   # a recursive alias: it would never finish expanding
            raise ConfigError("a YAML alias refers to itself")
        active.add(id(node))
        total = 1
        children = node.value if isinstance(node.value, list) else []
        for child in children:
            for part in (child if isinstance(child, tuple) else (child,)):
                total += size(part)
                if total > MAX_EXPANDED_NODES:
                    raise ConfigError(f"YAML anchors/aliases expand to more than {MAX_EXPANDED_NODES:,} values "
                                      "(an alias bomb?)")
        active.discard(id(node))
        sizes[id(node)] = total
        return total

    if root is not None:
        size(root)


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def read_config_file(path: Path) -> dict[str, Any]:
    """The settings object in a JSON or YAML file; ConfigError (one line naming the file) for anything else."""
    try:
        raw = path.read_bytes()
    except OSError as exc:   # PermissionError, IsADirectoryError, a vanished file
        raise ConfigError(f"{path}: cannot read the config file ({exc.strerror or type(exc).__name__})",
                          hint="check the path and its permissions") from None
    try:
        text = raw.decode("utf-8-sig")   # a UTF-8 byte-order mark is harmless; anything else not UTF-8 is refused
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ConfigError(f"{path}: not UTF-8 text (invalid byte 0x{raw[exc.start]:02x} on line {line})",
                          hint="save the file as UTF-8") from None
    yaml_file = path.suffix.lower() in {".yaml", ".yml"}
    try:
        data = yaml.load(text, Loader=_StrictYamlLoader) if yaml_file else json.loads(text, object_pairs_hook=_json_object)
    except _DuplicateKey as exc:
        where = f" (line {exc.line})" if exc.line else ""
        raise ConfigError(f"{path}: duplicate key '{exc.key}'{where}", hint="keep one of them") from None
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply to be a settings file") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise ConfigError(f"{path}: malformed YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be an object of settings, got {type(data).__name__}")
    return data


# Variables a `.env` file may set for supaseed (the rest of the file belongs to the app and is left alone).
DOTENV_NAMES = ("SUPABASE_URL", "SUPABASE_SERVICE_ROLE_KEY", "SUPABASE_DB_URL", "DATABASE_URL")
DOTENV_PREFIX = "SUPASEED_"


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a dotenv file (`export`, quotes and comments as the Supabase CLI and Node tools write them)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the env file ({exc.strerror or type(exc).__name__})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: the env file is not UTF-8 text", hint="save it as UTF-8") from None
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = line.removeprefix("export ").lstrip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not key.replace("_", "").isalnum() or key[0].isdigit():
            raise ConfigError(f"{path}: line {number} is not KEY=VALUE", hint="fix or comment out that line")
        value = value.strip()
        if value[:1] in {'"', "'"} and value.endswith(value[0]) and len(value) >= 2:
            quoted = value[1:-1]
            value = quoted.replace("\\n", "\n").replace('\\"', '"') if value[0] == '"' else quoted
        else:
            value = value.split(" #", 1)[0].rstrip()   # an unquoted value ends at a comment
        values[key] = value
    return {k: v for k, v in values.items() if k in DOTENV_NAMES or k.startswith(DOTENV_PREFIX)}

"""Domain registry: built-in domains plus user domains loaded from modules or .py files.

A user module registers its domains either by calling ``register_domain(MyDomain())`` at import
time or by defining a module-level ``DOMAINS`` list (instances or Domain subclasses). Registering a
name that already exists replaces it, so a project can override a built-in domain.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
import threading
from pathlib import Path

from supaseed_pipeline.errors import ConfigError

from .base import Domain

_BUILTIN_MODULES = ("outdoor", "saas", "ecommerce")
_registry: dict[str, Domain] = {}
_lock = threading.RLock()
_builtins_loaded = False


def _ensure_builtins() -> None:
    global _builtins_loaded
    with _lock:
        if _builtins_loaded:
            return
        _builtins_loaded = True           # set first: built-in modules may call register_domain
        for module_name in _BUILTIN_MODULES:
            module = importlib.import_module(f"{__package__}.{module_name}")
            for domain in getattr(module, "DOMAINS", []):
                _add(domain)


def _add(domain: Domain | type) -> Domain:
    if isinstance(domain, type) and issubclass(domain, Domain):
        domain = domain()
    if not isinstance(domain, Domain):
        raise TypeError(f"register_domain expects a Domain instance, got {type(domain).__name__}")
    domain.validate()
    with _lock:
        _registry[domain.name] = domain
    return domain


def register_domain(domain: Domain) -> None:
    """Register (or replace) a domain under ``domain.name``."""
    _ensure_builtins()
    _add(domain)


def get_domain(name: str) -> Domain:
    """The registered domain called ``name``; unknown names raise ConfigError listing the available ones."""
    _ensure_builtins()
    with _lock:
        domain = _registry.get(name)
    if domain is None:
        raise ConfigError(f"unknown domain {name!r}; available: {', '.join(available_domains())}")
    return domain


def domain_for(settings) -> Domain:
    """The domain a seed uses: ``settings.domain`` with its ``extensions.<name>.settings`` and the image keys applied.

    Every extension's settings are checked against its domain (a typo in an unused one fails too);
    ``enabled: false`` keeps the domain's built-in defaults. imagesPerSetup/enableRealImages, when
    not at their defaults, must be something the domain writes.
    """
    domain = get_domain(settings.domain)
    for name, extension in settings.extensions.items():
        if name not in available_domains():
            raise ConfigError(f"extensions.{name}: no domain called {name!r}",
                              hint=f"available: {', '.join(available_domains())}")
        configured = get_domain(name).configure(extension.settings)
        if name == domain.name and extension.enabled:
            domain = configured
    defaults = type(settings).model_fields
    # compared with the defaults, not "was the key given": `supaseed init` writes every key, defaults included
    if settings.images_per_setup != defaults["images_per_setup"].default or settings.enable_real_images:
        domain = domain.with_images(settings.images_per_setup, settings.enable_real_images)
    return domain


def available_domains() -> list[str]:
    _ensure_builtins()
    with _lock:
        return sorted(_registry)


def _is_file_spec(spec: str) -> bool:
    return spec.endswith(".py") or "/" in spec or "\\" in spec


def _import_file(path: Path):
    if not path.is_file():
        raise ConfigError(f"domain module file '{path}' not found")
    digest = hashlib.blake2b(str(path.resolve()).encode(), digest_size=6).hexdigest()
    module_name = f"supaseed_user_domains.{path.stem}_{digest}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ConfigError(f"cannot load domain module file '{path}'")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception:
        sys.modules.pop(module_name, None)
        raise
    return module


def load_domain_modules(specs: list[str]) -> list[str]:
    """Import each spec (a module path like "mycompany.seed_domains" or a path to a .py file) and
    register the domains it defines. Returns the names of the domains the specs registered."""
    _ensure_builtins()
    loaded: list[str] = []
    for spec in specs:
        with _lock:
            before = dict(_registry)
        is_file = _is_file_spec(spec)
        already_imported = not is_file and spec in sys.modules
        try:
            module = _import_file(Path(spec).expanduser()) if is_file else importlib.import_module(spec)
        except ConfigError:
            raise
        except ModuleNotFoundError as exc:
            raise ConfigError(f"cannot import domain module '{spec}': {exc}") from exc
        except Exception as exc:
            raise ConfigError(f"domain module '{spec}' failed to import: {type(exc).__name__}: {exc}") from exc
        declared = list(getattr(module, "DOMAINS", None) or [])
        try:
            names = [_add(domain).name for domain in declared]
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"domain module '{spec}' defines an invalid domain: {exc}") from exc
        with _lock:
            names += [n for n, d in _registry.items() if before.get(n) is not d]
        if not names and not already_imported:
            raise ConfigError(f"domain module '{spec}' registered no domains",
                              hint="call register_domain(...) at import time or define a module-level DOMAINS list")
        loaded.extend(n for n in names if n not in loaded)
    return loaded

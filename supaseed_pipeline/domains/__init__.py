"""Domain content layer: pure functions producing Polars frames of logical columns per domain.

Built-in domains: ``outdoor`` (setups of gear items), ``saas`` (projects of tasks) and
``ecommerce`` (products with reviews). Custom domains subclass ``Domain`` and are registered with
``register_domain`` or loaded with ``load_domain_modules``.
"""

from .base import Domain, Persona
from .registry import available_domains, get_domain, load_domain_modules, register_domain

__all__ = ["Domain", "Persona", "available_domains", "get_domain", "load_domain_modules", "register_domain"]

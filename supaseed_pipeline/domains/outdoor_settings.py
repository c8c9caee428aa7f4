"""`extensions.outdoor.settings` of the old supa-seed config, read strictly.

The old tool documented two shapes for each key, both accepted here:

* ``gearCategories``: a list of the old tool's activity categories ("camping", "hiking", "climbing",
  "backpacking", "skiing") and/or gear categories of this catalog ("shelter", "pack", "camera" ...).
  Activities restrict which kinds of setups are made; gear categories restrict which items a setup holds.
* ``brands``: ``"realistic"`` (the catalog's real brands, all of them) or a list of brand names.
* ``priceRange``: ``"market-accurate"`` (catalog street prices) or ``{"min": 10, "max": 500}``:
  unit prices of gear items, in the setup's currency, stay within it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from supaseed_pipeline.errors import ConfigError

from . import outdoor_catalog as cat

KEYS = ("gearCategories", "brands", "priceRange")
# the old tool's activity names that this domain calls differently
ACTIVITY_ALIASES = {"skiing": "winter", "ski-touring": "winter", "mountaineering": "winter", "snow": "winter",
                    "rock-climbing": "climbing", "day-hiking": "hiking", "car-camping": "camping",
                    "photo": "photography"}


@dataclass(frozen=True)
class OutdoorSettings:
    activities: tuple[str, ...] | None = None      # None: every activity
    categories: tuple[str, ...] | None = None      # None: every gear category
    brands: tuple[str, ...] | None = None          # catalog brand names; None: all
    price_min: float | None = None                 # unit price bounds (setup currency)
    price_max: float | None = None

    @property
    def restricts(self) -> bool:
        return any(v is not None for v in (self.activities, self.categories, self.brands, self.price_min))


def _where(key: str) -> str:
    return f"extensions.outdoor.settings.{key}"


def _label(text: str) -> str:
    return text.strip().lower().replace("_", "-").replace(" ", "-")


def parse(settings: Mapping[str, Any], activities: tuple[str, ...]) -> OutdoorSettings:
    """OutdoorSettings from the config object; ConfigError (one line naming the key) for anything else."""
    unknown = [k for k in settings if k not in KEYS]
    if unknown:
        raise ConfigError(f"{_where(unknown[0])}: unknown key; allowed keys here: {', '.join(KEYS)}")
    chosen_activities, categories = _gear_categories(settings.get("gearCategories"), activities)
    price_min, price_max = _price_range(settings.get("priceRange"))
    return OutdoorSettings(chosen_activities, categories, _brands(settings.get("brands")), price_min, price_max)


def _gear_categories(value: Any, activities: tuple[str, ...]) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    if value is None:
        return None, None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{_where('gearCategories')}: expected a non-empty list of names (got {value!r:.60})")
    gear = {_label(c): c for c in cat.GEAR_CATEGORIES}
    chosen_activities: list[str] = []
    categories: list[str] = []
    for raw in value:
        label = _label(raw)
        label = ACTIVITY_ALIASES.get(label, label)
        if label in activities:
            chosen_activities.append(label)
        elif label in gear:
            categories.append(gear[label])
        else:
            raise ConfigError(f"{_where('gearCategories')}: unknown category '{raw}'",
                              hint=f"activities: {', '.join(activities)}; gear categories: "
                                   f"{', '.join(cat.GEAR_CATEGORIES)}")
    return (tuple(dict.fromkeys(chosen_activities)) or None), (tuple(dict.fromkeys(categories)) or None)


def _brands(value: Any) -> tuple[str, ...] | None:
    if value is None or value == "realistic":
        return None   # the old tool's "realistic": real brands, which the whole catalog is
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{_where('brands')}: expected \"realistic\" or a non-empty list of brand names "
                          f"(got {value!r:.60})")
    known = sorted({p[0] for p in cat.PRODUCTS})
    chosen: list[str] = []
    for raw in value:
        wanted = raw.strip().lower()
        # "REI" names "REI Co-op": a brand matches by its full name or its leading words
        matches = [b for b in known if b.lower() == wanted or b.lower().startswith(wanted + " ")]
        if not matches:
            raise ConfigError(f"{_where('brands')}: no gear of brand '{raw}' in the outdoor catalog",
                              hint=f"brands: {', '.join(known[:20])} … ({len(known)} in all), or \"realistic\"")
        chosen.extend(matches)
    return tuple(dict.fromkeys(chosen))


def _price_range(value: Any) -> tuple[float | None, float | None]:
    if value is None or value == "market-accurate":
        return None, None   # the old tool's "market-accurate": the catalog's street prices
    shape = "expected \"market-accurate\" or {\"min\": number, \"max\": number}"
    if not isinstance(value, dict) or set(value) - {"min", "max"} or not value:
        raise ConfigError(f"{_where('priceRange')}: {shape} (got {value!r:.60})")
    bounds = {}
    for key in ("min", "max"):
        number = value.get(key)
        if number is not None and (isinstance(number, bool) or not isinstance(number, (int, float)) or number < 0):
            raise ConfigError(f"{_where('priceRange')}.{key}: {shape} with numbers >= 0 (got {number!r:.60})")
        bounds[key] = None if number is None else float(number)
    low, high = bounds["min"] or 0.0, bounds["max"]
    if high is not None and high < max(low, 1.0):
        raise ConfigError(f"{_where('priceRange')}: max {high:g} is below min {low:g} (or below 1)",
                          hint="give max >= min; prices are per item")
    return low, high

"""The settings file `supaseed init` writes: the settings in the file's camelCase shape, secrets left out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from supaseed_pipeline.plan.mapping import TableMapping
from supaseed_pipeline.settings import SeedSettings, _deep_merge

SECRET_FIELDS = {"database_url", "supabase_service_key", "password"}


def config_document(settings: SeedSettings) -> dict[str, Any]:
    """The settings as the camelCase file shape, secrets left out."""
    return settings.model_dump(mode="json", by_alias=True, exclude_none=True, exclude=SECRET_FIELDS)


def schema_document(mapping: TableMapping, current: dict[str, Any]) -> dict[str, Any]:
    """The `schema` section pinned to what detection found (explicit settings kept)."""
    detected = {
        "framework": mapping.framework,
        "primaryUserTable": mapping.user_table,
        "userTable": {"emailField": mapping.user_email, "nameField": mapping.user_name,
                      "pictureField": mapping.user_picture},
        "accountTable": mapping.account_table,
        "accountUserField": mapping.account_user_field,
        "setupsTable": {"name": mapping.content_table, "userField": mapping.content_user_field},
        "setupTypesTable": mapping.lookup_table,
        "gearItemsTable": mapping.item_table,
    }
    return _deep_merge(current, _without_none(detected))


def _without_none(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = {k: (_without_none(v) if isinstance(v, dict) else v) for k, v in data.items() if v is not None}
    return {k: v for k, v in cleaned.items() if v != {}}


def document_text(data: dict[str, Any], path: Path) -> str:
    """The file's text: YAML for .yaml/.yml, JSON otherwise; refuses a document that would not load back."""
    SeedSettings.model_validate(data)
    if path.suffix.lower() in {".yaml", ".yml"}:
        return yaml.safe_dump(data, sort_keys=False)
    return json.dumps(data, indent=2) + "\n"

"""Planning documents (snapshot, graph, mapping) stored as JSON under the project data folder.

`<data>/documents/<target>/<name>.json` is the latest; snapshots are also archived by fingerprint
so two versions of a schema can be diffed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from supaseed_pipeline.db.connect import Target
from supaseed_pipeline.db.embedded import data_dir


def target_folder(target: Target) -> Path:
    folder = data_dir() / "documents" / re.sub(r"[^A-Za-z0-9_.-]+", "_", target.identity)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_document(target: Target, name: str, text: str, *, archive_as: str | None = None) -> Path:
    folder = target_folder(target)
    path = folder / f"{name}.json"
    path.write_text(text, encoding="utf-8")
    if archive_as:
        (folder / "history").mkdir(exist_ok=True)
        (folder / "history" / f"{name}-{archive_as}.json").write_text(text, encoding="utf-8")
    return path


def load_document_text(target: Target, name: str) -> str | None:
    path = target_folder(target) / f"{name}.json"
    return path.read_text(encoding="utf-8") if path.is_file() else None


def load_document(target: Target, name: str) -> dict | None:
    text = load_document_text(target, name)
    return json.loads(text) if text is not None else None

"""Connections to the target database: by URL, or the embedded PostgreSQL by default."""

from __future__ import annotations

from supaseed_pipeline.db.connect import Target


def resolve_target(url: str | None) -> Target:
    """The target for a URL, or the embedded demo database when no URL is given."""
    if url:
        return Target(url)
    from supaseed_pipeline.db.embedded import demo_target

    return demo_target()

"""The bundled demo database: a Supabase-style schema (auth, MakerKit accounts, outdoor setups)."""

from __future__ import annotations

from pathlib import Path

import psycopg

DEMO_SQL_DIR = Path(__file__).resolve().parent / "sql"


def apply_demo_schema(conn: psycopg.Connection) -> None:
    """Run the demo SQL files in name order inside the caller's transaction (no commit)."""
    for path in sorted(DEMO_SQL_DIR.glob("*.sql")):
        conn.execute(path.read_text(encoding="utf-8"))

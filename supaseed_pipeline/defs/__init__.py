"""Dagster definitions, grouped by domain: planning (stages 1-3), seeding (4-7), checks, automation."""

"""supaseed: seed Supabase and PostgreSQL databases with realistic, constraint-satisfying data."""

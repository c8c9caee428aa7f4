"""The benchmark script runs end to end on a tiny size and compares like with like."""

from __future__ import annotations

import re

from supaseed_pipeline import bench


def test_bench_loads_the_same_rows_raw_and_reports_every_scenario(pg_server, capsys):
    exit_code = bench.main(["--database-url", pg_server.url, "--users", "300", "--baseline-users", "20",
                            "--scaling", "100", "300", "--batch-size", "150"])
    out = capsys.readouterr().out
    assert exit_code == 0

    def rows_of(label: str) -> int:
        line = next(line for line in out.splitlines() if line.startswith(label))
        return int(re.split(r"\s{2,}", line)[2].replace(",", ""))

    seeded = rows_of("1. supaseed")
    assert seeded > 300 * 5                               # users, identities, accounts, setups, items
    assert rows_of("1b. supaseed, bulkLoad") == seeded   # same seed, same rows, other load strategy
    assert rows_of("2. raw COPY ceiling") == seeded      # the trigger remakes the accounts it made
    assert rows_of("2c. the real ceiling") == seeded     # binary COPY, keys and FKs built afterwards: same rows
    assert rows_of("1c. supaseed, workers: 1") == rows_of("1d. supaseed, workers: 2") == seeded
    assert rows_of("5. cleanup of 300 users") == seeded  # cleanup timed against the seed, everything removed
    assert rows_of("3. row-by-row") > 20 * 5
    assert "4. scaling 100" in out and "targets:" in out
    with bench.connect(pg_server, autocommit=True) as conn:
        left = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'supaseed_bench_%'").fetchall()
    assert left == []


def test_generation_bench_loads_every_generated_row(pg_server, capsys):
    assert bench.main(["--database-url", pg_server.url, "--generation", "--rows", "2500", "--batch-size", "1000"]) == 0
    out = capsys.readouterr().out
    rows = {label: int(re.split(r"\s{2,}", line)[1].replace(",", ""))
            for line in out.splitlines() for label in ("generation alone", "generate + COPY") if line.startswith(label + " ")}
    assert rows == {"generation alone": 2500, "generate + COPY": 2500}

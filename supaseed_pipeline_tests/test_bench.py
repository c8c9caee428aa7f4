"""The benchmark script runs end to end on a tiny size and compares like with like."""

from __future__ import annotations

import re

from supaseed_pipeline import bench


def test_bench_loads_the_same_rows_raw_and_reports_every_scenario(pg_server, capsys):
    exit_code = bench.main(["--database-url", pg_server.url, "--users", "300", "--baseline-users", "20", "--workers-users", "200",
                            "--scaling", "100", "300", "--batch-size", "150", "--repeat", "2"])
    out = capsys.readouterr().out
    assert exit_code == 0

    def cells(label: str) -> list[str]:
        return re.split(r"\s{2,}", next(line for line in out.splitlines() if line.startswith(label)))

    def rows_of(label: str) -> int:
        return int(cells(label)[2].replace(",", ""))

    def cpu_of(label: str) -> tuple[float, float]:
        client, server = cells(label)[5].split(" + ")
        return float(client), float(server)

    seeded = rows_of("1. supaseed")
    assert seeded > 300 * 5                               # users, identities, accounts, setups, items
    assert rows_of("1b. supaseed, bulkLoad") == seeded   # same seed, same rows, other load strategy
    assert rows_of("2. raw COPY ceiling") == seeded      # the trigger remakes the accounts it made
    assert rows_of("2c. the real ceiling") == seeded     # binary COPY, keys and FKs built afterwards: same rows
    # and the same values: the accounts the trigger made get run 1's public_data, as the seed's UPDATE gives them
    assert "its trigger-made tables end with exactly run 1's rows" in " ".join(out.split())
    # --workers-users: the 1- vs 2-worker runs seed their own count, the same rows on 1 worker as on 2
    assert cells("1c. supaseed, workers: 1")[1] == cells("1d. supaseed, workers: 2")[1] == "200"
    assert rows_of("1c. supaseed, workers: 1") == rows_of("1d. supaseed, workers: 2")
    assert 200 * 5 < rows_of("1d. supaseed, workers: 2") < seeded
    assert rows_of("5. cleanup of 300 users") == seeded  # cleanup timed against the seed, everything removed
    assert rows_of("3. row-by-row") > 20 * 5
    assert "4. scaling 100" in out and "targets:" in out
    # CPU on both sides: the seed generates in its process, the ceiling's client only reads files
    seed_client, seed_server = cpu_of("1b. supaseed, bulkLoad")
    ceiling_client, ceiling_server = cpu_of("2c. the real ceiling")
    assert seed_client > 0 and seed_server > 0 and ceiling_server > 0
    assert "bulkLoad used" in out   # the CPU floor note
    # --repeat 2: the ratio scenarios ran twice each and the table shows the fastest of the two
    repeated = re.search(r"2c, 1b and 3 ran 2 times, round by round; the table shows the fastest of each: "
                         r"real ceiling ([\d.]+), ([\d.]+) s; bulkLoad ([\d.]+), ([\d.]+) s; "
                         r"row-by-row ([\d.]+), ([\d.]+) s", " ".join(out.split()))
    assert repeated, out
    times = [float(t) for t in repeated.groups()]
    for label, pair in (("2c. the real ceiling", times[0:2]), ("1b. supaseed, bulkLoad", times[2:4]),
                        ("3. row-by-row", times[4:6])):
        assert float(cells(label)[3]) == min(pair)
    with bench.connect(pg_server, autocommit=True) as conn:
        left = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'supaseed_bench_%'").fetchall()
    assert left == []


def test_generation_bench_loads_every_generated_row(pg_server, capsys):
    assert bench.main(["--database-url", pg_server.url, "--generation", "--rows", "2500", "--batch-size", "1000"]) == 0
    out = capsys.readouterr().out
    rows = {label: int(re.split(r"\s{2,}", line)[1].replace(",", ""))
            for line in out.splitlines() for label in ("generation alone", "generate + COPY") if line.startswith(label + " ")}
    assert rows == {"generation alone": 2500, "generate + COPY": 2500}

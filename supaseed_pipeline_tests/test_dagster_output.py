"""What `dagster asset materialize --select '*'` prints with the project's dagster.yaml: INFO lines ending in a
one-screen summary; with supaseed's console logger configured, a user error in one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from supaseed_pipeline.db.connect import connect

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _materialize(tmp_path: Path, demo_db, config: dict, *extra: str) -> subprocess.CompletedProcess:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    (home / "dagster.yaml").write_text((ROOT / "dagster_home" / "dagster.yaml").read_text())
    (tmp_path / "supaseed.json").write_text(json.dumps(config))
    env = {**os.environ, "DAGSTER_HOME": str(home), "SUPASEED_DATABASE_URL": demo_db.url,
           "SUPASEED_CONFIG": str(tmp_path / "supaseed.json"), "SUPASEED_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run([str(BIN / "dagster"), "asset", "materialize", "-m", "supaseed_pipeline.definitions",
                           "--select", "*", *extra], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_materialize_all_prints_info_and_ends_with_the_summary(demo_db, tmp_path):
    with connect(demo_db) as conn:   # a table the plan cannot key and that has no rows of its own
        conn.execute("CREATE TABLE public.audit_trail (at timestamptz NOT NULL, note text)")
        conn.commit()
    completed = _materialize(tmp_path, demo_db, {"userCount": 7, "batchSize": 3, "setupsPerUser": 2})
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-3000:]
    assert " - DEBUG - " not in output
    log = [line for line in output.splitlines() if " - dagster - " in line]
    # one line per committed batch, then the summary (the run's DEBUG events are not shown)
    assert len(log) == 4 and all(" - user_batches - batch " in line for line in log[:3])
    assert "seeded " in log[-1] and "3 batch(es)" in log[-1]
    summary = output[output.index(log[-1]):].splitlines()
    with connect(demo_db) as conn:
        setups = conn.execute("SELECT count(*) FROM public.setups").fetchone()[0]
        users = conn.execute("SELECT count(*) FROM auth.users").fetchone()[0]
    assert (users, setups) == (7, 14)
    rows = {line.split()[0]: int(line.split()[1].replace(",", "")) for line in summary[1:]
            if line.startswith("  ") and len(line.split()) == 2}
    assert rows["auth.users"] == 7 and rows["public.setups"] == 14
    # the empty table is left out, its reason naming it once; MakerKit's config (no key either) keeps its own row
    assert "left out (1):" in summary
    assert "  public.audit_trail has no primary key or NOT NULL unique key, so seeded rows could not be told apart " \
           "for cleanup — add a primary key, or leave it out (tables.public.audit_trail.skip)" in summary
    assert not any("public.config" in line for line in summary)
    # the run page's six, reference_constraints_hold among them; the empty table warns
    assert summary[-1] == "checks: 5 of 6 passed; failed: tables_in_scope_have_rows (warning)"


def test_a_user_error_is_one_line_with_supaseeds_console_logger(demo_db, tmp_path):
    completed = _materialize(tmp_path, demo_db, {"domain": "no-such-domain"},
                             "--config-json", json.dumps({"loggers": {"console": {}}}))
    output = completed.stdout + completed.stderr
    assert completed.returncode != 0
    failures = [line for line in output.splitlines() if "STEP_FAILURE" in line or "RUN_FAILURE" in line]
    assert len(failures) == 2 and all("unknown domain 'no-such-domain'" in line for line in failures), output[-3000:]
    assert 'File "/' not in output and "Stack Trace" not in output

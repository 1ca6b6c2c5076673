"""The shaded jar submitted with spark-submit, client mode, to a real standalone cluster (one master, one worker)
started from the pinned PySpark: the same commands and options as ./kindred."""

from __future__ import annotations

import re

from kindred_harness import lake as lake_reader
from kindred_harness.jar import spark_submit


def test_check_args_through_spark_submit(spark_cluster, tmp_path):
    args = ["--check-args", "demo", "--run-date", "2026-11-22", "--lakehouse", str(tmp_path / "lake")]

    result = spark_submit(spark_cluster.state.master_url, args)

    assert result.returncode == 0, result.stderr
    assert result.stdout == f"ok: --check-args demo --run-date 2026-11-22 --lakehouse {tmp_path / 'lake'}\n"


def test_a_bad_option_exits_2_with_the_jar_message(spark_cluster, tmp_path):
    result = spark_submit(spark_cluster.state.master_url, ["demo", "--run-date", "2026-13-01"])

    assert result.returncode == 2
    assert 'Error: "--run-date": couldn\'t convert "2026-13-01" to a LocalDate' in result.stderr


def test_generate_then_clean_transactions_run_on_the_cluster(spark_cluster, tmp_path):
    lake = tmp_path / "lake"
    common = ["--run-date", "2026-11-22", "--lakehouse", str(lake), "--config", str(_repo_conf("local.conf"))]
    apps_before = {app["id"] for app in spark_cluster.applications()}

    generated = spark_submit(spark_cluster.state.master_url,
                             ["generate", *common, "--customers", "200", "--days", "5", "--seed", "7"])

    assert generated.returncode == 0, generated.stderr[-4000:]
    feed = lake / "raw" / "transactions"
    assert sorted(p.name for p in feed.iterdir()) == [f"2026-11-{d}" for d in range(18, 23)]
    # what clean-transactions must account for, counted here from the files: every record line, headers excluded
    records = 0
    for file in feed.glob("*/*"):
        lines = [line for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]
        records += len(lines) - 1 if file.suffix == ".csv" else len(lines)
    assert records > 0

    cleaned = spark_submit(spark_cluster.state.master_url,
                           ["clean-transactions", *common, "--from-date", "2026-11-18", "--input", str(feed)])

    assert cleaned.returncode == 0, cleaned.stderr[-4000:]
    summary = re.search(r"clean-transactions run \S+ for 2026-11-22: rows in (\d+), written (\d+), "
                        r"quarantined (\d+)(?: \([^)]*\))?, duplicates dropped (\d+)", cleaned.stderr)
    assert summary, cleaned.stderr[-4000:]
    rows_in, written, quarantined, duplicates = (int(g) for g in summary.groups())
    assert rows_in == records
    assert rows_in == written + quarantined + duplicates
    # read back independently: the silver table holds exactly the rows the job says it wrote
    assert lake_reader.table(lake, "silver/transactions").count() == written
    assert lake_reader.table(lake, "quarantine/transactions").count() == quarantined
    new_apps = [app for app in spark_cluster.applications() if app["id"] not in apps_before]
    assert sorted((app["name"], app["state"]) for app in new_apps) == [
        ("kindred clean-transactions", "FINISHED"), ("kindred generate", "FINISHED")]


def _repo_conf(name: str):
    from kindred_harness.paths import REPO

    return REPO / "conf" / name

"""The shaded jar submitted with spark-submit, client mode, to a real standalone cluster (one master, one worker)
started from the pinned PySpark: the same commands and options as ./kindred."""

from __future__ import annotations

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


def test_demo_runs_on_the_cluster(spark_cluster, tmp_path):
    lake = tmp_path / "lake"
    apps_before = {app["id"] for app in spark_cluster.applications()}

    result = spark_submit(spark_cluster.state.master_url,
                          ["demo", "--run-date", "2026-11-22", "--lakehouse", str(lake), "--config",
                           str(_repo_conf("local.conf")), "--customers", "200", "--days", "5"])

    assert result.returncode == 0, result.stderr[-4000:]
    assert (f"kindred demo started: run date 2026-11-22, lakehouse file:{lake}, "
            f"master {spark_cluster.state.master_url}") in result.stderr
    new_apps = [app for app in spark_cluster.applications() if app["id"] not in apps_before]
    assert [(app["name"], app["state"]) for app in new_apps] == [("kindred demo", "FINISHED")]


def _repo_conf(name: str):
    from kindred_harness.paths import REPO

    return REPO / "conf" / name

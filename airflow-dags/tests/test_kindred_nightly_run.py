"""The DAG run for real: dag.test() with a SQLite metadata database in a temp AIRFLOW_HOME, every task a
spark-submit of the jar to the standalone cluster, settings taken from Airflow Variables and the Spark connection."""

from __future__ import annotations

import logging

import pendulum
import pytest

DAY = pendulum.datetime(2026, 11, 22, tz="UTC")


@pytest.fixture()
def airflow_env(airflow_db, spark_cluster, jar, tmp_path, monkeypatch):
    """The Spark connection points at the test cluster; the Variables at the jar and a fresh lakehouse."""
    port = spark_cluster.state.master_url.rsplit(":", 1)[1]
    monkeypatch.setenv("AIRFLOW_CONN_SPARK_DEFAULT", '{"conn_type": "spark", "host": "127.0.0.1", "port": %s}' % port)
    monkeypatch.setenv("AIRFLOW_VAR_KINDRED_JAR", str(jar))
    monkeypatch.setenv("AIRFLOW_VAR_KINDRED_LAKEHOUSE", str(tmp_path / "lake"))
    return tmp_path / "lake"


def _states(run) -> dict[str, str]:
    return {ti.task_id: str(ti.state) for ti in run.get_task_instances()}


def _task_log(caplog, capfd) -> str:
    """What the tasks logged: dag.test() runs them in this process, logging to its output."""
    out, err = capfd.readouterr()
    return "\n".join([caplog.text, out, err])


def test_a_run_submits_each_stage_for_its_day(airflow_env, spark_cluster, caplog, capfd):
    from kindred_probes import run_probe as dag

    before = {app["id"] for app in spark_cluster.applications()}

    with caplog.at_level(logging.INFO):
        run = dag.test(logical_date=DAY)

    assert str(run.state) == "success", _states(run)
    assert _states(run) == {"generate": "success", "clean": "success"}
    new_apps = [(a["name"], a["state"]) for a in spark_cluster.applications() if a["id"] not in before]
    assert sorted(new_apps) == [("kindred clean-transactions", "FINISHED"), ("kindred generate", "FINISHED")]
    log = _task_log(caplog, capfd)
    for command in ("generate", "clean-transactions"):
        assert (f"kindred {command} started: run date 2026-11-22, lakehouse file:{airflow_env}, "
                f"master {spark_cluster.state.master_url}") in log, command
    assert sorted(p.name for p in (airflow_env / "raw" / "transactions").iterdir()) == [
        f"2026-11-{d}" for d in range(18, 23)]
    assert (airflow_env / "silver" / "transactions" / "_delta_log").is_dir()


def test_a_failing_stage_fails_its_task_with_the_job_message_and_stops_the_run(airflow_env, spark_cluster, caplog,
                                                                               capfd):
    from kindred_probes import failure_probe as dag

    with caplog.at_level(logging.INFO):
        run = dag.test(logical_date=DAY)

    assert str(run.state) == "failed"
    assert _states(run) == {"broken": "failed", "after": "upstream_failed"}
    assert not (airflow_env / "raw").exists()
    log = _task_log(caplog, capfd)
    assert 'Error: "--customers": couldn\'t convert "many" to a long' in log
    assert "Error code is: 2." in log

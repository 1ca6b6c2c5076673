"""Airflow probe DAGs for the run tests, built by the nightly DAG's own factory (kindred_nightly.nightly_dag) from
commands the jar has today. The tests' DAG folder holds this file beside kindred_nightly.py, so dag.test() finds
both. (Airflow parses only files that mention both "airflow" and "dag".)"""

from kindred_nightly import Stage, nightly_dag

# Two real stages in a row, each a spark-submit of the jar for the run's day: a small sample, then its cleaning.
SAMPLE = (("--customers", "200"), ("--days", "5"), ("--seed", "7"))
CLEAN = (("--input", "{lakehouse}/raw/transactions"), ("--from-date", "2026-11-18"))
run_probe = nightly_dag([Stage("generate", inputs=SAMPLE, name="generate"),
                         Stage("clean-transactions", inputs=CLEAN, name="clean")], dag_id="kindred_run_probe")

# A first stage the jar rejects (exit 2, with its message), then one that must not run. No retries, so the run
# fails at once.
failure_probe = nightly_dag([Stage("generate", inputs=(("--customers", "many"),), name="broken"),
                             Stage("clean-transactions", inputs=CLEAN, name="after")], dag_id="kindred_failure_probe")
for _task in failure_probe.tasks:
    _task.retries = 0

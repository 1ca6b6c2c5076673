"""Airflow probe DAGs for the run tests, built by the nightly DAG's own factory (kindred_nightly.nightly_dag) from
commands the jar has today. The tests' DAG folder holds this file beside kindred_nightly.py, so dag.test() finds
both. (Airflow parses only files that mention both "airflow" and "dag".)"""

from kindred_nightly import Stage, nightly_dag

# Two stages in a row, each a spark-submit of the jar for the run's day.
run_probe = nightly_dag([Stage("demo", name="first"), Stage("demo", name="second")], dag_id="kindred_run_probe")

# A first stage the jar rejects (exit 2, with its message), then one that must not run. No retries, so the run
# fails at once.
failure_probe = nightly_dag([Stage("demo", inputs=(("--customers", "many"),), name="broken"),
                             Stage("demo", name="after")], dag_id="kindred_failure_probe")
for _task in failure_probe.tasks:
    _task.retries = 0

"""The nightly DAG: it imports, its shape is as designed, and its arguments are accepted by the jar's own parser."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kindred_harness import jar as kindred_jar
from kindred_harness.paths import DAGS, REPO

SAMPLE_DATE = "2026-11-22"


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


@pytest.fixture(scope="module")
def nightly():
    import kindred_nightly

    return kindred_nightly


def test_dag_folder_imports_without_errors(dagbag):
    assert dagbag.import_errors == {}
    assert sorted(dagbag.dag_ids) == ["kindred_nightly"]


def test_schedule_catchup_and_concurrency(dagbag):
    from airflow.timetables.interval import CronDataIntervalTimetable

    dag = dagbag.dags["kindred_nightly"]
    assert isinstance(dag.timetable, CronDataIntervalTimetable)
    assert dag.timetable.summary == "0 0 * * *"
    assert dag.catchup is True
    assert dag.max_active_runs == 1
    assert dag.start_date.isoformat() == "2026-11-01T00:00:00+00:00"
    assert dag.doc_md and "When a task fails" in dag.doc_md


# The designed nightly chain: the nightly order, with the weekly retraining (train-segments --if-due) between
# the features and the scoring.
DESIGNED_TASKS = ["clean-customers", "clean-transactions", "clean-interactions", "build-features",
                  "build-social-features", "train-segments", "score-segments", "publish-audiences",
                  "measure-audiences", "vacuum"]


def test_tasks_are_the_stages_in_nightly_order_each_after_the_previous(dagbag, nightly):
    dag = dagbag.dags["kindred_nightly"]
    ids = [stage.task_id for stage in nightly.STAGES]
    assert ids == DESIGNED_TASKS
    assert sorted(dag.task_ids) == sorted(ids)
    commands = [stage.command for stage in nightly.STAGES]
    assert commands == sorted(commands, key=nightly.NIGHTLY_ORDER.index), "STAGES out of nightly order"
    for before, after in zip(ids, ids[1:]):
        assert dag.get_task(after).upstream_task_ids == {before}
    if ids:
        assert dag.get_task(ids[0]).upstream_task_ids == set()


def test_every_stage_is_a_command_of_the_jar(nightly, jar):
    assert set(stage.command for stage in nightly.STAGES) <= set(kindred_jar.commands())


def test_jar_command_listing_is_read_from_the_jar(jar):
    # commands() is what the test above relies on: it must see the jar's real commands.
    assert "demo" in kindred_jar.commands()


def test_every_task_submits_the_jar_with_retries(dagbag, nightly):
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

    for task in dagbag.dags["kindred_nightly"].tasks:
        assert isinstance(task, SparkSubmitOperator)
        assert task._java_class == "io.kindred.jobs.Kindred"
        assert task._conn_id == "spark_default"
        assert task.retries == 2
        assert task.retry_delay == timedelta(minutes=10)


def test_task_factory_sets_retries_and_templates(nightly):
    # The same factory builds every task of the DAG; checked on a stage of its own so it is checked even when
    # STAGES is short.
    dag = nightly.nightly_dag([nightly.Stage("demo"), nightly.Stage("demo", name="demo-again")], dag_id="probe")
    task = dag.get_task("demo-again")
    assert dag.get_task("demo-again").upstream_task_ids == {"demo"}
    assert (task.retries, task.retry_delay) == (2, timedelta(minutes=10))
    assert task.application_args[:3] == ["demo", "--run-date", "{{ ds }}"]


def _render(task, ds: str) -> list[str]:
    """The task's application_args as Airflow renders them for a run on ``ds`` (Variables unset: defaults)."""
    from airflow.sdk.execution_time.context import VariableAccessor

    context = {"ds": ds, "var": {"value": VariableAccessor(deserialize_json=False),
                                 "json": VariableAccessor(deserialize_json=True)}}
    task.render_template_fields(context)
    return [str(arg) for arg in task.application_args]


def _all_tasks(nightly):
    # Every task of the real DAG, plus one built by the same factory for a command main's jar has today, so the
    # contract mechanism is exercised whatever STAGES holds.
    dag = nightly.nightly_dag(list(nightly.STAGES) + [nightly.Stage("demo", name="factory-probe")], dag_id="contract")
    return dag.tasks


def test_rendered_arguments_name_the_day_and_the_local_defaults(nightly):
    args = _render(nightly.nightly_dag([nightly.Stage("demo")], dag_id="render").get_task("demo"), SAMPLE_DATE)
    assert args == ["demo", "--run-date", SAMPLE_DATE, "--lakehouse", str(REPO / "lakehouse"),
                    "--config", str(REPO / "conf" / "local.conf")]


def test_every_task_arguments_pass_the_jar_parser(nightly, jar):
    for task in _all_tasks(nightly):
        args = _render(task, SAMPLE_DATE)
        result = kindred_jar.check_args(args)
        assert result.returncode == 0, f"{task.task_id}: the jar rejects {args}:\n{result.stderr}"
        assert result.stdout == "ok: --check-args " + " ".join(args) + "\n"


def test_the_weekly_retraining_is_train_segments_if_due_as_of_the_day(dagbag):
    args = _render(dagbag.dags["kindred_nightly"].get_task("train-segments"), SAMPLE_DATE)
    assert args == ["train-segments", "--as-of", SAMPLE_DATE, "--lakehouse", str(REPO / "lakehouse"),
                    "--config", str(REPO / "conf" / "local.conf"), "--if-due"]


def test_the_contract_check_rejects_arguments_the_jar_does_not_take(nightly, jar):
    stage = nightly.Stage("demo", inputs=(("--input", "{lakehouse}/raw/customers"),))
    args = _render(nightly.nightly_dag([stage], dag_id="bad").get_task("demo"), SAMPLE_DATE)

    result = kindred_jar.check_args(args)

    assert result.returncode == 2
    assert "Error: unknown option --input for kindred demo\nRun 'kindred demo --help' for its options.\n" in result.stderr

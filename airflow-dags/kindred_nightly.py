"""Kindred nightly: clean the day's raw feeds into Delta tables, build the customer and social features, retrain the
segment model when a week old, score every customer into its segment, publish the audiences and measure what each
audience earned.

What it does
    One run per day (UTC). Each task is one ``kindred`` command of the jar, submitted with ``spark-submit`` in client
    mode through the Spark connection, in nightly order; a task starts only when the one before it succeeded. Every
    task gets the run's day as ``--run-date {{ ds }}`` (the start of the data interval: the run that starts at
    00:00 UTC on 2026-11-23 processes 2026-11-22), so a retry, a clear or a backfill of a day redoes that day only and
    leaves the tables as one run would. Missed days are caught up in order, one run at a time.

    The stages: clean-customers, clean-transactions, clean-interactions (raw feeds of the day into silver and
    quarantine), build-features and build-social-features (gold/customer_features and gold/social_features as of the
    day), train-segments --if-due (the weekly retraining: the job trains a new segment model when none exists or the
    one in force was trained kindred.segments.retrain-interval-days or more before the day, and otherwise keeps it),
    score-segments (MERGE into gold/customer_segments, change data feed on), publish-audiences (gold/audiences,
    consented customers, hashed identifiers; gold/audience_membership) and measure-audiences (gold/audience_lift:
    each audience's treatment group against its control group), then vacuum (files the tables no longer use, older
    than kindred.vacuum.retention-hours, deleted). A rerun of a night older than the latest scoring (a clear or a
    backfill) leaves the published segment table and audiences as they are, so activation never goes back in time.

When a task fails
    The task's log holds the spark-submit output, ending with the job's own message (``kindred <command> failed:
    ...``, e.g. a quarantine rate over its threshold), and the error names the exit code: 1 when the job failed,
    2 when the jar rejected its arguments. Downstream tasks do not run. Fix the cause and clear the failed task: it
    reruns the same day; the tasks after it then run.

Settings (Airflow Variables, else environment variables on the scheduler and workers, else local defaults)
    kindred_jar        KINDRED_JAR        the shaded jar           default: <repo>/jobs/target/kindred-jobs.jar
    kindred_lakehouse  KINDRED_LAKEHOUSE  lakehouse root (URI)     default: <repo>/lakehouse
    kindred_config     KINDRED_CONFIG     overlay for the driver   default: <repo>/conf/local.conf
                                          (conf/cluster.conf on a cluster; a path the driver can read)
    kindred_spark_properties              spark-submit --properties-file (executor sizing); default: none
    KINDRED_SPARK_CONN_ID                 Spark connection id      default: spark_default
    KINDRED_START_DATE                    first day to process     default: 2026-11-01
    The Spark connection names the master, e.g.
    AIRFLOW_CONN_SPARK_DEFAULT='{"conn_type": "spark", "host": "127.0.0.1", "port": 7077}' for a standalone
    master on this machine; ``spark-submit`` (Spark 4.2, e.g. from the pinned pyspark) must be on the PATH.

Adding a stage is one line in STAGES, once its command exists in the jar (``./kindred --help`` lists them).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import NamedTuple

import pendulum
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.sdk import DAG
from airflow.timetables.interval import CronDataIntervalTimetable

REPO = Path(__file__).resolve().parents[1]
MAIN_CLASS = "io.kindred.jobs.Kindred"
DAG_ID = "kindred_nightly"


class Stage(NamedTuple):
    """One nightly task: a jar command, the option that takes the run's day, and its input options.

    ``inputs`` are (option, value) pairs; a value may name ``{lakehouse}``, the lakehouse root; an empty value makes the
    option a flag. ``name`` is the
    task id when one command runs more than once a night (e.g. one cleaning task per source); default: the command.
    """

    command: str
    date_option: str = "--run-date"
    inputs: tuple[tuple[str, str], ...] = ()
    name: str | None = None

    @property
    def task_id(self) -> str:
        return self.name or self.command


# The nightly order of the pipeline's commands. STAGES follows it.
NIGHTLY_ORDER = ("clean-customers", "clean-transactions", "clean-interactions", "build-features",
                 "build-social-features", "train-segments", "score-segments", "publish-audiences",
                 "measure-audiences", "vacuum")

# The nightly stages, in order. Raw feeds are read from the lakehouse's raw/ folder, through each command's default
# source definition.
STAGES: list[Stage] = [
    Stage("clean-customers", inputs=(("--input", "{lakehouse}/raw/customers"),)),
    Stage("clean-transactions", inputs=(("--input", "{lakehouse}/raw/transactions"),)),
    Stage("clean-interactions", inputs=(("--input", "{lakehouse}/raw/interactions"),)),
    Stage("build-features", date_option="--as-of"),
    Stage("build-social-features", date_option="--as-of"),
    # The weekly retraining branch: every night the jar decides, from gold/segment_models, whether a model is due
    # (none yet, or the current one trained on a snapshot kindred.segments.retrain-interval-days or more before the
    # night): it trains then and otherwise logs that the model in force stays. Deciding in the job keeps the DAG free
    # of I/O and a backfill or rerun of a night makes the same decision the night made.
    Stage("train-segments", date_option="--as-of", inputs=(("--if-due", ""),)),
    Stage("score-segments"),
    Stage("publish-audiences"),
    Stage("measure-audiences"),
    # Last: the files the night's MERGEs and replaced days left unused, once older than kindred.vacuum.retention-hours
    # (a week), are deleted, and with them personal data the tables no longer hold.
    Stage("vacuum"),
]


def _setting(variable: str, env: str | None, default: str) -> str:
    """A Jinja expression for an Airflow Variable, defaulting to the environment or ``default``.

    Rendered when a task runs, so parsing the DAG file reads no Variable (no I/O at the top level).
    """
    fallback = os.environ.get(env, default) if env else default
    return "{{ var.value.get(%r, %r) }}" % (variable, fallback)


JAR = _setting("kindred_jar", "KINDRED_JAR", str(REPO / "jobs" / "target" / "kindred-jobs.jar"))
LAKEHOUSE = _setting("kindred_lakehouse", "KINDRED_LAKEHOUSE", str(REPO / "lakehouse"))
CONFIG = _setting("kindred_config", "KINDRED_CONFIG", str(REPO / "conf" / "local.conf"))
SPARK_PROPERTIES = _setting("kindred_spark_properties", None, "")
SPARK_CONN_ID = os.environ.get("KINDRED_SPARK_CONN_ID", "spark_default")
START_DATE = pendulum.parse(os.environ.get("KINDRED_START_DATE", "2026-11-01"), tz="UTC")

DEFAULT_ARGS = {
    "owner": "kindred",
    "depends_on_past": False,
    "retries": 2,
    "retry_delay": timedelta(minutes=10),
    "execution_timeout": timedelta(hours=4),
}


def application_args(stage: Stage) -> list[str]:
    """The jar's command line for ``stage`` (templated): the contract with the jar's own parser."""
    args = [stage.command, stage.date_option, "{{ ds }}", "--lakehouse", LAKEHOUSE, "--config", CONFIG]
    for option, value in stage.inputs:
        args += [option, value.format(lakehouse=LAKEHOUSE)] if value else [option]  # "" marks a flag
    return args


def stage_task(stage: Stage) -> SparkSubmitOperator:
    """The task that submits one stage to the cluster (inside a ``with DAG(...)`` block)."""
    return SparkSubmitOperator(
        task_id=stage.task_id,
        conn_id=SPARK_CONN_ID,
        application=JAR,
        java_class=MAIN_CLASS,
        application_args=application_args(stage),
        name=f"kindred {stage.command} {{{{ ds }}}}",
        properties_file=SPARK_PROPERTIES,
        deploy_mode="client",
        verbose=False,
    )


def nightly_dag(stages: list[Stage] = STAGES, dag_id: str = DAG_ID) -> DAG:
    """The nightly DAG: one task per stage, chained in the given order."""
    with DAG(
        dag_id=dag_id,
        description="Kindred nightly: clean raw feeds, features, scores, audiences (spark-submit of the jar)",
        doc_md=__doc__,
        schedule=CronDataIntervalTimetable("0 0 * * *", timezone="UTC"),
        start_date=START_DATE,
        catchup=True,
        max_active_runs=1,
        default_args=DEFAULT_ARGS,
        tags=["kindred", "spark"],
    ) as dag:
        previous = None
        for stage in stages:
            task = stage_task(stage)
            if previous is not None:
                previous >> task
            previous = task
    return dag


dag = nightly_dag()

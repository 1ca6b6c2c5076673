"""The whole nightly DAG end to end: dag.test() of kindred_nightly itself (every stage a spark-submit of the jar to the
standalone cluster, a SQLite metadata database in a temp AIRFLOW_HOME) on a small generated lakehouse; then the next
night, which measures the first night's audiences; then an export, the report and the marketers' notebook on it.

The lakehouse is prepared the way a deployment starts: `kindred generate` writes the raw feeds (every night's folder
up to the second night), and one backfill submit per cleaning command cleans the days before the first night.

That a rerun of any one stage leaves its tables as one run left them is each job's own test (CleanTransactionsJobTest,
CleanCustomersJobTest, CleanInteractionsJobTest, IncrementalCleaningTest, BuildFeaturesCdnowTest,
BuildSocialFeaturesJobTest, SegmentsJobTest), and so is a rerun of an older night's scoring and publishing after a
newer one, which must leave the published tables as the newer night left them (SegmentsJobTest: activation never
goes back in time): here every stage is a cluster submit of a minute."""

from __future__ import annotations

import csv
import hashlib
from datetime import date, timedelta

import pendulum
import pytest

from kindred_harness import lake as lake_reader
from kindred_harness.jar import spark_submit

FIRST = date(2026, 11, 21)
SECOND = FIRST + timedelta(days=1)
DAYS = 56
CUSTOMERS = 400

# Columns that name the run that wrote a row, or when: they differ between two runs of the same night by design.
RUN_COLUMNS = {"run_id", "ingestion_run_id", "scored_at", "published_at", "computed_at", "fitted_at", "trained_at"}

# Tables one night writes, and the column that says which night a row belongs to.
NIGHTLY_TABLES = {
    "silver/transactions": "ingest_day",
    "silver/customers": None,
    "silver/interactions": None,
    "silver/follows": None,
    "quarantine/transactions": "run_date",
    "quarantine/customers": "run_date",
    "quarantine/interactions": "run_date",
    "gold/customer_features": "as_of",
    "gold/customer_state": "as_of",
    "gold/social_features": "as_of",
    "gold/segment_models": None,
    "gold/segment_model_sweeps": None,
    "gold/customer_segments": None,
    "gold/segment_membership_changes": "change_date",
    "gold/segment_profiles": "as_of",
    "gold/audiences": "as_of",
    "gold/audience_membership": None,
    "gold/audience_lift": "as_of",
}


@pytest.fixture(scope="module")
def nightly_lake(airflow_db, spark_cluster, jar, tmp_path_factory):
    """A lakehouse with DAYS of raw feeds up to SECOND and silver cleaned up to the day before FIRST."""
    root = tmp_path_factory.mktemp("nightly")
    lake = root / "lake"
    conf = root / "e2e.conf"
    # Short history: the churn model needs two horizons of it (as the demo shortens it too). One start per k and k in
    # 3..4 for the segmentation: this test is about the DAG, and every fit is a cluster job. Two shuffle partitions:
    # the test cluster has one executor core (cluster.conf's advice: 2-3 x the executor cores).
    conf.write_text('kindred { features.churn.horizon-days = 14, segments.restarts = 1, segments.k-min = 3, '
                    'segments.k-max = 4, spark.conf { "spark.sql.shuffle.partitions" = "2" } }\n', encoding="utf-8")
    common = ["--lakehouse", str(lake), "--config", str(conf)]
    master = spark_cluster.state.master_url

    generated = spark_submit(master, ["generate", "--run-date", SECOND.isoformat(), *common, "--customers",
                                      str(CUSTOMERS), "--days", str(DAYS), "--seed", "11"])
    assert generated.returncode == 0, generated.stderr[-4000:]
    first_day = SECOND - timedelta(days=DAYS - 1)
    for command, feed in (("clean-customers", "customers"), ("clean-transactions", "transactions"),
                          ("clean-interactions", "interactions")):
        backfill = spark_submit(master, [command, "--run-date", (FIRST - timedelta(days=1)).isoformat(),
                                         "--from-date", first_day.isoformat(), "--input", str(lake / "raw" / feed),
                                         *common])
        assert backfill.returncode == 0, f"{command}:\n{backfill.stderr[-4000:]}"
    return lake, conf


@pytest.fixture()
def airflow_env(nightly_lake, spark_cluster, jar, monkeypatch):
    lake, conf = nightly_lake
    port = spark_cluster.state.master_url.rsplit(":", 1)[1]
    monkeypatch.setenv("AIRFLOW_CONN_SPARK_DEFAULT", '{"conn_type": "spark", "host": "127.0.0.1", "port": %s}' % port)
    monkeypatch.setenv("AIRFLOW_VAR_KINDRED_JAR", str(jar))
    monkeypatch.setenv("AIRFLOW_VAR_KINDRED_LAKEHOUSE", str(lake))
    monkeypatch.setenv("AIRFLOW_VAR_KINDRED_CONFIG", str(conf))
    return lake


def _run_nightly(day: date, from_task: str | None = None):
    """dag.test() of the nightly DAG for ``day``: every stage, or ``from_task`` and the stages after it."""
    from kindred_nightly import dag

    if from_task:
        dag = dag.partial_subset(task_ids=[from_task], include_downstream=True, include_upstream=False)

    # A failed task here is a failed test, at once: dag.test() would otherwise wait out the DAG's retry delays
    # (2 x 10 minutes) before reporting it.
    for task in dag.tasks:
        task.retries = 0
    run = dag.test(logical_date=pendulum.datetime(day.year, day.month, day.day, tz="UTC"))
    states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
    return run, states


def _content(lake, table: str) -> list[tuple]:
    """A table's rows without the run columns, sorted: what two runs of the same night must agree on."""
    frame = lake_reader.table(lake, table)
    columns = [c for c in frame.columns if c not in RUN_COLUMNS]
    return sorted((tuple(str(v) for v in row) for row in frame.select(*columns).collect()))


def _buyers_by(lake, day: date) -> set[str]:
    """Customers with a purchase dated and delivered by ``day``, counted here from silver/transactions."""
    frame = lake_reader.table(lake, "silver/transactions")
    return {r[0] for r in frame.where(f"NOT is_return AND transaction_date <= DATE'{day}' "
                                       f"AND ingest_day <= DATE'{day}'").select("customer_id").distinct().collect()}


def _consenting_at(lake, day: date) -> dict[str, tuple[str | None, str | None]]:
    """Customers whose marketing consent is given at the end of ``day`` (their silver/customers version then), with
    the SHA-256 of their e-mail and phone computed here."""
    end = f"TIMESTAMP'{day + timedelta(days=1)} 00:00:00'"
    frame = lake_reader.table(lake, "silver/customers").where(
        f"valid_from < {end} AND (valid_to IS NULL OR valid_to >= {end}) AND marketing_consent")

    def sha(value):
        return hashlib.sha256(value.strip().lower().encode("utf-8")).hexdigest() if value else None

    return {r["customer_id"]: (sha(r["email"]), hashlib.sha256(r["phone"].encode("utf-8")).hexdigest()
                               if r["phone"] else None)
            for r in frame.select("customer_id", "email", "phone").collect()}


def _check_segments_and_audiences(lake, day: date, buyers: set[str]) -> None:
    """Every buyer scored; the night's audiences hold exactly the consenting buyers, with the hashes computed here."""
    scored = lake_reader.rows(lake, "gold/customer_segments", ["customer_id"])
    assert {c for (c,) in scored} == buyers
    unnamed = lake_reader.table(lake, "gold/customer_segments").where("segment_name IS NULL OR segment_id IS NULL")
    assert unnamed.count() == 0
    audiences = lake_reader.table(lake, "gold/audiences").where(f"as_of = DATE'{day}'")
    consenting = _consenting_at(lake, day)
    members = {(r["customer_id"], r["email_sha256"], r["phone_sha256"])
               for r in audiences.select("customer_id", "email_sha256", "phone_sha256").collect()}
    assert {c for c, _, _ in members} == buyers & set(consenting)
    assert members == {(c, *consenting[c]) for c in buyers & set(consenting)}
    types = {t for (t,) in lake_reader.rows(lake, "gold/audiences", ["audience_type"], f"as_of = DATE'{day}'")}
    assert {"segment", "rfm"} <= types
    # each customer is in the audience of its own segment
    in_own = audiences.where("audience_type = 'segment'").select("customer_id", "audience").collect()
    segment_of = {c: n for c, n in lake_reader.rows(lake, "gold/customer_segments", ["customer_id", "segment_name"])}
    assert {(r["customer_id"], r["audience"]) for r in in_own} == \
           {(c, f"segment: {segment_of[c]}") for c in buyers & set(consenting)}


def _export_matches_the_audience(lake, conf, master: str, day: date) -> None:
    """export-audience submitted to the cluster writes the treatment group of the audience's rows of gold/audiences,
    sorted by customer."""
    (audience, size), = lake_reader.table(lake, "gold/audiences").where(
        f"as_of = DATE'{day}' AND audience_type = 'segment'").groupBy("audience").count() \
        .orderBy("count", ascending=False).limit(1).collect()
    out = lake.parent / "export" / "audience.csv"
    exported = spark_submit(master, ["export-audience", "--run-date", day.isoformat(), "--lakehouse", str(lake),
                                     "--config", str(conf), "--audience", audience, "--format", "csv",
                                     "--out", str(out)])
    assert exported.returncode == 0, exported.stderr[-4000:]
    with out.open(encoding="utf-8", newline="") as f:
        rows = [tuple(r.values()) for r in csv.DictReader(f)]
    from pyspark.sql.functions import col

    members = lake_reader.table(lake, "gold/audiences").where(f"as_of = DATE'{day}'").where(col("audience") == audience)
    # the treatment group: the control group (about a tenth) is kept from contact
    treatment = members.where(col("audience_group") == "treatment")
    expected = sorted((r["customer_id"], r["email_sha256"] or "", r["phone_sha256"] or "") for r in treatment.collect())
    assert 0 < size - len(rows) < size / 4, (size, len(rows))
    assert rows == expected


def test_nightly_dag_runs_two_nights(airflow_env, nightly_lake, spark_cluster):
    import kindred_nightly

    lake = airflow_env
    stages = [stage.task_id for stage in kindred_nightly.STAGES]

    run, states = _run_nightly(FIRST)
    assert str(run.state) == "success", states
    assert states == {task: "success" for task in stages}
    first = {table: _content(lake, table) for table in NIGHTLY_TABLES}

    buyers = _buyers_by(lake, FIRST)
    assert len(buyers) > CUSTOMERS // 2
    features = lake_reader.rows(lake, "gold/customer_features", ["customer_id"], f"as_of = DATE'{FIRST}'")
    assert {c for (c,) in features} == buyers
    social_missing = lake_reader.table(lake, "gold/customer_features").where(
        f"as_of = DATE'{FIRST}' AND (influence IS NULL OR followers IS NULL OR community_id IS NULL)").count()
    assert social_missing == 0
    _check_segments_and_audiences(lake, FIRST, buyers)
    models = lake_reader.rows(lake, "gold/segment_models", ["version", "as_of"])
    assert {as_of for _, as_of in models} == {FIRST}, "the first night trains the first model"

    run, states = _run_nightly(SECOND)
    assert str(run.state) == "success", states
    second = {table: _content(lake, table) for table in NIGHTLY_TABLES}
    for table, night_column in NIGHTLY_TABLES.items():
        if night_column:
            # the second night leaves the first night's rows exactly as the first night wrote them
            kept = [c for c in lake_reader.table(lake, table).columns if c not in RUN_COLUMNS].index(night_column)
            assert [r for r in second[table] if r[kept] == str(FIRST)] == \
                   [r for r in first[table] if r[kept] == str(FIRST)], table
    features = lake_reader.rows(lake, "gold/customer_features", ["customer_id"], f"as_of = DATE'{SECOND}'")
    assert {c for (c,) in features} == _buyers_by(lake, SECOND)
    _check_segments_and_audiences(lake, SECOND, _buyers_by(lake, SECOND))
    # measure-audiences: each of the first night's audiences a day on, in three metrics, each group's customers
    lift = lake_reader.rows(lake, "gold/audience_lift", ["audience", "cohort_date", "days_observed", "metric",
                                                         "treatment_customers", "control_customers"],
                            f"as_of = DATE'{SECOND}'")
    groups = lake_reader.table(lake, "gold/audiences").where(f"as_of = DATE'{FIRST}'") \
        .groupBy("audience").pivot("audience_group", ["treatment", "control"]).count().collect()
    # (the change in CLV counts the customers with features on both nights: every buyer of the first night here)
    assert lift == {(g["audience"], FIRST, 1, metric, g["treatment"] or 0, g["control"] or 0) for g in groups
                    for metric in ("conversion_rate", "purchases_per_customer", "net_revenue_per_customer",
                                   "clv_change_per_customer")}
    # a day after the first model: not due, the model in force scores the second night
    assert lake_reader.rows(lake, "gold/segment_models", ["version", "as_of"]) == models
    _, conf = nightly_lake
    _export_matches_the_audience(lake, conf, spark_cluster.state.master_url, SECOND)
    _report_shows_every_section(lake, conf, spark_cluster.state.master_url, SECOND)
    # The marketers' notebook runs on this lakehouse, and its count of customers is the one counted here.
    _notebook_reports(lake, SECOND, len(_buyers_by(lake, SECOND)))


def _report_shows_every_section(lake, conf, master: str, day: date) -> None:
    """kindred report submitted to the cluster writes one HTML file with every section and its charts."""
    out = lake.parent / "report" / "report.html"
    result = spark_submit(master, ["report", "--run-date", day.isoformat(), "--lakehouse", str(lake), "--config",
                                   str(conf), "--out", str(out)])
    assert result.returncode == 0, result.stderr[-4000:]
    html = out.read_text(encoding="utf-8")
    churn_nights = (lake / "gold" / "churn_models" / "_delta_log").is_dir() and \
        len(lake_reader.rows(lake, "gold/churn_models", ["as_of"], f"as_of <= DATE'{day}'"))
    charts = {}
    for section in ("segments", "rfm", "movement", "clv", "churn", "social", "lift", "quality"):
        start = html.index(f'<section id="{section}">')
        charts[section] = html[start:html.index("</section>", start)].count("<svg ")
    measured = lake_reader.table(lake, "gold/audience_lift").where(
        f"as_of = DATE'{day}' AND status = 'measured'").count()
    # movement: a flow chart and a matrix per window (7 and 30 nights); lifetime value: the boxes and the P(alive)
    # grid (the DAG runs no holdout check: a sentence stands for that chart)
    assert charts == {"segments": 3, "rfm": 1, "movement": 4, "clv": 2, "churn": 2 if churn_nights else 0,
                      "social": 1, "lift": 1 if measured else 0, "quality": 1}
    assert [p.name for p in out.parent.iterdir()] == ["report.html"], "nothing but the report is left behind"


def _notebook_reports(lake, day: date, customers: int) -> None:
    import papermill

    from kindred_harness.paths import REPO

    out = lake.parent / "kindred_customers.out.ipynb"
    papermill.execute_notebook(str(REPO / "notebooks" / "kindred_customers.ipynb"), str(out), kernel_name="python3",
                               cwd=str(REPO / "notebooks"), progress_bar=False,
                               parameters={"LAKEHOUSE": str(lake), "AS_OF": day.isoformat()})
    text = out.read_text(encoding="utf-8")
    assert f"customers with a purchase by {day}: {customers:,}" in text
    # every section of the report is in the notebook, drawn by the jar
    for section in ("segments", "rfm", "movement", "clv", "churn", "social", "lift", "quality"):
        assert f'<section id=\\"{section}\\">' in text, section
    assert text.count("<svg ") >= 8, "the report's charts in the notebook"
    assert '"output_type": "error"' not in text

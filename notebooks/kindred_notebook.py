"""Helpers of Kindred's notebooks: a quiet Spark session with the Kindred jar, the report's own sections, and tables
a marketer reads.

The charts are the report's: ``section`` asks the jar's ``ReportCommand.notebookSections`` (through PySpark's JVM
gateway) for the same sections ``kindred report`` writes, drawn by the same code, so a notebook and the report never
disagree. Tables use the report's formats too (``io.kindred.report.Readable``): column names as words, money with its
currency and thousands separators, shares as percentages. The tables are registered under the plain names of
``kindred sql`` (``customer_features``, ``segment_profiles``, ...; ``<name>_history`` for every night).

    spark = kn.session()
    night = kn.open_lakehouse(spark, "../demo-lakehouse")
    kn.section(spark, "../demo-lakehouse", night, "segments")
    kn.table(spark.sql("SELECT segment_name, customers, clv_mean FROM segment_profiles"), money=["clv_mean"])
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_JAR = REPO / "jobs" / "target" / "kindred-jobs.jar"
# The report's sections, in its order (ReportCommand.SECTIONS).
SECTIONS = ("segments", "rfm", "movement", "clv", "churn", "social", "lift", "quality")
CURRENCY = "USD"
# Where the notebooks' Spark driver logs (its standard error).
SPARK_LOG = Path(os.environ.get("KINDRED_NOTEBOOK_LOG", Path.cwd() / "spark-driver.log"))


def session(jar: str | os.PathLike | None = None, master: str | None = None):
    """A local SparkSession with Delta Lake and the Kindred jar, its log in ``spark-driver.log`` (``$KINDRED_NOTEBOOK_LOG``)
    instead of a red block of warnings under the cell.

    ``jar``: the shaded jar (default ``$KINDRED_JAR``, else ``jobs/target/kindred-jobs.jar``); it carries Delta Lake
    and the report's code. ``master``: default ``$KINDRED_NOTEBOOK_MASTER``, else ``local[2]``.
    """
    from pyspark.sql import SparkSession

    path = Path(jar or os.environ.get("KINDRED_JAR") or DEFAULT_JAR).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"The Kindred jar {path} is missing: build it with `mvn -B -DskipTests package` "
                                f"(./kindred demo does), or set KINDRED_JAR")
    builder = (SparkSession.builder.appName("kindred-notebook")
               .master(master or os.environ.get("KINDRED_NOTEBOOK_MASTER", "local[2]"))
               .config("spark.jars", str(path))
               .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
               .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
               .config("spark.sql.shuffle.partitions", "4")
               .config("spark.ui.showConsoleProgress", "false"))
    # The driver JVM starts here and keeps the standard error it is given: its log goes to a file, not in red under
    # the cell (a failing query still raises its error in the notebook).
    log = open(SPARK_LOG, "ab")
    saved = os.dup(2)
    try:
        os.dup2(log.fileno(), 2)
        spark = builder.getOrCreate()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        log.close()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _jvm(spark):
    return spark.sparkContext._jvm


def open_lakehouse(spark, lakehouse: str | os.PathLike, night: str | None = None) -> str:
    """Registers the lakehouse's tables under ``kindred sql``'s plain names; returns the night to look at.

    ``night`` (yyyy-mm-dd): default the latest night of ``customer_features``.
    """
    jvm = _jvm(spark)
    root = jvm.io.kindred.lake.Location.parse(str(lakehouse))
    registered = jvm.io.kindred.lake.SqlCatalog.register(spark._jsparkSession, jvm.io.kindred.lake.Lakehouse(root))
    names = [registered.get(i).name() for i in range(registered.size())]
    if "customer_features" not in names:
        raise ValueError(f"{lakehouse} holds no gold/customer_features: run the nightly pipeline (./kindred demo) "
                         f"or point LAKEHOUSE at a Kindred lakehouse")
    if night is None:
        night = str(spark.sql("SELECT max(as_of) FROM customer_features_history").first()[0])
    return night


def section(spark, lakehouse: str | os.PathLike, night: str, *ids: str):
    """The report's sections ``ids`` (of SECTIONS; none: all) of the night, as the report draws them."""
    from IPython.display import HTML

    unknown = [i for i in ids if i not in SECTIONS]
    if unknown:
        raise ValueError(f"Unknown report section {unknown[0]!r}; expected one of {', '.join(SECTIONS)}")
    html = _jvm(spark).io.kindred.jobs.ReportCommand.notebookSections(spark._jsparkSession, str(lakehouse),
                                                                      str(night), ",".join(ids))
    return HTML(html)


def words(spark, name: str) -> str:
    """A column name as the report writes it: ``churn_probability_mean`` gives ``Churn probability mean``."""
    return _jvm(spark).io.kindred.report.Readable.words(name)


def money(spark, amount, currency: str = CURRENCY) -> str:
    """``$1,234`` from 1,000 up, ``$12.50`` below; ``-`` for none."""
    return "-" if amount is None else _jvm(spark).io.kindred.report.Readable.money(float(amount), currency)


def percent(spark, share) -> str:
    """A share in [0, 1] as ``32.3%``; ``-`` for none."""
    return "-" if share is None else _jvm(spark).io.kindred.report.Readable.percent(float(share))


def count(spark, n) -> str:
    """A count with thousands separators; ``-`` for none."""
    return "-" if n is None else _jvm(spark).io.kindred.report.Readable.count(int(n))


def table(df, rows: int = 20, money: Iterable[str] = (), percent: Iterable[str] = (),
          counts: Iterable[str] = ()):
    """The first ``rows`` rows of a Spark DataFrame as a table a marketer reads (a pandas Styler; its ``data`` is the
    DataFrame): headers as words, the ``money`` columns in USD with separators, the ``percent`` columns (shares in
    [0, 1]) as percentages, the ``counts`` with separators; other values as they are; no row numbers."""
    spark = df.sparkSession
    money, percent, counts = set(money), set(percent), set(counts)
    missing = (money | percent | counts) - set(df.columns)
    if missing:
        raise ValueError(f"Columns {sorted(missing)} are not in the table's columns {df.columns}")
    out = df.limit(rows).toPandas()
    for column in out.columns:
        if column in money:
            out[column] = [globals()["money"](spark, v) for v in out[column]]
        elif column in percent:
            out[column] = [globals()["percent"](spark, v) for v in out[column]]
        elif column in counts:
            out[column] = [globals()["count"](spark, v) for v in out[column]]
    out.columns = [words(spark, c) for c in out.columns]
    # no row numbers: a marketer reads the table, not pandas' index
    return out.style.hide(axis="index")

"""Reading the lakehouse's Delta tables from the tests, independently of the jobs that wrote them: a local PySpark
session in the test process (one core), with Delta Lake from the shaded jar (the same Delta the jobs run with), so
nothing is downloaded."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from kindred_harness.jar import require_jar
from kindred_harness.paths import spark_env


@cache
def session():
    """One local[1] SparkSession per test process, with Delta's extension and catalog."""
    import os

    os.environ.update({k: v for k, v in spark_env().items() if k in ("SPARK_HOME", "SPARK_LOCAL_IP")})
    from pyspark.sql import SparkSession

    return (SparkSession.builder.master("local[1]").appName("kindred-tests-reader")
            .config("spark.jars", str(require_jar()))
            .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
            .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
            .config("spark.sql.shuffle.partitions", "1")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.memory", "1g")
            .getOrCreate())


def table(lakehouse: Path, name: str):
    """The Delta table ``<lakehouse>/<name>`` (e.g. ``gold/customer_features``) as a DataFrame."""
    return session().read.format("delta").load(str(lakehouse / name))


def rows(lakehouse: Path, name: str, columns: list[str], where: str | None = None) -> set[tuple]:
    """The distinct tuples of ``columns`` in a table, optionally filtered by a SQL condition."""
    frame = table(lakehouse, name)
    if where:
        frame = frame.where(where)
    return {tuple(r) for r in frame.select(*columns).collect()}


def version(lakehouse: Path, name: str) -> int:
    """The table's latest Delta version (its number of commits minus one)."""
    return session().sql(f"DESCRIBE HISTORY delta.`{lakehouse / name}` LIMIT 1").collect()[0]["version"]

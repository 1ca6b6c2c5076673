"""Delta Lake as the shaded jar carries it, on the pinned PySpark's Spark, with a real executor doing the writes.

The jar's shade plugin leaves out what Spark ships (Spark, Hadoop, Parquet, Jackson core, ...) and keeps Delta and
its kernel: this checks that the two halves fit at run time (a write, a MERGE and a read through the driver and an
executor on the standalone worker), which is what every stage does on a cluster. Notebooks can use the same jar as
their Delta (spark.jars), so they read the tables with exactly the jobs' Delta version.
"""

from __future__ import annotations

import logging

import pytest


@pytest.fixture()
def delta_session(spark_cluster, jar):
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master(spark_cluster.state.master_url).appName("kindred delta check")
             .config("spark.jars", str(jar))
             .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
             .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
             .config("spark.ui.enabled", "false")
             .config("spark.executor.memory", "1g")
             .config("spark.sql.shuffle.partitions", "2")
             .config("spark.databricks.delta.snapshotPartitions", "2")
             .getOrCreate())
    try:
        yield spark
    finally:
        spark.stop()
        # py4j logs from finalizers at interpreter exit, after pytest closed the streams it captured.
        logging.getLogger("py4j").setLevel(logging.WARNING)


def test_delta_write_merge_read_on_the_cluster(delta_session, tmp_path):
    spark = delta_session
    path = str(tmp_path / "customers")
    spark.createDataFrame([("C00000001", 10), ("C00000002", 20)], "customer_id string, orders int") \
        .write.format("delta").save(path)

    spark.createDataFrame([("C00000002", 21), ("C00000003", 30)], "customer_id string, orders int") \
        .createOrReplaceTempView("updates")
    spark.sql(f"""MERGE INTO delta.`{path}` t USING updates s ON t.customer_id = s.customer_id
                  WHEN MATCHED THEN UPDATE SET orders = s.orders WHEN NOT MATCHED THEN INSERT *""")

    rows = sorted(tuple(r) for r in spark.read.format("delta").load(path).collect())
    assert rows == [("C00000001", 10), ("C00000002", 21), ("C00000003", 30)]
    operations = [r["operation"] for r in spark.sql(f"DESCRIBE HISTORY delta.`{path}`").orderBy("version").collect()]
    assert operations == ["WRITE", "MERGE"]
    executors = spark.sparkContext._jsc.sc().getExecutorMemoryStatus().size()
    assert executors == 2, "expected the driver and one executor on the worker"

package io.kindred.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kindred.lake.Lakehouse;
import io.kindred.lake.Location;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.RunMetricsColumns;
import io.kindred.testing.SharedSpark;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunMetricsTest {

  private static RunMetrics metrics() {
    return new RunMetrics("clean-transactions", "run-1", LocalDate.of(2026, 11, 22),
        Instant.parse("2026-11-23T01:00:00Z"));
  }

  @Test
  void balancedRunPassesTheCheck() {
    RunMetrics metrics = metrics().addRowsIn(10).addRowsWritten(6).addQuarantined("bad_timestamp", 2)
        .addQuarantined("malformed_record", 1).addDuplicatesDropped(1);

    metrics.requireBalanced();

    assertEquals(3, metrics.rowsQuarantined());
    assertEquals("rows in 10, written 6, quarantined 3 (bad_timestamp=2, malformed_record=1), duplicates dropped 1",
        metrics.summary());
  }

  @Test
  void unbalancedRunNamesEveryFigure() {
    RunMetrics metrics = metrics().addRowsIn(10).addRowsWritten(6).addQuarantined("bad_timestamp", 2);

    IllegalStateException e = assertThrows(IllegalStateException.class, metrics::requireBalanced);

    assertEquals("Row accounting of clean-transactions run run-1 does not balance: rows in 10 != written 6 + "
        + "quarantined 2 {bad_timestamp=2} + duplicates dropped 0 (= 8)", e.getMessage());
  }

  @Test
  void writeAppendsOneRowPerRun(@TempDir Path dir) {
    SparkSession spark = SharedSpark.session();
    Lakehouse lake = new Lakehouse(Location.of(dir));
    RunMetrics first = metrics().addRowsIn(3).addRowsWritten(2).addQuarantined("bad_timestamp", 1)
        .detail("source", "generated");

    first.write(spark, lake, RunMetrics.Status.SUCCEEDED, Instant.parse("2026-11-23T01:00:02.5Z"),
        Map.of("read", 1500L, "write", 1000L), null);
    metrics().write(spark, lake, RunMetrics.Status.FAILED, Instant.parse("2026-11-23T01:00:01Z"), Map.of(),
        "input missing");

    List<Row> rows = lake.read(spark, Tables.RUN_METRICS).orderBy(RunMetricsColumns.STATUS).collectAsList();
    assertEquals(2, rows.size());
    Row failed = rows.get(0);
    Row succeeded = rows.get(1);
    assertEquals("failed", failed.getAs(RunMetricsColumns.STATUS));
    assertEquals("input missing", failed.getAs(RunMetricsColumns.MESSAGE));
    assertEquals(1000L, (long) failed.getAs(RunMetricsColumns.DURATION_MS));
    assertEquals("succeeded", succeeded.getAs(RunMetricsColumns.STATUS));
    assertEquals(2500L, (long) succeeded.getAs(RunMetricsColumns.DURATION_MS));
    assertEquals(3L, (long) succeeded.getAs(RunMetricsColumns.ROWS_IN));
    assertEquals(1L, (long) succeeded.getAs(RunMetricsColumns.ROWS_QUARANTINED));
    assertEquals(Map.of("bad_timestamp", 1L),
        succeeded.getJavaMap(succeeded.fieldIndex(RunMetricsColumns.QUARANTINED_BY_REASON)));
    assertEquals(Map.of("read", 1500L, "write", 1000L),
        succeeded.getJavaMap(succeeded.fieldIndex(RunMetricsColumns.STEP_DURATIONS_MS)));
    assertEquals(Map.of("source", "generated"),
        succeeded.getJavaMap(succeeded.fieldIndex(RunMetricsColumns.DETAILS)));
    assertEquals(java.sql.Date.valueOf("2026-11-22"), succeeded.getAs(RunMetricsColumns.RUN_DATE));
  }
}

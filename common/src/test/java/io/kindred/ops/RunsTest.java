package io.kindred.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunsTest {

  private static final LocalDate DAY = LocalDate.of(2026, 11, 22);

  private static RunMetrics run(String runId, String startedAt) {
    return run(runId, Instant.parse(startedAt));
  }

  /** A run started at {@code startedAt}; one of this process has a time after the process's own start. */
  private static RunMetrics run(String runId, Instant startedAt) {
    return new RunMetrics("clean-transactions", runId, DAY, startedAt);
  }

  private static Row only(SparkSession spark, Lakehouse lake, String runId) {
    List<Row> rows = lake.read(spark, Tables.RUN_METRICS).where(RunMetricsColumns.RUN_ID + " = '" + runId + "'")
        .collectAsList();
    assertEquals(1, rows.size(), "one row per run");
    return rows.get(0);
  }

  /** The id of a process of this host that has ended. */
  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    long pid = p.pid();
    assertTrue(ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
    return pid;
  }

  /** Appends a running row of {@code metrics} as if the process {@code pid} of this host had started it. */
  private static void appendRunning(SparkSession spark, Lakehouse lake, RunMetrics metrics, long pid) {
    lake.createIfNotExists(spark, Tables.RUN_METRICS);
    spark.createDataFrame(List.of(metrics.toRow(Runs.RUNNING, null, Map.of(), null, Runs.thisHost(), pid)),
        Tables.RUN_METRICS.schema()).write().format("delta").mode("append")
        .save(lake.location(Tables.RUN_METRICS).uri());
  }

  @Test
  void aRunIsOnRecordFromItsStartAndItsRowIsReplacedAtItsEnd(@TempDir Path dir) {
    SparkSession spark = SharedSpark.session();
    Lakehouse lake = new Lakehouse(Location.of(dir));
    Instant now = Instant.now();
    RunMetrics first = run("run-1", now);

    Runs.start(spark, lake, first);

    Row running = only(spark, lake, "run-1");
    assertEquals("running", running.getAs(RunMetricsColumns.STATUS));
    assertNull(running.getAs(RunMetricsColumns.FINISHED_AT));
    assertNull(running.getAs(RunMetricsColumns.DURATION_MS));
    assertEquals(Runs.thisHost(), running.getAs(RunMetricsColumns.HOST));
    assertEquals(ProcessHandle.current().pid(), (long) running.getAs(RunMetricsColumns.PID));
    assertEquals("running", Runs.recent(spark, lake, null, 10).get(0).seenStatus(), "this process is alive");

    first.addRowsIn(3).addRowsWritten(2).addQuarantined("bad_timestamp", 1).detail("source", "generated");
    Runs.finish(spark, lake, first, RunMetrics.Status.SUCCEEDED, now.plusMillis(2500),
        Map.of("read", 1500L, "write", 1000L), null);
    RunMetrics second = run("run-2", now.plusSeconds(60));
    Runs.start(spark, lake, second);
    Runs.finish(spark, lake, second, RunMetrics.Status.FAILED, now.plusSeconds(61), Map.of(),
        "input missing");

    assertEquals(2, lake.read(spark, Tables.RUN_METRICS).count());
    Row succeeded = only(spark, lake, "run-1");
    assertEquals("succeeded", succeeded.getAs(RunMetricsColumns.STATUS));
    assertEquals(2500L, (long) succeeded.getAs(RunMetricsColumns.DURATION_MS));
    assertEquals(3L, (long) succeeded.getAs(RunMetricsColumns.ROWS_IN));
    assertEquals(2L, (long) succeeded.getAs(RunMetricsColumns.ROWS_WRITTEN));
    assertEquals(1L, (long) succeeded.getAs(RunMetricsColumns.ROWS_QUARANTINED));
    assertEquals(Map.of("bad_timestamp", 1L),
        succeeded.getJavaMap(succeeded.fieldIndex(RunMetricsColumns.QUARANTINED_BY_REASON)));
    assertEquals(Map.of("read", 1500L, "write", 1000L),
        succeeded.getJavaMap(succeeded.fieldIndex(RunMetricsColumns.STEP_DURATIONS_MS)));
    assertEquals(Map.of("source", "generated"), succeeded.getJavaMap(succeeded.fieldIndex(RunMetricsColumns.DETAILS)));
    assertEquals(java.sql.Date.valueOf("2026-11-22"), succeeded.getAs(RunMetricsColumns.RUN_DATE));
    Row failed = only(spark, lake, "run-2");
    assertEquals("failed", failed.getAs(RunMetricsColumns.STATUS));
    assertEquals("input missing", failed.getAs(RunMetricsColumns.MESSAGE));
    assertEquals(1000L, (long) failed.getAs(RunMetricsColumns.DURATION_MS));

    List<Runs.Run> recent = Runs.recent(spark, lake, null, 10);
    assertEquals(List.of("run-2", "run-1"), recent.stream().map(Runs.Run::runId).toList(), "newest first");
    assertEquals("run-2", Runs.latest(spark, lake, "clean-transactions", DAY).orElseThrow().runId());
    assertTrue(Runs.latest(spark, lake, "clean-transactions", DAY.plusDays(1)).isEmpty());
  }

  @Test
  void aRunningRunWhoseProcessIsGoneIsAbandonedAndTheNextRunRecordsIt(@TempDir Path dir) throws Exception {
    SparkSession spark = SharedSpark.session();
    Lakehouse lake = new Lakehouse(Location.of(dir));
    appendRunning(spark, lake, run("killed", "2026-11-23T01:00:00Z"), deadPid());

    assertEquals("running", only(spark, lake, "killed").getAs(RunMetricsColumns.STATUS), "as stored");
    assertEquals("abandoned", Runs.recent(spark, lake, null, 10).get(0).seenStatus(), "as seen");

    RunMetrics next = run("next", Instant.now());
    Runs.start(spark, lake, next);
    Runs.requireSole(spark, lake, next);

    Row killed = only(spark, lake, "killed");
    assertEquals("abandoned", killed.getAs(RunMetricsColumns.STATUS));
    assertEquals("its process was gone when next started", killed.getAs(RunMetricsColumns.MESSAGE));
  }

  @Test
  void ofTwoRunsOfAJobTheOneThatStartedSecondRefusesNamingTheFirst(@TempDir Path dir) {
    SparkSession spark = SharedSpark.session();
    Lakehouse lake = new Lakehouse(Location.of(dir));
    // started later by the clock, but its start committed first: commit order decides
    Instant now = Instant.now();
    RunMetrics first = run("first", now.plusSeconds(5));
    RunMetrics second = run("second", now);
    Runs.start(spark, lake, first);
    Runs.start(spark, lake, second);

    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> Runs.requireSole(spark, lake, second));
    Runs.requireSole(spark, lake, first);

    assertEquals("Another clean-transactions is running on this lakehouse: run first (started "
        + java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(java.time.ZoneOffset.UTC)
        .format(now.plusSeconds(5)) + " UTC on " + Runs.thisHost() + ", pid " + ProcessHandle.current().pid() + "); one run of a "
        + "job at a time. Wait for it, or, if it is gone, record it as abandoned with "
        + "`kindred runs --abandon first`", refused.getMessage());
    // another job is no competitor
    RunMetrics other = new RunMetrics("build-features", "other", DAY, now.plusSeconds(9));
    Runs.start(spark, lake, other);
    Runs.requireSole(spark, lake, other);
  }

  @Test
  void aTableWrittenBeforeRunsWereRecordedAtTheirStartGainsTheNewColumns(@TempDir Path dir) {
    SparkSession spark = SharedSpark.session();
    Lakehouse lake = new Lakehouse(Location.of(dir));
    // the table as Kindred wrote it before: no host or pid, finished_at and duration_ms NOT NULL
    StructType old = new StructType(java.util.Arrays.stream(Tables.RUN_METRICS.schema().fields())
        .filter(f -> !f.name().equals(RunMetricsColumns.HOST) && !f.name().equals(RunMetricsColumns.PID))
        .map(f -> f.name().equals(RunMetricsColumns.FINISHED_AT) || f.name().equals(RunMetricsColumns.DURATION_MS)
            ? new StructField(f.name(), f.dataType(), false, f.metadata()) : f)
        .toArray(StructField[]::new));
    io.delta.tables.DeltaTable.create(spark).location(lake.location(Tables.RUN_METRICS).uri()).addColumns(old)
        .execute();
    Row oldRow = run("old", "2026-11-22T01:00:00Z").toRow("succeeded", Instant.parse("2026-11-22T01:00:01Z"),
        Map.of(), null, null, null);
    spark.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create(java.util.Arrays.copyOf(
        scala.jdk.javaapi.CollectionConverters.asJava(oldRow.toSeq()).toArray(), old.size()))), old)
        .write().format("delta").mode("append").save(lake.location(Tables.RUN_METRICS).uri());

    Runs.start(spark, lake, run("new", Instant.now()));

    assertEquals("running", only(spark, lake, "new").getAs(RunMetricsColumns.STATUS));
    Row kept = only(spark, lake, "old");
    assertEquals("succeeded", kept.getAs(RunMetricsColumns.STATUS));
    assertNull(kept.getAs(RunMetricsColumns.HOST));
    assertEquals(DataTypes.LongType, lake.read(spark, Tables.RUN_METRICS).schema()
        .apply(RunMetricsColumns.PID).dataType());
  }
}

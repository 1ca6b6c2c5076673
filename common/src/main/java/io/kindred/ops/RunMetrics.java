package io.kindred.ops;

import io.kindred.lake.Lakehouse;
import io.kindred.lake.Tables;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import scala.jdk.javaapi.CollectionConverters;

/**
 * What one run of a job did, written as one row of {@code ops/run_metrics}. A job that moves rows accounts for
 * every one of them: rows in = rows written + rows quarantined + duplicates dropped, checked by
 * {@link #requireBalanced()} before the row is written.
 */
public final class RunMetrics {

  /** Outcome of a run. */
  public enum Status {
    SUCCEEDED, FAILED;

    public String code() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final String job;
  private final String runId;
  private final LocalDate runDate;
  private final Instant startedAt;
  private long rowsIn;
  private long rowsWritten;
  private long duplicatesDropped;
  private final Map<String, Long> quarantinedByReason = new TreeMap<>();
  private final Map<String, String> details = new LinkedHashMap<>();

  public RunMetrics(String job, String runId, LocalDate runDate, Instant startedAt) {
    this.job = job;
    this.runId = runId;
    this.runDate = runDate;
    this.startedAt = startedAt;
  }

  public String job() {
    return job;
  }

  public String runId() {
    return runId;
  }

  public LocalDate runDate() {
    return runDate;
  }

  public Instant startedAt() {
    return startedAt;
  }

  public RunMetrics addRowsIn(long n) {
    rowsIn += n;
    return this;
  }

  public RunMetrics addRowsWritten(long n) {
    rowsWritten += n;
    return this;
  }

  public RunMetrics addDuplicatesDropped(long n) {
    duplicatesDropped += n;
    return this;
  }

  public RunMetrics addQuarantined(String reason, long n) {
    if (n != 0) {
      quarantinedByReason.merge(reason, n, Long::sum);
    }
    return this;
  }

  /** A free-form fact about the run (a source name, a model version, a count that is not a row count). */
  public RunMetrics detail(String key, Object value) {
    details.put(key, String.valueOf(value));
    return this;
  }

  public long rowsIn() {
    return rowsIn;
  }

  public long rowsWritten() {
    return rowsWritten;
  }

  public long duplicatesDropped() {
    return duplicatesDropped;
  }

  public long rowsQuarantined() {
    return quarantinedByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  public Map<String, Long> quarantinedByReason() {
    return Map.copyOf(quarantinedByReason);
  }

  public Map<String, String> details() {
    return Map.copyOf(details);
  }

  /**
   * Checks rows in = written + quarantined + duplicates dropped.
   *
   * @throws IllegalStateException naming every figure when they do not add up
   */
  public void requireBalanced() {
    long accounted = rowsWritten + rowsQuarantined() + duplicatesDropped;
    if (accounted != rowsIn) {
      throw new IllegalStateException("Row accounting of " + job + " run " + runId + " does not balance: rows in "
          + rowsIn + " != written " + rowsWritten + " + quarantined " + rowsQuarantined() + " "
          + quarantinedByReason + " + duplicates dropped " + duplicatesDropped + " (= " + accounted + ")");
    }
  }

  /** A one-line summary for the job's log. */
  public String summary() {
    String reasons = quarantinedByReason.isEmpty() ? "" : " " + quarantinedByReason.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ", "(", ")"));
    return "rows in " + rowsIn + ", written " + rowsWritten + ", quarantined " + rowsQuarantined() + reasons
        + ", duplicates dropped " + duplicatesDropped;
  }

  /** The metrics row as it is stored, for a run that ended at {@code finishedAt}. */
  public Row toRow(Status status, Instant finishedAt, Map<String, Long> stepDurationsMs, String message) {
    return RowFactory.create(job, runId, runDate == null ? null : java.sql.Date.valueOf(runDate),
        Timestamp.from(startedAt), Timestamp.from(finishedAt),
        finishedAt.toEpochMilli() - startedAt.toEpochMilli(), status.code(), rowsIn, rowsWritten,
        rowsQuarantined(), scalaMap(quarantinedByReason), duplicatesDropped, scalaMap(stepDurationsMs),
        scalaMap(details), message);
  }

  /** Appends the metrics row to {@code ops/run_metrics}, creating the table on first use. */
  public void write(SparkSession spark, Lakehouse lake, Status status, Instant finishedAt,
      Map<String, Long> stepDurationsMs, String message) {
    lake.createIfNotExists(spark, Tables.RUN_METRICS);
    spark.createDataFrame(List.of(toRow(status, finishedAt, stepDurationsMs, message)), Tables.RUN_METRICS.schema())
        .write().format("delta").mode("append").save(lake.location(Tables.RUN_METRICS).uri());
  }

  private static <V> scala.collection.Map<String, V> scalaMap(Map<String, V> map) {
    return CollectionConverters.asScala(new TreeMap<>(map));
  }
}

package io.kindred.ops;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * What one run of a job did, written as one row of {@code ops/run_metrics} by {@link Runs}. A job that moves rows accounts for
 * every one of them: rows in = rows written + rows quarantined + duplicates dropped + rows forgotten (records of
 * customers forgotten by {@code kindred forget}), checked by
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
  private long forgotten;
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

  /** Records dropped because their customer was forgotten. */
  public RunMetrics addForgotten(long n) {
    forgotten += n;
    return this;
  }

  public long forgotten() {
    return forgotten;
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
   * Checks rows in = written + quarantined + duplicates dropped + forgotten.
   *
   * @throws IllegalStateException naming every figure when they do not add up
   */
  public void requireBalanced() {
    long accounted = rowsWritten + rowsQuarantined() + duplicatesDropped + forgotten;
    if (accounted != rowsIn) {
      throw new IllegalStateException("Row accounting of " + job + " run " + runId + " does not balance: rows in "
          + rowsIn + " != written " + rowsWritten + " + quarantined " + rowsQuarantined() + " "
          + quarantinedByReason + " + duplicates dropped " + duplicatesDropped
          + (forgotten == 0 ? "" : " + forgotten " + forgotten) + " (= " + accounted + ")");
    }
  }

  /** A one-line summary for the job's log. */
  public String summary() {
    String reasons = quarantinedByReason.isEmpty() ? "" : " " + quarantinedByReason.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ", "(", ")"));
    return "rows in " + rowsIn + ", written " + rowsWritten + ", quarantined " + rowsQuarantined() + reasons
        + ", duplicates dropped " + duplicatesDropped + (forgotten == 0 ? "" : ", forgotten " + forgotten);
  }

  /**
   * The metrics row as {@code ops/run_metrics} stores it ({@link Runs} writes it).
   *
   * @param status a {@link Status} code, or {@link Runs#RUNNING} for the row of a run that has not ended
   * @param finishedAt when the run ended; null while it runs
   */
  public Row toRow(String status, Instant finishedAt, Map<String, Long> stepDurationsMs, String message,
      String host, Long pid) {
    return RowFactory.create(job, runId, runDate == null ? null : java.sql.Date.valueOf(runDate),
        Timestamp.from(startedAt), finishedAt == null ? null : Timestamp.from(finishedAt),
        finishedAt == null ? null : finishedAt.toEpochMilli() - startedAt.toEpochMilli(), status, rowsIn,
        rowsWritten, rowsQuarantined(), scalaMap(quarantinedByReason), duplicatesDropped, scalaMap(stepDurationsMs),
        scalaMap(details), message, host, pid, forgotten);
  }

  private static <V> scala.collection.Map<String, V> scalaMap(Map<String, V> map) {
    return CollectionConverters.asScala(new TreeMap<>(map));
  }
}

package io.kindred.ops;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.delta.tables.DeltaTable;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.Literals;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.RunMetricsColumns;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every run on record in {@code ops/run_metrics}: a run appends its row when it starts (status {@code running},
 * with the host and process id of its driver) and updates it when it ends ({@code succeeded} or {@code failed},
 * with its counts and message), so the table holds one row per run at every moment. A {@code running} row whose
 * process is gone (same host, no such process, or a process started after the run) is an {@code abandoned} run:
 * {@link #recent} shows it so, and the next run of the same job records it so.
 *
 * <p>The start rows also order concurrent runs of one job: each start is a Delta commit whose {@code userMetadata}
 * names the run, so of two runs whose rows are both {@code running}, the one whose start committed first holds the
 * job and the other refuses ({@link #requireSole}).
 */
public final class Runs {

  private static final Logger LOG = LoggerFactory.getLogger(Runs.class);
  private static final String START_COMMIT = "kindred run started: ";
  /** How many recent commits of the table are searched for a start commit; an older one started before ours. */
  private static final int START_COMMITS_SEARCHED = 200;
  private static final int ATTEMPTS = 5;
  private static final java.util.Set<String> CHECKED = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private static final java.time.format.DateTimeFormatter WHEN = java.time.format.DateTimeFormatter
      .ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(java.time.ZoneOffset.UTC);

  /** Statuses beyond {@link RunMetrics.Status}'s final ones. */
  public static final String RUNNING = "running";
  public static final String ABANDONED = "abandoned";

  private Runs() {
  }

  /** One run as the table holds it, with its status as seen from here. */
  public record Run(String job, String runId, LocalDate runDate, Instant startedAt, Instant finishedAt,
      String status, String host, Long pid, String message) {

    /** The run's status with a {@code running} run whose process is gone shown as {@code abandoned}. */
    public String seenStatus() {
      return RUNNING.equals(status) && processGone(host, pid, startedAt) ? ABANDONED : status;
    }

    /** How a message names the run: its id, when and where it started. */
    public String describe() {
      return "run " + runId + " (started " + WHEN.format(startedAt) + " on " + host
          + (pid == null ? "" : ", pid " + pid) + ")";
    }
  }

  /** This driver's host name, as runs record it. */
  public static String thisHost() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  /**
   * Whether the process that ran a run is known to be gone: it ran on this host and no process with its id runs now,
   * or the one that does started after the run did (the id was reused). A run on another host is never known gone.
   */
  static boolean processGone(String host, Long pid, Instant startedAt) {
    if (pid == null || !thisHost().equals(host)) {
      return false;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty() || !process.get().isAlive()) {
      return true;
    }
    // start times are whole seconds or coarser on some systems: a minute's slack
    return process.get().info().startInstant().map(s -> s.isAfter(startedAt.plus(Duration.ofMinutes(1))))
        .orElse(false);
  }

  /** Appends the run's {@code running} row, creating the table on first use. */
  public static void start(SparkSession spark, Lakehouse lake, RunMetrics metrics) {
    String uri = lake.location(Tables.RUN_METRICS).uri();
    // the table's definition is checked (and an old table evolved) once per JVM and lakehouse
    if (CHECKED.add(uri) || !lake.exists(spark, Tables.RUN_METRICS)) {
      lake.createIfNotExists(spark, Tables.RUN_METRICS);
    }
    Row row = metrics.toRow(RUNNING, null, Map.of(), null, thisHost(), ProcessHandle.current().pid());
    spark.createDataFrame(List.of(row), Tables.RUN_METRICS.schema()).write().format("delta").mode("append")
        .option("userMetadata", START_COMMIT + metrics.runId())
        .save(lake.location(Tables.RUN_METRICS).uri());
  }

  /**
   * Sets the run's row to its final values in one Delta UPDATE, retrying when a concurrent commit to the table
   * conflicts. Called after {@link #start}, which wrote the row.
   */
  public static void finish(SparkSession spark, Lakehouse lake, RunMetrics metrics, RunMetrics.Status status,
      Instant finishedAt, Map<String, Long> stepDurationsMs, String message) {
    Row row = metrics.toRow(status.code(), finishedAt, stepDurationsMs, message, thisHost(),
        ProcessHandle.current().pid());
    update(spark, lake, col(RunMetricsColumns.RUN_ID).equalTo(metrics.runId()), literals(row));
  }

  /** Every column of a run_metrics row but its id, as literals of the column's type. */
  private static Map<String, Column> literals(Row row) {
    Map<String, Column> set = new java.util.LinkedHashMap<>();
    org.apache.spark.sql.types.StructField[] fields = Tables.RUN_METRICS.schema().fields();
    for (int i = 0; i < fields.length; i++) {
      org.apache.spark.sql.types.StructField field = fields[i];
      if (field.name().equals(RunMetricsColumns.RUN_ID)) {
        continue;
      }
      // the row's values are in the schema's order (RunMetrics#toRow)
      set.put(field.name(), Literals.of(row.get(i), field.dataType()));
    }
    return set;
  }

  /**
   * Sets {@code set} on the rows matching {@code condition} in one Delta UPDATE, retrying when a concurrent commit
   * to the table conflicts: the update is the same whichever commit comes first.
   */
  private static void update(SparkSession spark, Lakehouse lake, Column condition, Map<String, Column> set) {
    for (int attempt = 1; ; attempt++) {
      try {
        DeltaTable.forPath(spark, lake.location(Tables.RUN_METRICS).uri()).update(condition, set);
        return;
      } catch (ConcurrentModificationException e) {
        if (attempt == ATTEMPTS) {
          throw new IllegalStateException("Could not record the run in " + Tables.RUN_METRICS.relativePath()
              + " after " + ATTEMPTS + " attempts: other runs kept committing to it (" + e.getMessage() + ")", e);
        }
        LOG.info("{}: a concurrent commit conflicted; recording the run again (attempt {} of {})",
            Tables.RUN_METRICS.relativePath(), attempt + 1, ATTEMPTS);
        sleep(200L * attempt);
      }
    }
  }

  /**
   * The most recent runs, newest first, optionally of one job only.
   *
   * @param limit at most this many runs
   */
  public static List<Run> recent(SparkSession spark, Lakehouse lake, String job, int limit) {
    if (!lake.exists(spark, Tables.RUN_METRICS)) {
      return List.of();
    }
    Dataset<Row> table = lake.read(spark, Tables.RUN_METRICS);
    if (job != null) {
      table = table.where(col(RunMetricsColumns.JOB).equalTo(job));
    }
    return runs(table.orderBy(col(RunMetricsColumns.STARTED_AT).desc(), col(RunMetricsColumns.RUN_ID).desc())
        .limit(limit));
  }

  /** The run with id {@code runId}, if the table holds it. */
  public static Optional<Run> find(SparkSession spark, Lakehouse lake, String runId) {
    if (!lake.exists(spark, Tables.RUN_METRICS)) {
      return Optional.empty();
    }
    return runs(lake.read(spark, Tables.RUN_METRICS).where(col(RunMetricsColumns.RUN_ID).equalTo(runId)).limit(1))
        .stream().findFirst();
  }

  /** The latest run of {@code job} for {@code runDate}, if there is one. */
  public static Optional<Run> latest(SparkSession spark, Lakehouse lake, String job, LocalDate runDate) {
    return Optional.ofNullable(latest(spark, lake, List.of(job), runDate).get(job));
  }

  /** The latest run of each of {@code jobs} for {@code runDate}, by job; a job with no run is absent. */
  public static Map<String, Run> latest(SparkSession spark, Lakehouse lake, List<String> jobs, LocalDate runDate) {
    Map<String, Run> out = new HashMap<>();
    if (jobs.isEmpty() || !lake.exists(spark, Tables.RUN_METRICS)) {
      return out;
    }
    // a night's runs of a few jobs: a handful of rows, newest first
    for (Run run : runs(lake.read(spark, Tables.RUN_METRICS)
        .where(col(RunMetricsColumns.JOB).isin(jobs.toArray())
            .and(col(RunMetricsColumns.RUN_DATE).equalTo(lit(java.sql.Date.valueOf(runDate)))))
        .orderBy(col(RunMetricsColumns.STARTED_AT).desc(), col(RunMetricsColumns.RUN_ID).desc()))) {
      out.putIfAbsent(run.job(), run);
    }
    return out;
  }

  /**
   * Called by a run after {@link #start}: records every other {@code running} run of its job whose process is gone
   * as {@code abandoned} (logging each) and deletes its staging folder, and fails when another run of the job whose
   * start committed before its own is still running.
   *
   * @throws IllegalStateException naming the running run: its id, start time and host
   */
  public static void requireSole(SparkSession spark, Lakehouse lake, RunMetrics self) {
    requireSoleAndFindUpstream(spark, lake, self, List.of());
  }

  /**
   * {@link #requireSole} and {@link #latest(SparkSession, Lakehouse, List, LocalDate)} of {@code upstream} for the
   * run's date, from one read of the table.
   */
  public static Map<String, Run> requireSoleAndFindUpstream(SparkSession spark, Lakehouse lake, RunMetrics self,
      List<String> upstream) {
    Column otherRunning = col(RunMetricsColumns.JOB).equalTo(self.job())
        .and(col(RunMetricsColumns.STATUS).equalTo(RUNNING))
        .and(col(RunMetricsColumns.RUN_ID).notEqual(self.runId()));
    Column upstreamRuns = upstream.isEmpty() || self.runDate() == null ? lit(false)
        : col(RunMetricsColumns.JOB).isin(upstream.toArray())
            .and(col(RunMetricsColumns.RUN_DATE).equalTo(lit(java.sql.Date.valueOf(self.runDate()))));
    List<Run> others = new ArrayList<>();
    Map<String, Run> latestUpstream = new HashMap<>();
    for (Run run : runs(lake.read(spark, Tables.RUN_METRICS).where(otherRunning.or(upstreamRuns))
        .orderBy(col(RunMetricsColumns.STARTED_AT).desc(), col(RunMetricsColumns.RUN_ID).desc()))) {
      if (upstream.contains(run.job()) && run.runDate() != null && run.runDate().equals(self.runDate())) {
        latestUpstream.putIfAbsent(run.job(), run);
      }
      if (run.job().equals(self.job()) && RUNNING.equals(run.status()) && !run.runId().equals(self.runId())) {
        others.add(run);
      }
    }
    requireSole(spark, lake, self, others);
    return latestUpstream;
  }

  private static void requireSole(SparkSession spark, Lakehouse lake, RunMetrics self, List<Run> others) {
    if (others.isEmpty()) {
      return;
    }
    List<Run> live = new ArrayList<>();
    for (Run other : others) {
      if (ABANDONED.equals(other.seenStatus())) {
        LOG.warn("{} {} did not finish: its process is gone; recorded as {}", other.job(), other.describe(),
            ABANDONED);
        abandon(spark, lake, other, "its process was gone when " + self.runId() + " started");
        // what it staged is of no use to anyone now
        Lakehouse.delete(spark, lake.staging(other.runId()));
      } else {
        live.add(other);
      }
    }
    if (live.isEmpty()) {
      return;
    }
    Map<String, Long> startVersions = startCommitVersions(spark, lake);
    long mine = startVersions.getOrDefault(self.runId(), Long.MAX_VALUE);
    for (Run other : live) {
      if (startVersions.getOrDefault(other.runId(), -1L) < mine) {
        throw new IllegalStateException("Another " + self.job() + " is running on this lakehouse: " + other.describe()
            + "; one run of a job at a time. Wait for it, or, if it is gone, record it as abandoned with "
            + "`kindred runs --abandon " + other.runId() + "`");
      }
    }
  }

  /** Records a run as {@code abandoned} with {@code why} as its message, if it is still {@code running}. */
  public static void abandon(SparkSession spark, Lakehouse lake, Run run, String why) {
    update(spark, lake, col(RunMetricsColumns.RUN_ID).equalTo(run.runId())
        .and(col(RunMetricsColumns.STATUS).equalTo(RUNNING)),
        Map.of(RunMetricsColumns.STATUS, lit(ABANDONED), RunMetricsColumns.MESSAGE, lit(why)));
  }

  /** The version of each run's start commit among the table's recent commits. */
  private static Map<String, Long> startCommitVersions(SparkSession spark, Lakehouse lake) {
    Map<String, Long> out = new HashMap<>();
    for (Row commit : DeltaTable.forPath(spark, lake.location(Tables.RUN_METRICS).uri())
        .history(START_COMMITS_SEARCHED).where(col("userMetadata").startsWith(START_COMMIT))
        .select("version", "userMetadata").collectAsList()) {
      out.put(commit.getString(1).substring(START_COMMIT.length()), commit.getLong(0));
    }
    return out;
  }

  private static List<Run> runs(Dataset<Row> rows) {
    Column[] columns = {col(RunMetricsColumns.JOB), col(RunMetricsColumns.RUN_ID), col(RunMetricsColumns.RUN_DATE),
        col(RunMetricsColumns.STARTED_AT), col(RunMetricsColumns.FINISHED_AT), col(RunMetricsColumns.STATUS),
        col(RunMetricsColumns.HOST), col(RunMetricsColumns.PID), col(RunMetricsColumns.MESSAGE)};
    List<Run> out = new ArrayList<>();
    for (Row r : rows.select(columns).collectAsList()) {
      out.add(new Run(r.getString(0), r.getString(1), r.isNullAt(2) ? null : r.getDate(2).toLocalDate(),
          r.getTimestamp(3).toInstant(), r.isNullAt(4) ? null : r.getTimestamp(4).toInstant(), r.getString(5),
          r.isNullAt(6) ? null : r.getString(6), r.isNullAt(7) ? null : r.getLong(7),
          r.isNullAt(8) ? null : r.getString(8)));
    }
    return out;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while recording the run", e);
    }
  }
}

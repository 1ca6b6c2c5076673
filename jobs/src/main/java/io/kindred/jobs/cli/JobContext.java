package io.kindred.jobs.cli;

import io.kindred.config.KindredConfig;
import io.kindred.lake.Lakehouse;
import io.kindred.ops.RunMetrics;
import io.kindred.ops.SparkProgress;
import io.kindred.ops.Steps;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a running job is given: the Spark session, the resolved configuration, the lakehouse, the run date, a run
 * id, and a step timer for its log. The demo runs several jobs in one session with {@link #forJob}.
 */
public final class JobContext {

  private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
      .withZone(ZoneOffset.UTC);

  private final SparkSession spark;
  private final KindredConfig config;
  private final Lakehouse lake;
  private final LocalDate runDate;
  private final String job;
  private final String runId;
  private final Instant startedAt;
  private final Logger log;
  private final Steps steps;

  public JobContext(SparkSession spark, KindredConfig config, Lakehouse lake, LocalDate runDate, String job) {
    this.spark = spark;
    this.config = config;
    this.lake = lake;
    this.runDate = runDate;
    this.job = job;
    this.startedAt = Instant.now();
    this.runId = job + "-" + runDate + "-" + RUN_ID_TIME.format(startedAt) + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
    this.log = LoggerFactory.getLogger("kindred." + job);
    // no session: a context for parsing and paths only (tests of option handling)
    this.steps = spark == null ? new Steps(log) : new Steps(log, SparkProgress.of(spark.sparkContext())::describe);
  }

  /** A context for another job in the same session, e.g. the next stage of the demo. */
  public JobContext forJob(String otherJob, LocalDate otherRunDate) {
    return new JobContext(spark, config, lake, otherRunDate, otherJob);
  }

  /** The same job with a different configuration. */
  public JobContext withConfig(KindredConfig otherConfig) {
    return new JobContext(spark, otherConfig, lake, runDate, job);
  }

  public SparkSession spark() {
    return spark;
  }

  public KindredConfig config() {
    return config;
  }

  public Lakehouse lake() {
    return lake;
  }

  public LocalDate runDate() {
    return runDate;
  }

  public String job() {
    return job;
  }

  public String runId() {
    return runId;
  }

  public Logger log() {
    return log;
  }

  public Steps steps() {
    return steps;
  }

  /** A body of a job that moves rows and accounts for them. */
  @FunctionalInterface
  public interface AccountedBody {
    void run(RunMetrics metrics) throws Exception;
  }

  /**
   * Runs {@code body} with fresh run metrics and writes them to {@code ops/run_metrics} whatever happens: on
   * success after checking that the rows balance, on failure with the failure's message, which is then rethrown.
   *
   * @return the metrics, for the caller's summary
   */
  public RunMetrics accounted(AccountedBody body) throws Exception {
    RunMetrics metrics = new RunMetrics(job, runId, runDate, startedAt);
    try {
      body.run(metrics);
      metrics.requireBalanced();
    } catch (Exception e) {
      log.error("{} run {} failed: {}", job, runId, e.getMessage());
      try {
        metrics.write(spark, lake, RunMetrics.Status.FAILED, Instant.now(), steps.durationsMs(), e.getMessage());
      } catch (Exception recording) {
        // the run's own failure is what the user sees; the failure to record it comes after it
        log.error("{} run {}: the failure could not be recorded in {}: {}", job, runId,
            io.kindred.lake.Tables.RUN_METRICS.relativePath(), recording.getMessage());
        e.addSuppressed(recording);
      }
      throw e;
    }
    metrics.write(spark, lake, RunMetrics.Status.SUCCEEDED, Instant.now(), steps.durationsMs(), null);
    log.info("{} run {} for {}: {} in {}", job, runId, runDate, metrics.summary(),
        Steps.formatMillis(Instant.now().toEpochMilli() - startedAt.toEpochMilli()));
    return metrics;
  }
}

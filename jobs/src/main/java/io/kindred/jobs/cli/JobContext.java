package io.kindred.jobs.cli;

import io.kindred.config.KindredConfig;
import io.kindred.lake.Lakehouse;
import io.kindred.ops.RunMetrics;
import io.kindred.ops.Runs;
import io.kindred.ops.SparkProgress;
import io.kindred.ops.Steps;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
  private List<String> upstream = List.of();
  private boolean allowUnfinishedUpstream;

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
   * The same job, refusing to start while a run of one of {@code jobs} for its run date is on record and did not
   * succeed (failed, abandoned or still running), unless {@code allowUnfinished}.
   */
  public JobContext withUpstream(List<String> jobs, boolean allowUnfinished) {
    JobContext out = new JobContext(spark, config, lake, runDate, job);
    out.upstream = List.copyOf(jobs);
    out.allowUnfinishedUpstream = allowUnfinished;
    return out;
  }

  /**
   * Runs {@code body} with fresh run metrics, on record in {@code ops/run_metrics} from start to end: the run's row
   * is written as {@code running} first, then it checks that no other run of the job is running and that its
   * upstream runs succeeded ({@link #withUpstream}), and the row is updated to its final values whatever happens: on
   * success after checking that the rows balance, on failure with the failure's message, which is then rethrown.
   * A failed run's counts are those its commits made before the failure.
   *
   * @return the metrics, for the caller's summary
   */
  public RunMetrics accounted(AccountedBody body) throws Exception {
    RunMetrics metrics = new RunMetrics(job, runId, runDate, startedAt);
    Runs.start(spark, lake, metrics);
    try {
      requireUpstreamSucceeded(Runs.requireSoleAndFindUpstream(spark, lake, metrics, upstream));
      body.run(metrics);
      metrics.requireBalanced();
    } catch (Exception e) {
      log.error("{} run {} failed: {}", job, runId, e.getMessage());
      try {
        Runs.finish(spark, lake, metrics, RunMetrics.Status.FAILED, Instant.now(), steps.durationsMs(),
            e.getMessage());
      } catch (Exception recording) {
        // the run's own failure is what the user sees; the failure to record it comes after it
        log.error("{} run {}: the failure could not be recorded in {}: {}", job, runId,
            io.kindred.lake.Tables.RUN_METRICS.relativePath(), recording.getMessage());
        e.addSuppressed(recording);
      }
      throw e;
    }
    Runs.finish(spark, lake, metrics, RunMetrics.Status.SUCCEEDED, Instant.now(), steps.durationsMs(), null);
    log.info("{} run {} for {}: {} in {}", job, runId, runDate, metrics.summary(),
        Steps.formatMillis(Instant.now().toEpochMilli() - startedAt.toEpochMilli()));
    return metrics;
  }

  private void requireUpstreamSucceeded(Map<String, Runs.Run> latest) {
    for (String upstreamJob : upstream) {
      Optional<Runs.Run> run = Optional.ofNullable(latest.get(upstreamJob));
      if (run.isEmpty()) {
        log.info("{}: no run of {} for {} on record; using what the tables hold", job, upstreamJob, runDate);
        continue;
      }
      String status = run.get().seenStatus();
      if (RunMetrics.Status.SUCCEEDED.code().equals(status)) {
        continue;
      }
      String what = upstreamJob + " for " + runDate + " is " + status + ": " + run.get().describe()
          + (run.get().message() == null ? "" : ": " + run.get().message().lines().findFirst().orElse(""));
      if (allowUnfinishedUpstream) {
        log.warn("{}: the latest run of {}; going on (--allow-unfinished-upstream)", job, what);
        continue;
      }
      throw new IllegalStateException("The latest run of " + what + ". " + job + " does not use a day its upstream "
          + "did not finish: rerun " + upstreamJob + " for " + runDate + ", or pass --allow-unfinished-upstream to "
          + "use what it left");
    }
  }
}

package io.kindred.jobs.social;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import io.kindred.lake.Lakehouse;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.RunMetricsColumns;
import io.kindred.lake.Tables.SocialFeatureColumns;
import io.kindred.ops.RunMetrics;
import io.kindred.social.SocialSettings;
import java.sql.Date;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Whether {@code build-social-features} builds a night as a full recompute or incrementally from the previous
 * night's snapshot, and why; and what each run records in {@code ops/run_metrics} (its details) so that the next
 * night can tell. The previous snapshot P of night D is the latest {@code as_of < D} of {@code gold/social_features};
 * its rows carry the {@code run_id} of the run that wrote them, whose metrics row holds the details below.
 */
public final class SocialRuns {

  /** The job whose runs these are. */
  public static final String JOB = "build-social-features";

  /** Run-metrics details. {@code full} or {@code incremental}. */
  public static final String MODE = "social_mode";
  /** Why the night ran as it did, one sentence. */
  public static final String MODE_REASON = "social_mode_reason";
  /** The snapshot an incremental night was folded from. */
  public static final String PRIOR_AS_OF = "prior_as_of";
  /** The full recompute a night follows from: itself for a full night, its prior's for an incremental one. */
  public static final String LAST_FULL_AS_OF = "last_full_recompute_as_of";
  /** Interactions known at the night, and their fingerprint (SocialFeatures.interactionsFingerprint, hex). */
  public static final String INTERACTIONS_READ = "interactions_read";
  public static final String INTERACTIONS_FINGERPRINT = "interactions_fingerprint";
  /** The graph settings a snapshot depends on (kindred.social.weights, kindred.social.graph-window-days). */
  public static final String WEIGHTS = "weights";
  public static final String GRAPH_WINDOW_DAYS = "graph_window_days";
  /** Comparison of an incremental night with a cold start on the same graph (--compare-with-cold only). */
  public static final String COMMUNITY_ARI_VS_COLD = "community_ari_vs_cold";

  private SocialRuns() {
  }

  /** How a night is built. */
  public enum Mode {
    FULL, INCREMENTAL;

    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The previous snapshot of a night and the run that wrote it.
   *
   * @param asOf its as-of date
   * @param runIds the run ids its rows carry (one, unless the table was written by hand)
   * @param status that run's status in ops/run_metrics, or null when it has no row there
   * @param details that run's details (empty when it has no row)
   */
  public record Prior(LocalDate asOf, List<String> runIds, String status, Map<String, String> details) {
  }

  /**
   * The plan of a night.
   *
   * @param mode full or incremental
   * @param reason why, for the log and the run's metrics
   * @param prior the previous snapshot (null when there is none); the one to fold from when incremental
   * @param lastFullAsOf the full recompute this night follows from (the night itself when full)
   */
  public record Plan(Mode mode, String reason, Prior prior, LocalDate lastFullAsOf) {

    public boolean incremental() {
      return mode == Mode.INCREMENTAL;
    }

    /** This night as a full recompute after all, for {@code why}. */
    public Plan fullAfterAll(LocalDate asOf, String why) {
      return new Plan(Mode.FULL, why, prior, asOf);
    }

    /** One line for a data engineer: which path runs and why. */
    public String describe(LocalDate asOf) {
      return incremental()
          ? "social features of " + asOf + ": incremental from the snapshot of " + prior.asOf() + " (warm-started "
              + "PageRank and label propagation, 30/90-day counts folded): " + reason
          : "social features of " + asOf + ": full recompute: " + reason;
    }

    /** Records the plan in the run's metrics. */
    public void record(RunMetrics metrics) {
      metrics.detail(MODE, mode.code()).detail(MODE_REASON, reason).detail(LAST_FULL_AS_OF, lastFullAsOf);
      if (incremental()) {
        metrics.detail(PRIOR_AS_OF, prior.asOf());
      }
    }
  }

  /** The latest snapshot of gold/social_features before {@code asOf} and its run's metrics, if there is one. */
  public static Optional<Prior> prior(SparkSession spark, Lakehouse lake, LocalDate asOf) {
    if (!lake.exists(spark, Tables.GOLD_SOCIAL_FEATURES)) {
      return Optional.empty();
    }
    Dataset<Row> table = lake.read(spark, Tables.GOLD_SOCIAL_FEATURES);
    Row latest = table.filter(col(SocialFeatureColumns.AS_OF).lt(lit(Date.valueOf(asOf))))
        .agg(max(col(SocialFeatureColumns.AS_OF))).first();
    if (latest.isNullAt(0)) {
      return Optional.empty();
    }
    LocalDate priorAsOf = latest.getDate(0).toLocalDate();
    List<String> runIds = table.filter(col(SocialFeatureColumns.AS_OF).equalTo(lit(Date.valueOf(priorAsOf))))
        .select(SocialFeatureColumns.RUN_ID).distinct().orderBy(SocialFeatureColumns.RUN_ID).limit(2)
        .collectAsList().stream().map(r -> r.getString(0)).toList();
    String status = null;
    Map<String, String> details = Map.of();
    if (runIds.size() == 1 && lake.exists(spark, Tables.RUN_METRICS)) {
      List<Row> runs = lake.read(spark, Tables.RUN_METRICS)
          .filter(col(RunMetricsColumns.JOB).equalTo(JOB).and(col(RunMetricsColumns.RUN_ID).equalTo(runIds.get(0))))
          .orderBy(col(RunMetricsColumns.FINISHED_AT).desc())
          .select(RunMetricsColumns.STATUS, RunMetricsColumns.DETAILS).collectAsList();
      if (!runs.isEmpty()) {
        status = runs.get(0).getString(0);
        details = Map.copyOf(runs.get(0).getJavaMap(1));
      }
    }
    return Optional.of(new Prior(priorAsOf, runIds, status, details));
  }

  /**
   * Decides how to build night {@code asOf}. A full recompute when: {@code --full-recompute} is given;
   * {@code kindred.social.incremental} is false; there is no earlier snapshot; its run is not a succeeded run of
   * this job in ops/run_metrics; it was built with other weights or another graph window; the last full recompute
   * it follows from is {@code full-recompute-every-days} or more days before {@code asOf}; or its run recorded no
   * fingerprint of the interactions it read. Otherwise incremental, provided the caller then finds the
   * fingerprint of the interactions known at the prior night unchanged ({@link Plan#fullAfterAll} if not).
   */
  public static Plan plan(LocalDate asOf, SocialSettings settings, boolean forceFull, Optional<Prior> prior) {
    Prior p = prior.orElse(null);
    if (forceFull) {
      return full(asOf, p, "--full-recompute given");
    }
    if (!settings.incremental()) {
      return full(asOf, p, "kindred.social.incremental is false");
    }
    if (p == null) {
      return full(asOf, null, "no earlier snapshot in " + Tables.GOLD_SOCIAL_FEATURES.relativePath());
    }
    if (p.runIds().size() != 1) {
      return full(asOf, p, "the snapshot of " + p.asOf() + " holds the rows of several runs " + p.runIds());
    }
    if (!RunMetrics.Status.SUCCEEDED.code().equals(p.status())) {
      return full(asOf, p, "the snapshot of " + p.asOf() + " was written by run " + p.runIds().get(0) + ", which has "
          + (p.status() == null ? "no row" : "status " + p.status()) + " in " + Tables.RUN_METRICS.relativePath());
    }
    String weights = settings.weights().toString();
    if (!weights.equals(p.details().get(WEIGHTS))) {
      return full(asOf, p, "kindred.social.weights changed since the snapshot of " + p.asOf() + ": "
          + p.details().get(WEIGHTS) + " then, " + weights + " now");
    }
    String window = String.valueOf(settings.graphWindowDays());
    if (!window.equals(p.details().get(GRAPH_WINDOW_DAYS))) {
      return full(asOf, p, "kindred.social.graph-window-days changed since the snapshot of " + p.asOf() + ": "
          + p.details().get(GRAPH_WINDOW_DAYS) + " then, " + window + " now");
    }
    LocalDate lastFull;
    if (Mode.INCREMENTAL.code().equals(p.details().get(MODE))) {
      try {
        lastFull = LocalDate.parse(String.valueOf(p.details().get(LAST_FULL_AS_OF)));
      } catch (DateTimeParseException e) {
        return full(asOf, p, "the run of " + p.asOf() + " recorded no valid " + LAST_FULL_AS_OF + " ("
            + p.details().get(LAST_FULL_AS_OF) + ")");
      }
    } else {
      lastFull = p.asOf();  // a full night (or one from before incremental nights, all full)
    }
    long age = ChronoUnit.DAYS.between(lastFull, asOf);
    int every = settings.fullRecomputeEveryDays();
    if (age >= every) {
      return full(asOf, p, "periodic full recompute due: the last was of " + lastFull + ", " + age + " days before "
          + "(kindred.social.full-recompute-every-days = " + every + ")");
    }
    if (p.details().get(INTERACTIONS_FINGERPRINT) == null || p.details().get(INTERACTIONS_READ) == null) {
      return full(asOf, p, "the run of " + p.asOf() + " recorded no fingerprint of the interactions it read");
    }
    return new Plan(Mode.INCREMENTAL, "same weights and graph window; last full recompute of " + lastFull + ", "
        + age + " days before, next due of " + lastFull.plusDays(every), p, lastFull);
  }

  private static Plan full(LocalDate asOf, Prior prior, String reason) {
    return new Plan(Mode.FULL, reason, prior, asOf);
  }
}

package io.kindred.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import io.delta.tables.DeltaTable;
import io.kindred.jobs.cli.CommonOptions;
import io.kindred.jobs.cli.JobContext;
import io.kindred.jobs.cli.KindredCommand;
import io.kindred.jobs.segments.SegmentModels;
import io.kindred.jobs.segments.SegmentSettings;
import io.kindred.lake.DeltaWrites;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.CustomerFeatureColumns;
import io.kindred.lake.Tables.CustomerSegmentColumns;
import io.kindred.lake.Tables.MembershipChangeColumns;
import io.kindred.lake.Tables.SegmentProfileColumns;
import io.kindred.ops.RunMetrics;
import io.kindred.segments.CustomerSegments;
import io.kindred.segments.SegmentPipeline;
import io.kindred.segments.SegmentProfiles;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code kindred score-segments}: applies the segmentation model in force to a night's features and publishes each
 * customer's segment and scores for activation tools.
 *
 * <p>Reads the snapshot {@code as_of = D} of {@code gold/customer_features}, the latest model of
 * {@code gold/segment_models} trained as of D or earlier (its PipelineModel under {@code models/segments/}) and
 * {@code gold/segment_membership_changes} (each customer's segment before D).
 *
 * <p>Writes {@code gold/customer_segments} with one Delta {@code MERGE} on customer_id, change data feed enabled
 * ({@code delta.enableChangeDataFeed}): a row is inserted for a new customer, updated only when its content
 * (segment, name, RFM segment and scores, rounded scores, influence, community) differs, and deleted when the
 * customer is no longer in the snapshot. {@code model_version} and {@code scored_at} change only with the content,
 * so a reader of the change feed ({@code readChangeFeed}) sees exactly the customers whose published values
 * changed. It also replaces the {@code change_date = D} rows of {@code gold/segment_membership_changes} (customers
 * whose segment differs from the one before D, entering ones with a null from), the {@code as_of = D} profiles in
 * {@code gold/segment_profiles}, records D as the table property {@code kindred.scored_as_of} (publish-audiences
 * checks it) and writes one row of {@code ops/run_metrics} (rows in = customers in the snapshot = rows written;
 * the merge's inserted, updated and deleted counts in its details).
 *
 * <p>A re-run of the same date is safe and changes nothing: same content, so the MERGE updates no row and the
 * change feed gets no rows; the membership changes and profiles of D are replaced by equal ones. A run for a date
 * earlier than the table's latest scoring (a clear or backfill of an old night) leaves gold/customer_segments as it
 * is, so activation never rolls back to older scores, and rewrites only that date's changes and profiles.
 *
 * <p>Example: {@code ./kindred score-segments --run-date 2026-03-04}
 */
@Parameters(commandNames = "score-segments", commandDescription = "Score a night's customers with the segmentation "
    + "model: MERGE into gold/customer_segments (change data feed), membership changes, profiles.")
public final class ScoreSegmentsCommand implements KindredCommand {

  /** The table property recording the run date of the latest scoring. */
  public static final String SCORED_AS_OF = "kindred.scored_as_of";

  @ParametersDelegate
  private final CommonOptions common = new CommonOptions();

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public List<String> upstream() {
    return List.of("build-features", "build-social-features", "train-segments");
  }

  /**
   * What a run did.
   *
   * @param metrics its metrics
   * @param modelVersion the model that scored
   * @param inserted rows the MERGE inserted
   * @param updated rows it updated
   * @param deleted rows it deleted
   * @param membershipChanges customers whose segment changed on the date
   */
  public record Result(RunMetrics metrics, String modelVersion, long inserted, long updated, long deleted,
      long membershipChanges) {
  }

  /**
   * The row counts of one MERGE into gold/customer_segments (all 0 when it was skipped).
   *
   * @param inserted rows inserted (new customers)
   * @param updated rows updated (content changed)
   * @param deleted rows deleted (customers gone from the snapshot)
   */
  private record MergeCounts(long inserted, long updated, long deleted) {
    static final MergeCounts NONE = new MergeCounts(0, 0, 0);
  }

  @Override
  public void run(JobContext context) throws Exception {
    score(context);
  }

  /** Runs the job. */
  public Result score(JobContext context) throws Exception {
    SparkSession spark = context.spark();
    Lakehouse lake = context.lake();
    LocalDate date = context.runDate();
    SegmentSettings settings = SegmentSettings.from(context.config());
    Result[] result = new Result[1];
    RunMetrics metrics = context.accounted(m -> {
      SegmentModels.Model model = SegmentModels.inForce(spark, lake, date).orElseThrow(() ->
          new IllegalStateException("No segmentation model trained as of " + date + " or earlier in "
              + Tables.GOLD_SEGMENT_MODELS.relativePath() + "; run kindred train-segments --as-of " + date
              + " first"));
      m.detail("model_version", model.version()).detail("model_as_of", model.asOf());
      context.log().info("scoring {} with model {} (trained as of {}, {} segments)", date, model.version(),
          model.asOf(), model.segments().size());
      PipelineModel pipeline = context.steps().run("load model", () -> PipelineModel.load(model.modelPath()));
      Dataset<Row> snapshot = lake.read(spark, Tables.GOLD_CUSTOMER_FEATURES)
          .filter(col(CustomerFeatureColumns.AS_OF).equalTo(lit(Date.valueOf(date))));
      Dataset<Row> segmented = CustomerSegments.withSegment(spark, SegmentPipeline.withCluster(pipeline, snapshot),
          model.byCluster(settings.names())).persist(StorageLevel.MEMORY_AND_DISK());
      try {
        long customers = context.steps().run("score customers", segmented::count);
        if (customers == 0) {
          throw new IllegalStateException(Tables.GOLD_CUSTOMER_FEATURES.relativePath() + " has no snapshot as of "
              + date + "; run kindred build-features --as-of " + date + " first");
        }
        m.addRowsIn(customers);
        Timestamp scoredAt = Timestamp.from(Instant.now());
        Dataset<Row> rows = CustomerSegments.segmentRows(segmented, model.version(), scoredAt,
            settings.scoreDecimals(), settings.clvDecimals());
        Tables.GOLD_CUSTOMER_SEGMENTS.requireSchemaOf(rows);
        LocalDate latest = scoredAsOf(spark, lake);
        MergeCounts counts;
        if (latest != null && latest.isAfter(date)) {
          // A clear or backfill of an earlier night: the published table holds a later night's scores, which
          // must not roll back; this night's membership changes and profiles are still (re)written below.
          context.log().warn("{} holds the scores of {}, later than {}: left as it is (no MERGE, no change feed "
              + "rows)", Tables.GOLD_CUSTOMER_SEGMENTS.relativePath(), latest, date);
          m.detail("merge_skipped_for_later_scores", latest);
          counts = MergeCounts.NONE;
        } else {
          counts = context.steps().run("merge " + Tables.GOLD_CUSTOMER_SEGMENTS.relativePath(),
              () -> merge(context, rows, date));
        }
        context.log().info("{}: {} inserted, {} updated, {} deleted, {} unchanged",
            Tables.GOLD_CUSTOMER_SEGMENTS.relativePath(), counts.inserted(), counts.updated(), counts.deleted(),
            customers - counts.inserted() - counts.updated());
        m.addRowsWritten(customers).detail("merge_inserted", counts.inserted())
            .detail("merge_updated", counts.updated()).detail("merge_deleted", counts.deleted());

        Dataset<Row> before = CustomerSegments.assignmentBefore(
            lake.readOrEmpty(spark, Tables.GOLD_SEGMENT_MEMBERSHIP_CHANGES), date);
        Dataset<Row> changes = DeltaWrites.conform(Tables.GOLD_SEGMENT_MEMBERSHIP_CHANGES,
            CustomerSegments.membershipChanges(before, segmented.select(
                col(CustomerFeatureColumns.CUSTOMER_ID).as(CustomerSegmentColumns.CUSTOMER_ID),
                col(CustomerSegmentColumns.SEGMENT_ID), col(CustomerSegmentColumns.SEGMENT_NAME)), date,
                model.version(), context.runId()));
        long membershipChanges = context.steps().run("write " + Tables.GOLD_SEGMENT_MEMBERSHIP_CHANGES.relativePath(),
            () -> DeltaWrites.replace(spark, lake, Tables.GOLD_SEGMENT_MEMBERSHIP_CHANGES, changes,
                MembershipChangeColumns.CHANGE_DATE + " = DATE'" + date + "'"));
        context.log().info("{} customers changed segment on {}", membershipChanges, date);
        m.detail("membership_changes", membershipChanges);

        List<SegmentProfiles.Profile> profiles = context.steps().run("profile segments",
            () -> SegmentProfiles.profiles(segmented, model.features()));
        Map<Integer, String> names = new LinkedHashMap<>();
        model.byCluster(settings.names()).values().forEach(e -> names.put(e.getKey(), e.getValue()));
        context.steps().run("write " + Tables.GOLD_SEGMENT_PROFILES.relativePath(), () -> DeltaWrites
            .replace(spark, lake, Tables.GOLD_SEGMENT_PROFILES, spark.createDataFrame(
                    SegmentProfiles.rows(context.runId(), date, model.version(), profiles, names),
                    Tables.GOLD_SEGMENT_PROFILES.schema()),
                SegmentProfileColumns.AS_OF + " = DATE'" + date + "'"));
        result[0] = new Result(m, model.version(), counts.inserted(), counts.updated(), counts.deleted(),
            membershipChanges);
      } finally {
        segmented.unpersist();
      }
    });
    return new Result(metrics, result[0].modelVersion(), result[0].inserted(), result[0].updated(),
        result[0].deleted(), result[0].membershipChanges());
  }

  /**
   * MERGEs {@code rows} into gold/customer_segments (created with the change data feed on) and records the run
   * date as {@link #SCORED_AS_OF}.
   *
   * @return the MERGE's inserted, updated and deleted row counts
   */
  private static MergeCounts merge(JobContext context, Dataset<Row> rows, LocalDate date) {
    SparkSession spark = context.spark();
    Lakehouse lake = context.lake();
    DeltaTable table = lake.createIfNotExists(spark, Tables.GOLD_CUSTOMER_SEGMENTS,
        "delta.enableChangeDataFeed", "true");
    String key = CustomerSegmentColumns.CUSTOMER_ID;
    table.as("t").merge(rows.as("s"), "t." + key + " = s." + key)
        .whenMatched(CustomerSegments.contentChanged("t", "s")).updateAll()
        .whenNotMatched().insertAll()
        .whenNotMatchedBySource().delete()
        .execute();
    Row last = table.history(1).select("operation", "operationMetrics").first();
    Map<String, String> operation = last.getJavaMap(1);
    MergeCounts counts = new MergeCounts(Long.parseLong(operation.getOrDefault("numTargetRowsInserted", "0")),
        Long.parseLong(operation.getOrDefault("numTargetRowsUpdated", "0")),
        Long.parseLong(operation.getOrDefault("numTargetRowsDeleted", "0")));
    spark.sql("ALTER TABLE delta.`" + lake.location(Tables.GOLD_CUSTOMER_SEGMENTS).uri() + "` SET TBLPROPERTIES ('"
        + SCORED_AS_OF + "' = '" + date + "')");
    return counts;
  }

  /** The run date of the latest scoring of gold/customer_segments, null when never scored. */
  public static LocalDate scoredAsOf(SparkSession spark, Lakehouse lake) {
    if (!lake.exists(spark, Tables.GOLD_CUSTOMER_SEGMENTS)) {
      return null;
    }
    Row detail = DeltaTable.forPath(spark, lake.location(Tables.GOLD_CUSTOMER_SEGMENTS).uri()).detail()
        .select("properties").first();
    String value = detail.<String, String>getJavaMap(0).get(SCORED_AS_OF);
    return value == null ? null : LocalDate.parse(value);
  }
}

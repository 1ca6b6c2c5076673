package io.kindred.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import io.delta.tables.DeltaTable;
import io.kindred.jobs.cli.CommonOptions;
import io.kindred.jobs.cli.JobContext;
import io.kindred.jobs.cli.KindredCommand;
import io.kindred.jobs.segments.SegmentSettings;
import io.kindred.lake.DeltaWrites;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.AudienceColumns;
import io.kindred.lake.Tables.AudienceMembershipColumns;
import io.kindred.ops.RunMetrics;
import io.kindred.segments.Audiences;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code kindred publish-audiences}: the audiences activation tools upload, for one run date.
 *
 * <p>Reads {@code gold/customer_segments} (which must have been scored for the run date: its
 * {@code kindred.scored_as_of} property) and {@code silver/customers} (the version of each customer valid at the
 * end of the run date, for marketing consent and identifiers). Checks every filter audience of
 * {@code kindred.audiences.filters} first: one that does not parse, names a column the segment table does not have,
 * or is not a boolean condition fails the run, naming the audience, the condition and the reason, before anything
 * is written.
 *
 * <p>Writes the {@code as_of = D} partition of {@code gold/audiences} (replaced in one commit): one row per customer
 * whose marketing consent is given at D and audience the customer is in ("segment: &lt;name&gt;", "rfm:
 * &lt;RFM segment&gt;", each filter audience), with e-mail (lower-cased, trimmed) and phone (E.164) SHA-256 hashed; no
 * raw e-mail or phone is written. Customers without consent are in no audience. One row of {@code ops/run_metrics}
 * (rows in = memberships of consenting customers = rows written; customers left out for lack of consent in its
 * details).
 *
 * <p>Keeps {@code gold/audience_membership}: a customer published in an audience without an open stay begins one
 * that night (from_date = D, in the group published); an open stay whose customer is not published in its audience
 * ends (to_date = D). One MERGE touching only the stays that change.
 *
 * <p>A re-run of the same date is safe: it replaces that date's audiences and decides that night's stays again. A
 * run for a date earlier than the latest scoring of gold/customer_segments (a clear or backfill of an old night)
 * writes nothing and says so in its log and run metrics: the audiences published that night stay.
 *
 * <p>Example: {@code ./kindred publish-audiences --run-date 2026-03-04}
 */
@Parameters(commandNames = "publish-audiences", commandDescription = "Publish gold/audiences for a run date: each "
    + "segment, RFM segment and configured filter; consenting customers only, identifiers SHA-256 hashed.")
public final class PublishAudiencesCommand implements KindredCommand {

  @ParametersDelegate
  private final CommonOptions common = new CommonOptions();

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public List<String> upstream() {
    return List.of("clean-customers", "score-segments");
  }

  /**
   * What a run did.
   *
   * @param metrics its metrics
   * @param memberships rows written (customer x audience)
   * @param byAudience consenting customers per audience
   */
  public record Result(RunMetrics metrics, long memberships, Map<String, Long> byAudience) {
  }

  @Override
  public void run(JobContext context) throws Exception {
    publish(context);
  }

  /** Runs the job. */
  public Result publish(JobContext context) throws Exception {
    SparkSession spark = context.spark();
    Lakehouse lake = context.lake();
    LocalDate date = context.runDate();
    SegmentSettings settings = SegmentSettings.from(context.config());
    Map<String, Long> byAudience = new TreeMap<>();
    RunMetrics metrics = context.accounted(m -> {
      LocalDate scored = ScoreSegmentsCommand.scoredAsOf(spark, lake);
      if (scored != null && scored.isAfter(date)) {
        // A clear or backfill of an earlier night: the segment table now holds a later night's scores, so this
        // night's audiences cannot be rebuilt from it; the ones published that night stay as they are.
        context.log().warn("{} holds the scores of {}, later than {}: the audiences of {} are left as published",
            Tables.GOLD_CUSTOMER_SEGMENTS.relativePath(), scored, date, date);
        m.detail("skipped_for_later_scores", scored);
        return;
      }
      if (!date.equals(scored)) {
        throw new IllegalStateException(Tables.GOLD_CUSTOMER_SEGMENTS.relativePath() + " was last scored for "
            + (scored == null ? "no date" : scored) + "; expected " + date + ": run kindred score-segments --run-date "
            + date + " first");
      }
      Dataset<Row> segments = lake.read(spark, Tables.GOLD_CUSTOMER_SEGMENTS);
      Map<String, Column> filters = context.steps().run("check audience filters",
          () -> Audiences.validatedFilters(segments, settings.filters()));
      context.log().info("{} filter audiences: {}", filters.size(), filters.keySet());
      Dataset<Row> consenting = Audiences.consentingAt(lake.read(spark, Tables.SILVER_CUSTOMERS), date);
      Dataset<Row> memberships = Audiences.withGroups(Audiences.memberships(segments, filters), settings.control())
          .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        Dataset<Row> rows = DeltaWrites.conform(Tables.GOLD_AUDIENCES, memberships
            .join(consenting, AudienceColumns.CUSTOMER_ID)
            .withColumn(AudienceColumns.AS_OF, lit(Date.valueOf(date)))
            .withColumn(AudienceColumns.RUN_ID, lit(context.runId())));
        context.steps().run("write " + Tables.GOLD_AUDIENCES.relativePath(), () -> DeltaWrites.replace(
            spark, lake, Tables.GOLD_AUDIENCES, rows, AudienceColumns.AS_OF + " = DATE'" + date + "'"));
        Dataset<Row> written = lake.read(spark, Tables.GOLD_AUDIENCES)
            .filter(col(AudienceColumns.AS_OF).equalTo(lit(Date.valueOf(date))));
        Map<String, Long> control = new TreeMap<>();
        for (Row r : context.steps().run("count audiences", () -> written.groupBy(AudienceColumns.AUDIENCE)
            .agg(functions.count(lit(1)), functions.count(functions.when(col(AudienceColumns.AUDIENCE_GROUP)
                .equalTo(AudienceColumns.CONTROL), lit(1)))).collectAsList())) {
          byAudience.put(r.getString(0), r.getLong(1));
          control.put(r.getString(0), r.getLong(2));
        }
        Map<String, String> stays = context.steps().run("update " + Tables.GOLD_AUDIENCE_MEMBERSHIP.relativePath(),
            () -> updateMembership(spark, lake, written, date, context.runId()));
        context.log().info("{}: {} stays begun, {} ended or reopened, {} undone (a rerun's)",
            Tables.GOLD_AUDIENCE_MEMBERSHIP.relativePath(), stays.getOrDefault("numTargetRowsInserted", "0"),
            stays.getOrDefault("numTargetRowsUpdated", "0"), stays.getOrDefault("numTargetRowsDeleted", "0"));
        long total = byAudience.values().stream().mapToLong(Long::longValue).sum();
        Row customers = context.steps().run("count consent", () -> segments.agg(functions.count(lit(1)))
            .crossJoin(written.agg(functions.countDistinct(col(AudienceColumns.CUSTOMER_ID)))).first());
        long excluded = customers.getLong(0) - customers.getLong(1);
        context.log().info("{} memberships in {} audiences; {} of {} customers left out (no marketing consent at {})",
            total, byAudience.size(), excluded, customers.getLong(0), date);
        byAudience.forEach((audience, n) -> context.log().info("audience \"{}\": {} customers, {} of them its control "
            + "group", audience, n, control.get(audience)));
        m.addRowsIn(total).addRowsWritten(total).detail("audiences", byAudience.size())
            .detail("control_memberships", control.values().stream().mapToLong(Long::longValue).sum())
            .detail("customers_without_consent", excluded).detail("customers_in_audiences", customers.getLong(1))
            .detail("stays_begun", stays.getOrDefault("numTargetRowsInserted", "0"))
            .detail("stays_ended_or_reopened", stays.getOrDefault("numTargetRowsUpdated", "0"))
            .detail("stays_undone", stays.getOrDefault("numTargetRowsDeleted", "0"));
      } finally {
        memberships.unpersist();
      }
    });
    return new Result(metrics, byAudience.values().stream().mapToLong(Long::longValue).sum(), Map.copyOf(byAudience));
  }

  /**
   * Begins and ends the stays of gold/audience_membership from the night's published audiences, in one MERGE that
   * touches only the stays that change; returns the commit's operation metrics.
   */
  static Map<String, String> updateMembership(SparkSession spark, Lakehouse lake, Dataset<Row> published,
      LocalDate date, String runId) {
    // Deletion vectors: the stays that end each night lie in the files of every night they began on; with them a
    // MERGE marks the old rows gone and writes the changed ones, instead of rewriting each file that holds one.
    lake.createIfNotExists(spark, Tables.GOLD_AUDIENCE_MEMBERSHIP, "delta.enableDeletionVectors", "true");
    DeltaTable table = DeltaTable.forPath(spark, lake.location(Tables.GOLD_AUDIENCE_MEMBERSHIP).uri());
    Dataset<Row> open = Audiences.staysOpenAt(table.toDF(), date);
    Dataset<Row> changes = DeltaWrites.changes(open, Audiences.staysAfter(open, published, date),
        List.of(AudienceMembershipColumns.CUSTOMER_ID, AudienceMembershipColumns.AUDIENCE,
            AudienceMembershipColumns.FROM_DATE));
    return DeltaWrites.mergeChanges(spark, table, changes, List.of(AudienceMembershipColumns.CUSTOMER_ID,
        AudienceMembershipColumns.AUDIENCE, AudienceMembershipColumns.FROM_DATE), runId);
  }
}

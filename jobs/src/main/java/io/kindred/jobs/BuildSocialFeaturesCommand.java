package io.kindred.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import io.kindred.features.RfmFeatures;
import io.kindred.features.RfmSegments;
import io.kindred.jobs.cli.CommonOptions;
import io.kindred.jobs.cli.JobContext;
import io.kindred.jobs.cli.KindredCommand;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.CustomerFeatureColumns;
import io.kindred.lake.Tables.SocialFeatureColumns;
import io.kindred.lake.Tables.TransactionColumns;
import io.kindred.ops.RunMetrics;
import io.kindred.social.Communities;
import io.kindred.social.SocialColumns;
import io.kindred.social.SocialFeatures;
import io.kindred.social.SocialGraph;
import io.kindred.social.SocialSettings;
import io.kindred.social.WeightedPageRank;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code kindred build-social-features}: per social user, as of a date: follows, interactions by type, engagement,
 * reviews, influence (weighted PageRank) and the opinion-leader flag, community (label propagation) and what the
 * community's customers are worth, peer value (what the people followed spend, how many are champions, purchases
 * triggered by followed opinion leaders) and referrals. The README's "Social features" section defines each one.
 *
 * <p>A command of its own rather than a step of {@code build-features}: the nightly DAG runs it as its own task,
 * so when the graph stage fails (a PageRank or label propagation that does not converge, an executor lost in the
 * iterations) Airflow retries only this stage, without refitting the CLV and churn models, and a change of the
 * social settings can be re-run for past nights alone. It needs the snapshot of {@code build-features} for the
 * same night, and fails naming the as-of date when it is missing.
 *
 * <p>Reads {@code silver/interactions} and {@code silver/transactions} known at the end of D (dated on or before D
 * and delivered by D), {@code silver/follows} (edges valid at the end of D; the follow history for leader-triggered
 * purchases) and the {@code as_of = D} snapshot of {@code gold/customer_features} (its customers and their RFM
 * segments). Writes the {@code as_of = D} snapshot of {@code gold/social_features} (one row per social user,
 * customers or not), rewrites the {@code as_of = D} snapshot of {@code gold/customer_features} with its social
 * columns filled (every other column, {@code run_id} included, as build-features wrote it) and writes one row of
 * {@code ops/run_metrics}: rows in = social users + customers of the snapshot, rows written = rows of the two
 * snapshots.
 *
 * <p>A re-run is safe: each snapshot is replaced in one Delta commit ({@code replaceWhere} on {@code as_of}), and
 * the same inputs and settings give the same rows (the graph algorithms are deterministic).
 *
 * <p>Example: {@code ./kindred build-social-features --as-of 2026-03-04}
 */
@Parameters(commandNames = "build-social-features", commandDescription = "Build gold/social_features for an as-of "
    + "date (influence, communities, peer value, referrals) and fill the social columns of gold/customer_features.")
public final class BuildSocialFeaturesCommand implements KindredCommand {

  /** Configuration keys. */
  public static final String SOCIAL_KEY = "kindred.social";

  @ParametersDelegate
  private final CommonOptions common = new CommonOptions();

  @Override
  public CommonOptions common() {
    return common;
  }

  /** What one run did, for callers (the demo, tests). */
  public record Result(RunMetrics metrics, long users, long customers, long edges, int pageRankIterations,
      int communityCount, int labelPropagationIterations, long opinionLeaders) {
  }

  @Override
  public void run(JobContext context) throws Exception {
    build(context);
  }

  /** Runs the job; returns its metrics and the graph figures. */
  public Result build(JobContext context) throws Exception {
    SparkSession spark = context.spark();
    Lakehouse lake = context.lake();
    LocalDate asOf = context.runDate();
    Date day = Date.valueOf(asOf);
    SocialSettings settings = SocialSettings.fromConfig(context.config().raw(), SOCIAL_KEY);
    List<String> segmentNames = RfmSegments.fromConfig(context.config().raw(), BuildFeaturesCommand.SEGMENTS_KEY)
        .segmentNames();
    if (!segmentNames.contains(settings.championSegment())) {
      throw new IllegalArgumentException(SOCIAL_KEY + ".champion-segment is '" + settings.championSegment()
          + "'; expected one of the segments of " + BuildFeaturesCommand.SEGMENTS_KEY + ": " + segmentNames);
    }
    long[] figures = new long[7];
    List<Dataset<Row>> cached = new ArrayList<>();
    RunMetrics metrics = context.accounted(m -> {
      m.detail("as_of", asOf).detail("weights", settings.weights())
          .detail("graph_window_days", settings.graphWindowDays());
      try {
        Dataset<Row> snapshot = lake.readOrEmpty(spark, Tables.GOLD_CUSTOMER_FEATURES)
            .filter(col(CustomerFeatureColumns.AS_OF).equalTo(lit(day)));
        Dataset<Row> customers = cache(cached, snapshot.select(
            col(CustomerFeatureColumns.CUSTOMER_ID).as(SocialColumns.ID), col(CustomerFeatureColumns.RFM_SEGMENT)));
        long customerCount = context.steps().run("read customer_features snapshot", customers::count);
        if (customerCount == 0) {
          throw new IllegalStateException(Tables.GOLD_CUSTOMER_FEATURES.relativePath() + " has no snapshot for as_of "
              + asOf + ": run `kindred build-features --as-of " + asOf + "` first");
        }
        context.log().info("{} customers in the customer_features snapshot of {}", customerCount, asOf);

        Dataset<Row> interactions = cache(cached, SocialFeatures.interactionsKnownAt(asOf,
            lake.readOrEmpty(spark, Tables.SILVER_INTERACTIONS)));
        long interactionCount = context.steps().run("read interactions", interactions::count);
        Dataset<Row> follows = lake.readOrEmpty(spark, Tables.SILVER_FOLLOWS);
        Dataset<Row> active = cache(cached, SocialFeatures.followsAt(asOf, follows));
        long activeCount = context.steps().run("follows at as-of", active::count);
        Dataset<Row> transactions = cache(cached, RfmFeatures.transactionsAsOf(
            lake.readOrEmpty(spark, Tables.SILVER_TRANSACTIONS), asOf, false).select(
            col(TransactionColumns.TRANSACTION_ID), col(TransactionColumns.CUSTOMER_ID),
            col(TransactionColumns.TRANSACTION_TS), col(TransactionColumns.TRANSACTION_DATE),
            col(TransactionColumns.AMOUNT), col(TransactionColumns.CATEGORY), col(TransactionColumns.IS_RETURN)));
        long transactionCount = context.steps().run("read transactions", transactions::count);
        context.log().info("known at the end of {}: {} interactions, {} active follow edges, {} transactions", asOf,
            interactionCount, activeCount, transactionCount);
        m.detail("interactions_read", interactionCount).detail("follow_edges_active", activeCount)
            .detail("transactions_read", transactionCount);

        Dataset<Row> users = cache(cached, SocialFeatures.socialUsers(interactions, active,
            customers.select(col(SocialColumns.ID).as(CustomerFeatureColumns.CUSTOMER_ID))));
        long userCount = context.steps().run("social users", users::count);
        context.log().info("{} social users ({} customers)", userCount, customerCount);
        m.addRowsIn(userCount + customerCount).detail("social_users", userCount).detail("customers", customerCount);

        Dataset<Row> counts = cache(cached, SocialFeatures.followCounts(active));
        Dataset<Row> edges = cache(cached, SocialFeatures.weightedEdges(asOf, settings.weights(),
            settings.graphWindowDays(), interactions, active));
        Dataset<Row> ranks;
        Dataset<Row> communities;
        long edgeCount;
        try (SocialGraph graph = context.steps().run("build graph", () -> SocialGraph.of(edges,
            users.select(col(SocialColumns.ID))))) {
          edgeCount = graph.edgeCount();
          WeightedPageRank.Result pr = context.steps().run("pagerank", () -> settings.pageRank().run(graph));
          Communities.Result lp = context.steps().run("communities", () -> settings.communities().run(graph));
          ranks = pr.ranks();
          communities = lp.communities();
          context.log().info("graph: {} users, {} weighted edges; PageRank converged in {} iterations, label "
              + "propagation in {} ({} communities, {} users still unstable)", graph.vertexCount(), edgeCount,
              pr.iterations(), lp.iterations(), lp.communityCount(), lp.unstable());
          m.detail("graph_edges", edgeCount).detail("pagerank_iterations", pr.iterations())
              .detail("pagerank_last_change", pr.lastChange()).detail("communities", lp.communityCount())
              .detail("label_propagation_iterations", lp.iterations());
          figures[0] = edgeCount;
          figures[1] = pr.iterations();
          figures[2] = lp.communityCount();
          figures[3] = lp.iterations();
        }
        Dataset<Row> influence = cache(cached, SocialFeatures.influence(settings.leaderTopFraction(),
            settings.leaderMinFollowers(), ranks, counts));
        long leaders = context.steps().run("opinion leaders", () -> influence.filter(
            col(SocialColumns.OPINION_LEADER)).count());
        context.log().info("{} opinion leaders (top {} of influence with at least {} followers)", leaders,
            settings.leaderTopFraction(), settings.leaderMinFollowers());
        m.detail("opinion_leaders", leaders);
        figures[4] = leaders;

        Dataset<Row> spend = cache(cached, SocialFeatures.netSpend(asOf, SocialFeatures.LONG_WINDOW_DAYS,
            transactions));
        SocialFeatures.Parts parts = new SocialFeatures.Parts(users, counts,
            SocialFeatures.interactionActivity(asOf, interactions), influence, communities,
            SocialFeatures.communityValue(segmentNames, communities, customers, spend), spend,
            SocialFeatures.peerValue(settings.championSegment(), active, spend, customers),
            SocialFeatures.leaderTriggeredPurchases(asOf, settings.leaderWindowDays(), SocialFeatures.LONG_WINDOW_DAYS,
                transactions, follows, influence.filter(col(SocialColumns.OPINION_LEADER)).select(SocialColumns.ID)),
            SocialFeatures.referrals(SocialFeatures.LONG_WINDOW_DAYS, interactions, transactions));
        Dataset<Row> rows = SocialFeatures.socialFeatures(asOf, context.runId(), segmentNames, parts);
        String where = SocialFeatureColumns.AS_OF + " = DATE'" + asOf + "'";
        context.steps().run("write " + Tables.GOLD_SOCIAL_FEATURES.relativePath(), () ->
            BuildFeaturesCommand.replace(spark, lake, Tables.GOLD_SOCIAL_FEATURES, rows, where));
        Dataset<Row> written = lake.read(spark, Tables.GOLD_SOCIAL_FEATURES)
            .filter(col(SocialFeatureColumns.AS_OF).equalTo(lit(day)));
        long socialWritten = context.steps().run("count written", written::count);
        context.log().info("{} rows written to {} for {}", socialWritten, Tables.GOLD_SOCIAL_FEATURES.relativePath(),
            asOf);

        Dataset<Row> filled = BuildFeaturesCommand.conform(Tables.GOLD_CUSTOMER_FEATURES,
            SocialFeatures.withSocialColumns(snapshot, written));
        context.steps().run("fill " + Tables.GOLD_CUSTOMER_FEATURES.relativePath(), () ->
            BuildFeaturesCommand.replace(spark, lake, Tables.GOLD_CUSTOMER_FEATURES, filled,
                CustomerFeatureColumns.AS_OF + " = DATE'" + asOf + "'"));
        long customersWritten = context.steps().run("count customers written", () -> lake.read(spark,
            Tables.GOLD_CUSTOMER_FEATURES).filter(col(CustomerFeatureColumns.AS_OF).equalTo(lit(day))).count());
        context.log().info("{} customers of {} given their social columns", customersWritten, asOf);
        m.addRowsWritten(socialWritten + customersWritten);
        figures[5] = userCount;
        figures[6] = customerCount;
      } finally {
        cached.forEach(Dataset::unpersist);
      }
    });
    return new Result(metrics, figures[5], figures[6], figures[0], (int) figures[1], (int) figures[2],
        (int) figures[3], figures[4]);
  }

  private static Dataset<Row> cache(List<Dataset<Row>> cached, Dataset<Row> data) {
    Dataset<Row> persisted = data.persist(StorageLevel.MEMORY_AND_DISK());
    cached.add(persisted);
    return persisted;
  }
}

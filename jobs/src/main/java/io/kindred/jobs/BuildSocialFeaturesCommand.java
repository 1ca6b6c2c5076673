package io.kindred.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import io.kindred.config.KindredConfig;
import io.kindred.features.FeatureSettings;
import io.kindred.features.RfmFeatures;
import io.kindred.features.RfmSegments;
import io.kindred.jobs.cli.CommonOptions;
import io.kindred.jobs.cli.JobContext;
import io.kindred.jobs.cli.KindredCommand;
import io.kindred.jobs.social.SocialRuns;
import io.kindred.lake.DeltaWrites;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.CustomerFeatureColumns;
import io.kindred.lake.Tables.SocialFeatureColumns;
import io.kindred.lake.Tables.TransactionColumns;
import io.kindred.ops.RunMetrics;
import io.kindred.social.AdjustedRandIndex;
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
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code kindred build-social-features}: per social user, as of a date: follows, interactions by type, engagement,
 * reviews, influence (weighted PageRank) and the opinion-leader flag, community (label propagation) and what the
 * community's customers are worth, peer value (what the people followed spend, how many are champions, purchases
 * triggered by followed opinion leaders) and referrals. docs/social.md defines each one.
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
 * <p>Full or incremental ({@link SocialRuns#plan}). A night D is built incrementally from P, the latest earlier
 * snapshot of {@code gold/social_features}, when {@code kindred.social.incremental} is on, P's run succeeded with
 * the same weights and graph window, the last full recompute P follows from is less than
 * {@code kindred.social.full-recompute-every-days} (7) days before D, and the interactions known at P are those P
 * was built from (the fingerprint its run recorded). Then PageRank starts from P's influence and label propagation
 * from P's communities (same stopping rules: influence within PageRank's tolerance of a full recompute's,
 * communities possibly labelled a little differently), and the 30/90-day counts, posts, engagement and the reviews
 * written are P's plus the events that entered minus those that left ({@link SocialFeatures#foldedInteractionActivity}:
 * equal to a full recompute's), reading only the days that left the windows, the deliveries after P and the days
 * after P. Otherwise, or with {@code --full-recompute}, the night is a full recompute from all interactions known at
 * D, with cold starts. The log says which and why in one line; {@code ops/run_metrics} records it in its details
 * ({@code social_mode}, {@code social_mode_reason}, {@code prior_as_of}, {@code last_full_recompute_as_of},
 * {@code pagerank_iterations}, {@code label_propagation_iterations}), with what the next night checks (weights, graph
 * window, interaction count and fingerprint). {@code --compare-with-cold} also runs both algorithms cold on an
 * incremental night's graph and records {@code community_ari_vs_cold} and the influence difference.
 *
 * <p>A re-run is safe: each snapshot is replaced in one Delta commit ({@code replaceWhere} on {@code as_of}), and
 * the same inputs, settings and previous snapshot give the same rows (the graph algorithms are deterministic, warm
 * starts included). Re-running an earlier night changes the later incremental nights' communities only when they
 * are re-run too; their counts are exact either way.
 *
 * <p>Example: {@code ./kindred build-social-features --as-of 2026-03-04 [--full-recompute] [--compare-with-cold]}
 */
@Parameters(commandNames = "build-social-features", commandDescription = "Build gold/social_features for an as-of "
    + "date (influence, communities, peer value, referrals) and fill the social columns of gold/customer_features.")
public final class BuildSocialFeaturesCommand implements KindredCommand {

  /** Configuration keys. */
  public static final String SOCIAL_KEY = "kindred.social";

  @ParametersDelegate
  private final CommonOptions common = new CommonOptions();

  @Parameter(names = "--full-recompute", description = "Build the night from scratch (cold PageRank and label "
      + "propagation, counts aggregated over all interactions) even when it could be built incrementally.")
  private boolean fullRecompute;

  @Parameter(names = "--compare-with-cold", description = "On an incremental night, also run PageRank and label "
      + "propagation from a cold start on the same graph and report the differences (community_ari_vs_cold, "
      + "influence_max_diff_vs_cold, the cold iterations). For checks, not for every night.")
  private boolean compareWithCold;

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public List<String> upstream() {
    return List.of("clean-transactions", "clean-interactions", "build-features");
  }

  public BuildSocialFeaturesCommand fullRecompute(boolean value) {
    this.fullRecompute = value;
    return this;
  }

  public BuildSocialFeaturesCommand compareWithCold(boolean value) {
    this.compareWithCold = value;
    return this;
  }

  /** What one run did, for callers (the demo, tests); {@code mode} is full or incremental. */
  public record Result(RunMetrics metrics, long users, long customers, long edges, int pageRankIterations,
      int communityCount, int labelPropagationIterations, long opinionLeaders, SocialRuns.Mode mode) {
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
    String segmentsKey = KindredConfig.ROOT + "." + FeatureSettings.SEGMENTS_KEY;
    List<String> segmentNames = RfmSegments.fromConfig(context.config().raw(), segmentsKey).segmentNames();
    if (!segmentNames.contains(settings.championSegment())) {
      throw new IllegalArgumentException(SOCIAL_KEY + ".champion-segment is '" + settings.championSegment()
          + "'; expected one of the segments of " + segmentsKey + ": " + segmentNames);
    }
    Result[] result = new Result[1];
    List<Dataset<Row>> cached = new ArrayList<>();
    RunMetrics metrics = context.accounted(m -> {
      m.detail("as_of", asOf).detail(SocialRuns.WEIGHTS, settings.weights())
          .detail(SocialRuns.GRAPH_WINDOW_DAYS, settings.graphWindowDays());
      try {
        Dataset<Row> snapshot = lake.readOrEmpty(spark, Tables.GOLD_CUSTOMER_FEATURES)
            .filter(col(CustomerFeatureColumns.AS_OF).equalTo(lit(day)));
        Dataset<Row> customers = cache(cached, snapshot.select(
            col(CustomerFeatureColumns.CUSTOMER_ID).as(SocialColumns.ID), col(CustomerFeatureColumns.RFM_SEGMENT)));
        long customerCount = context.steps().run("read customer_features snapshot", customers::count);

        // one version of silver/interactions for what is known at D and, on an incremental night, what changed
        // since P (the second read comes later: a cleaning run committing in between must not be half seen)
        long interactionsVersion = lake.version(spark, Tables.SILVER_INTERACTIONS);
        Dataset<Row> silverInteractions = interactionsVersion < 0
            ? lake.readOrEmpty(spark, Tables.SILVER_INTERACTIONS)
            : spark.read().format("delta").option("versionAsOf", interactionsVersion)
                .load(lake.location(Tables.SILVER_INTERACTIONS).uri());
        m.detail("interactions_version", interactionsVersion);
        Dataset<Row> interactions = cache(cached, SocialFeatures.interactionsKnownAt(asOf, silverInteractions));
        Row known = context.steps().run("read interactions", () -> SocialFeatures.interactionsFingerprint(asOf,
            interactions).first());
        long interactionCount = known.getLong(0);
        m.detail(SocialRuns.INTERACTIONS_FINGERPRINT, Long.toHexString(known.getLong(1)));
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
        boolean socialOnly = customerCount == 0 && transactionCount == 0 && interactionCount > 0;
        if (customerCount == 0 && !socialOnly) {
          throw new IllegalStateException(Tables.GOLD_CUSTOMER_FEATURES.relativePath() + " has no snapshot for as_of "
              + asOf + ": run `kindred build-features --as-of " + asOf + "` first");
        }
        if (socialOnly) {
          // a source of social data without sales (a review site, a trust graph): the graph features of every social
          // user, and no customer to give them to
          context.log().info("no transactions known at {} and no customer_features snapshot: social features from "
              + "interactions alone", asOf);
          m.detail("social_only", true);
        } else {
          context.log().info("{} customers in the customer_features snapshot of {}", customerCount, asOf);
        }
        m.detail(SocialRuns.INTERACTIONS_READ, interactionCount).detail("follow_edges_active", activeCount)
            .detail("transactions_read", transactionCount);

        // no need to look for the previous snapshot when the night is full anyway
        SocialRuns.Plan plan = context.steps().run("full or incremental", () -> SocialRuns.plan(asOf, settings,
            fullRecompute, fullRecompute || !settings.incremental() ? Optional.empty()
                : SocialRuns.prior(spark, lake, asOf)));
        Dataset<Row> prior = null;
        if (plan.incremental()) {
          LocalDate priorAsOf = plan.prior().asOf();
          Row then = context.steps().run("fingerprint interactions known at " + priorAsOf, () ->
              SocialFeatures.interactionsFingerprint(priorAsOf, interactions).first());
          String recorded = plan.prior().details().get(SocialRuns.INTERACTIONS_READ) + " rows, fingerprint "
              + plan.prior().details().get(SocialRuns.INTERACTIONS_FINGERPRINT);
          String now = then.getLong(0) + " rows, fingerprint " + Long.toHexString(then.getLong(1));
          if (!recorded.equals(now)) {
            plan = plan.fullAfterAll(asOf, Tables.SILVER_INTERACTIONS.relativePath() + " known at " + priorAsOf
                + " changed since its snapshot was built (" + recorded + " then, " + now + " now): its counts "
                + "cannot be folded");
          } else {
            prior = cache(cached, lake.read(spark, Tables.GOLD_SOCIAL_FEATURES)
                .filter(col(SocialFeatureColumns.AS_OF).equalTo(lit(Date.valueOf(priorAsOf)))));
          }
        }
        context.log().info(plan.describe(asOf));
        plan.record(m);

        Dataset<Row> users = cache(cached, SocialFeatures.socialUsers(interactions, active,
            customers.select(col(SocialColumns.ID).as(CustomerFeatureColumns.CUSTOMER_ID))));
        long userCount = context.steps().run("social users", users::count);
        context.log().info("{} social users ({} customers)", userCount, customerCount);
        m.addRowsIn(userCount + customerCount).detail("social_users", userCount).detail("customers", customerCount);

        Dataset<Row> activity;
        if (plan.incremental()) {
          LocalDate priorAsOf = plan.prior().asOf();
          Dataset<Row> changed = cache(cached, SocialFeatures.interactionsChangedBetween(priorAsOf, asOf,
              silverInteractions));
          long changedCount = context.steps().run("read interactions changed since " + priorAsOf, changed::count);
          context.log().info("{} interactions dated on the days that left the windows, delivered after {} or dated "
              + "after it ({} known at {})", changedCount, priorAsOf, interactionCount, asOf);
          m.detail("interactions_changed_read", changedCount);
          activity = SocialFeatures.foldedInteractionActivity(priorAsOf, asOf, SocialFeatures.activityOf(prior),
              changed);
        } else {
          activity = SocialFeatures.interactionActivity(asOf, interactions);
        }

        Dataset<Row> counts = cache(cached, SocialFeatures.followCounts(active));
        Dataset<Row> edges = cache(cached, SocialFeatures.weightedEdges(asOf, settings.weights(),
            settings.graphWindowDays(), interactions, active));
        Dataset<Row> ranks;
        Dataset<Row> communities;
        long edgeCount;
        WeightedPageRank.Result pr;
        Communities.Result lp;
        try (SocialGraph graph = context.steps().run("build graph", () -> SocialGraph.of(edges,
            users.select(col(SocialColumns.ID))))) {
          edgeCount = graph.edgeCount();
          Dataset<Row> priorRanks = plan.incremental() ? SocialFeatures.ranksOf(prior) : null;
          Dataset<Row> priorCommunities = plan.incremental() ? SocialFeatures.communitiesOf(prior) : null;
          String start = plan.incremental() ? " (warm start)" : "";
          pr = context.steps().run("pagerank" + start, () -> settings.pageRank().run(graph, priorRanks));
          lp = context.steps().run("communities" + start, () -> settings.communities().run(graph, priorCommunities));
          ranks = pr.ranks();
          communities = lp.communities();
          context.log().info("graph: {} users, {} weighted edges; PageRank converged in {} iterations, label "
              + "propagation in {} ({} communities, {} users still unstable){}", graph.vertexCount(), edgeCount,
              pr.iterations(), lp.iterations(), lp.communityCount(), lp.unstable(),
              plan.incremental() ? ", both warm-started from " + plan.prior().asOf() : "");
          if (compareWithCold && plan.incremental()) {
            compareWithCold(context, m, settings, graph, pr, lp);
          } else if (compareWithCold) {
            context.log().info("--compare-with-cold: nothing to compare, the night is a full recompute");
          }
          m.detail("graph_edges", edgeCount).detail("pagerank_iterations", pr.iterations())
              .detail("pagerank_last_change", pr.lastChange()).detail("communities", lp.communityCount())
              .detail("label_propagation_iterations", lp.iterations());
        }
        Dataset<Row> influence = cache(cached, SocialFeatures.influence(settings.leaderTopFraction(),
            settings.leaderMinFollowers(), ranks, counts));
        long leaders = context.steps().run("opinion leaders", () -> influence.filter(
            col(SocialColumns.OPINION_LEADER)).count());
        context.log().info("{} opinion leaders (top {} of influence with at least {} followers)", leaders,
            settings.leaderTopFraction(), settings.leaderMinFollowers());
        m.detail("opinion_leaders", leaders);

        Dataset<Row> spend = cache(cached, SocialFeatures.netSpend(asOf, SocialFeatures.LONG_WINDOW_DAYS,
            transactions));
        SocialFeatures.Parts parts = new SocialFeatures.Parts(users, counts, activity, influence, communities,
            SocialFeatures.communityValue(segmentNames, communities, customers, spend), spend,
            SocialFeatures.peerValue(settings.championSegment(), active, spend, customers),
            SocialFeatures.leaderTriggeredPurchases(asOf, settings.leaderWindowDays(), SocialFeatures.LONG_WINDOW_DAYS,
                transactions, follows, influence.filter(col(SocialColumns.OPINION_LEADER)).select(SocialColumns.ID)),
            SocialFeatures.referrals(SocialFeatures.LONG_WINDOW_DAYS, interactions, transactions));
        Dataset<Row> rows = SocialFeatures.socialFeatures(asOf, context.runId(), segmentNames, parts);
        String where = SocialFeatureColumns.AS_OF + " = DATE'" + asOf + "'";
        long socialWritten = context.steps().run("write " + Tables.GOLD_SOCIAL_FEATURES.relativePath(), () ->
            DeltaWrites.replace(spark, lake, Tables.GOLD_SOCIAL_FEATURES, rows, where));
        Dataset<Row> written = lake.read(spark, Tables.GOLD_SOCIAL_FEATURES)
            .filter(col(SocialFeatureColumns.AS_OF).equalTo(lit(day)));
        context.log().info("{} rows written to {} for {}", socialWritten, Tables.GOLD_SOCIAL_FEATURES.relativePath(),
            asOf);

        long customersWritten = 0;
        if (!socialOnly) {
          Dataset<Row> filled = DeltaWrites.conform(Tables.GOLD_CUSTOMER_FEATURES,
              SocialFeatures.withSocialColumns(snapshot, written));
          customersWritten = context.steps().run("fill " + Tables.GOLD_CUSTOMER_FEATURES.relativePath(), () ->
              DeltaWrites.replace(spark, lake, Tables.GOLD_CUSTOMER_FEATURES, filled,
                  CustomerFeatureColumns.AS_OF + " = DATE'" + asOf + "'"));
          context.log().info("{} customers of {} given their social columns", customersWritten, asOf);
        }
        m.addRowsWritten(socialWritten + customersWritten);
        result[0] = new Result(m, userCount, customerCount, edgeCount, pr.iterations(), lp.communityCount(),
            lp.iterations(), leaders, plan.mode());
      } finally {
        cached.forEach(Dataset::unpersist);
      }
    });
    Result r = result[0];
    return new Result(metrics, r.users(), r.customers(), r.edges(), r.pageRankIterations(), r.communityCount(),
        r.labelPropagationIterations(), r.opinionLeaders(), r.mode());
  }

  /**
   * Runs PageRank and label propagation from a cold start on the same graph and reports how the warm-started
   * results differ: the adjusted Rand index of the communities, the largest influence difference (against the
   * bound both runs' tolerance allows: n x 2 tol d/(1-d)) and the cold iterations.
   */
  private static void compareWithCold(JobContext context, RunMetrics m, SocialSettings settings, SocialGraph graph,
      WeightedPageRank.Result warmRanks, Communities.Result warmCommunities) throws Exception {
    WeightedPageRank.Result coldRanks = context.steps().run("pagerank (cold, for comparison)", () ->
        settings.pageRank().run(graph));
    Communities.Result coldCommunities = context.steps().run("communities (cold, for comparison)", () ->
        settings.communities().run(graph));
    double ari = context.steps().run("compare with cold", () -> AdjustedRandIndex.of(warmCommunities.communities()
        .select(col(SocialColumns.ID), col(SocialColumns.COMMUNITY_ID).as("_warm"))
        .join(coldCommunities.communities().select(col(SocialColumns.ID), col(SocialColumns.COMMUNITY_ID)
            .as("_cold")), SocialColumns.ID), "_warm", "_cold"));
    int n = graph.vertexCount();
    Row diff = warmRanks.ranks().select(col(SocialColumns.ID), col(SocialColumns.PAGERANK).as("_warm"))
        .join(coldRanks.ranks().select(col(SocialColumns.ID), col(SocialColumns.PAGERANK).as("_cold")),
            SocialColumns.ID)
        .agg(functions.max(functions.abs(col("_warm").minus(col("_cold")))),
            functions.sum(functions.abs(col("_warm").minus(col("_cold"))))).first();
    double maxDiff = diff.isNullAt(0) ? 0 : diff.getDouble(0) * n;
    double l1 = diff.isNullAt(1) ? 0 : diff.getDouble(1);
    double d = settings.pageRank().damping();
    double bound = 2 * settings.pageRank().tolerance() * d / (1 - d);
    context.log().info("compared with a cold start on the same graph: communities adjusted Rand index {} ({} "
        + "communities warm, {} cold); influence differs by at most {} (PageRank L1 difference {}, bound {}); "
        + "iterations warm/cold: PageRank {}/{}, label propagation {}/{}", String.format(Locale.ROOT, "%.4f", ari),
        warmCommunities.communityCount(), coldCommunities.communityCount(), maxDiff, l1, bound,
        warmRanks.iterations(), coldRanks.iterations(), warmCommunities.iterations(), coldCommunities.iterations());
    m.detail(SocialRuns.COMMUNITY_ARI_VS_COLD, ari).detail("communities_cold", coldCommunities.communityCount())
        .detail("influence_max_diff_vs_cold", maxDiff).detail("pagerank_l1_diff_vs_cold", l1)
        .detail("pagerank_iterations_cold", coldRanks.iterations())
        .detail("label_propagation_iterations_cold", coldCommunities.iterations());
  }

  private static Dataset<Row> cache(List<Dataset<Row>> cached, Dataset<Row> data) {
    Dataset<Row> persisted = data.persist(StorageLevel.MEMORY_AND_DISK());
    cached.add(persisted);
    return persisted;
  }
}

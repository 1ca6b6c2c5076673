package io.kindred.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindred.clean.Feed;
import io.kindred.clean.RawFiles;
import io.kindred.config.KindredConfig;
import io.kindred.jobs.clean.CleanJob;
import io.kindred.jobs.clean.CleanOptions;
import io.kindred.jobs.cli.CommandLine;
import io.kindred.jobs.cli.JobContext;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.Layer;
import io.kindred.lake.Location;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.CustomerFeatureColumns;
import io.kindred.lake.Tables.RunMetricsColumns;
import io.kindred.lake.Tables.SocialFeatureColumns;
import io.kindred.social.AdjustedRandIndex;
import io.kindred.social.SocialFeatures;
import io.kindred.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kindred build-social-features} through the command, on an empty lakehouse and on a generated world. */
class BuildSocialFeaturesJobTest {

  private final SparkSession spark = SharedSpark.session();

  private static KindredConfig config(Path lakehouse) {
    // the generated history (45 days) is shorter than two churn horizons
    return KindredConfig.load(null, Map.of("kindred.lakehouse", lakehouse.toString(),
        "kindred.features.churn.enabled", "false"));
  }

  private static Lakehouse lake(KindredConfig config) {
    return new Lakehouse(Location.parse(config.getString("lakehouse")));
  }

  @Test
  void failsNamingTheAsOfWhenBuildFeaturesHasNotRunForIt(@TempDir Path lakehouse) {
    KindredConfig config = config(lakehouse);
    BuildSocialFeaturesCommand command = new BuildSocialFeaturesCommand();
    command.common().runDate(LocalDate.of(2026, 3, 4));
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code = Kindred.run(command, spark, config, new PrintStream(err, true, StandardCharsets.UTF_8));

    assertEquals(CommandLine.FAILED, code);
    assertEquals("kindred build-social-features failed: gold/customer_features has no snapshot for as_of 2026-03-04: "
        + "run `kindred build-features --as-of 2026-03-04` first\n", err.toString(StandardCharsets.UTF_8));
    Row metrics = lake(config).read(spark, Tables.RUN_METRICS).select(RunMetricsColumns.JOB, RunMetricsColumns.STATUS)
        .first();
    assertEquals("build-social-features", metrics.getString(0));
    assertEquals("failed", metrics.getString(1));
    assertFalse(lake(config).exists(spark, Tables.GOLD_SOCIAL_FEATURES));
  }

  /** A truth line of social_users.csv. */
  private record Truth(String community, boolean influencer) {
  }

  private static Map<String, Truth> truth(Path raw) throws Exception {
    Map<String, Truth> out = new TreeMap<>();
    List<String> lines = Files.readAllLines(raw.resolve("truth").resolve("social_users.csv"));
    assertEquals("user_id,community,is_influencer,is_customer", lines.get(0));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      out.put(f[0], new Truth(f[1], Boolean.parseBoolean(f[2])));
    }
    return out;
  }

  /** The snapshot's rows by customer, the columns given as strings. */
  private Map<String, List<String>> snapshot(Lakehouse lake, LocalDate asOf, List<String> columns) {
    Map<String, List<String>> out = new TreeMap<>();
    Dataset<Row> rows = lake.read(spark, Tables.GOLD_CUSTOMER_FEATURES)
        .filter(col(CustomerFeatureColumns.AS_OF).equalTo(Date.valueOf(asOf)))
        .select(columns.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new));
    for (Row r : rows.collectAsList()) {
      List<String> values = new ArrayList<>();
      for (int i = 0; i < r.length(); i++) {
        values.add(String.valueOf(r.get(i)));
      }
      out.put(r.getString(columns.indexOf(CustomerFeatureColumns.CUSTOMER_ID)), values);
    }
    return out;
  }

  private Map<String, String> socialRows(Lakehouse lake, LocalDate asOf) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : lake.read(spark, Tables.GOLD_SOCIAL_FEATURES).drop(SocialFeatureColumns.RUN_ID)
        .filter(col(SocialFeatureColumns.AS_OF).equalTo(Date.valueOf(asOf))).collectAsList()) {
      out.put(r.getString(1), r.toString());
    }
    return out;
  }

  @Test
  void generatedWorldRecoversPlantedCommunitiesAndInfluencers(@TempDir Path dir) throws Exception {
    KindredConfig config = config(dir.resolve("lake"));
    Lakehouse lake = lake(config);
    LocalDate runDate = LocalDate.of(2026, 3, 31);
    int days = 30;
    JobContext context = new JobContext(spark, config, lake, runDate, "test");
    Location raw = lake.root().resolve(Layer.RAW.folder());
    GenerateCommand.generate(context.forJob("generate", runDate), 2000, days, 11, raw, true);
    // the social features need transactions and interactions, not customer records
    for (Feed feed : List.of(Feed.TRANSACTIONS, Feed.INTERACTIONS)) {
      CleanJob.run(context.forJob("clean-" + feed.code(), runDate), feed, new CleanOptions()
          .withInput(RawFiles.resolve(lake.location(Layer.RAW, "").uri(), feed.code()))
          .withFromDate(runDate.minusDays(days - 1L)));
    }
    new BuildFeaturesCommand().build(context.forJob("build-features", runDate));
    List<String> other = Arrays.stream(Tables.GOLD_CUSTOMER_FEATURES.schema().fieldNames())
        .filter(c -> !SocialFeatures.CUSTOMER_COLUMNS.contains(c)).toList();
    Map<String, List<String>> before = snapshot(lake, runDate, other);

    BuildSocialFeaturesCommand.Result result = new BuildSocialFeaturesCommand()
        .build(context.forJob("build-social-features", runDate));

    Map<String, Truth> truth = truth(Path.of(raw.uri().replace("file:", "")));
    List<Row> rows = lake.read(spark, Tables.GOLD_SOCIAL_FEATURES)
        .filter(col(SocialFeatureColumns.AS_OF).equalTo(Date.valueOf(runDate))).collectAsList();
    List<String> planted = new ArrayList<>();
    List<String> found = new ArrayList<>();
    int influencers = 0;
    List<Double> influencerPercentiles = new ArrayList<>();
    int topInfluencers = 0;
    int top = 0;
    for (Row r : rows) {
      String user = r.getAs(SocialFeatureColumns.USER_ID);
      Truth t = truth.get(user);
      assertTrue(t != null, user + " is a generated social user");
      planted.add(t.community());
      found.add(r.getAs(SocialFeatureColumns.COMMUNITY_ID));
      double percentile = r.getAs(SocialFeatureColumns.INFLUENCE_PERCENTILE);
      if (t.influencer()) {
        influencers++;
        influencerPercentiles.add(percentile);
      }
      if (percentile >= 0.99) {
        top++;
        topInfluencers += t.influencer() ? 1 : 0;
      }
    }
    double ari = AdjustedRandIndex.of(planted, found);
    influencerPercentiles.sort(null);
    System.out.printf("build-social-features on a generated world: ARI %.4f over %d users; %d planted influencers, "
            + "lowest influence percentile %.4f; top 1%%: %d users, %d of them planted influencers; %s%n", ari,
        rows.size(), influencers, influencerPercentiles.get(0), top, topInfluencers, result);

    // Communities: the planted blocks are recovered.
    assertTrue(ari >= 0.8, "adjusted Rand index " + ari + " of community_id against the planted communities");
    // Influence: every user of the top 1% (influence_percentile >= 0.99) is a planted influencer, and every planted
    // influencer ranks in the top decile (influence_percentile >= 0.9); so is every opinion leader.
    assertTrue(top >= rows.size() / 100, "top 1%: " + top + " users");
    assertEquals(top, topInfluencers, "planted influencers among the top 1% of influence");
    assertTrue(influencerPercentiles.get(0) >= 0.9, "lowest influence percentile of a planted influencer: "
        + influencerPercentiles.get(0));
    assertTrue(result.opinionLeaders() > 0);
    for (Row r : rows) {
      if (r.<Boolean>getAs(SocialFeatureColumns.OPINION_LEADER)) {
        assertTrue(truth.get(r.<String>getAs(SocialFeatureColumns.USER_ID)).influencer(), r.toString());
      }
    }

    // Rows: one per social user, every customer of the snapshot among them; rows in = users + customers = written.
    Map<String, List<String>> after = snapshot(lake, runDate, other);
    assertEquals(before, after, "build-social-features leaves the other columns of customer_features as they were");
    assertEquals(rows.size(), result.users());
    assertEquals(before.size(), result.customers());
    assertEquals(before.size(), rows.stream().filter(r -> r.<Boolean>getAs(SocialFeatureColumns.IS_CUSTOMER)).count());
    Row metrics = lake.read(spark, Tables.RUN_METRICS).filter(col(RunMetricsColumns.JOB).equalTo(
        "build-social-features")).select(RunMetricsColumns.STATUS, RunMetricsColumns.ROWS_IN,
        RunMetricsColumns.ROWS_WRITTEN, RunMetricsColumns.ROWS_QUARANTINED, RunMetricsColumns.DUPLICATES_DROPPED)
        .first();
    assertEquals(List.of("succeeded", result.users() + result.customers(), result.users() + result.customers(), 0L,
        0L), List.of(metrics.get(0), metrics.get(1), metrics.get(2), metrics.get(3), metrics.get(4)));

    // customer_features: every customer's social columns are filled, with the values of its social_features row.
    List<String> social = new ArrayList<>(SocialFeatures.CUSTOMER_COLUMNS);
    social.add(0, CustomerFeatureColumns.CUSTOMER_ID);
    Map<String, List<String>> filled = snapshot(lake, runDate, social);
    Map<String, List<String>> expected = new TreeMap<>();
    for (Row r : rows) {
      if (r.<Boolean>getAs(SocialFeatureColumns.IS_CUSTOMER)) {
        List<String> values = new ArrayList<>();
        social.forEach(c -> values.add(String.valueOf((Object) r.getAs(
            c.equals(CustomerFeatureColumns.CUSTOMER_ID) ? SocialFeatureColumns.USER_ID : c))));
        expected.put(values.get(0), values);
      }
    }
    assertEquals(expected, filled);
    assertTrue(filled.values().stream().noneMatch(v -> v.contains("null")), "no social column is null");

    // A rerun gives the same snapshots.
    Map<String, String> first = socialRows(lake, runDate);
    Map<String, List<String>> firstCustomers = snapshot(lake, runDate, List.of(
        Tables.GOLD_CUSTOMER_FEATURES.schema().fieldNames()));
    new BuildSocialFeaturesCommand().build(context.forJob("build-social-features", runDate));
    assertEquals(first, socialRows(lake, runDate));
    assertEquals(firstCustomers, snapshot(lake, runDate, List.of(Tables.GOLD_CUSTOMER_FEATURES.schema().fieldNames())));
    assertEquals(2, lake.read(spark, Tables.RUN_METRICS).filter(col(RunMetricsColumns.JOB).equalTo(
        "build-social-features")).count());
  }
}

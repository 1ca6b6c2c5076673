package io.kindred.jobs.clean;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.kindred.clean.Feed;
import io.kindred.jobs.BuildSocialFeaturesCommand;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.SocialFeatureColumns;
import io.kindred.ops.RunMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A review site without sales (a fixture of our own in the shape of the public trust-graph data: who trusts whom,
 * without dates or ids, and dated reviews with epoch seconds, ratings 0..5 and product ids that share numbers with
 * user ids), each through its own source definition ({@code src/test/resources/trust-graph/*.conf}: undated edges as
 * follows valid from a fixed date, reviews typed by a constant), then build-social-features on interactions alone:
 * no transactions and no customer features. Every expected figure is computed here from the two files.
 */
class TrustGraphSocialTest {

  private static final Path FIXTURES = Path.of("src", "test", "resources", "trust-graph");
  private static final LocalDate RUN_DATE = LocalDate.of(2011, 6, 30);

  @TempDir
  Path dir;

  private static List<String[]> lines(String file) throws Exception {
    List<String> all = Files.readAllLines(FIXTURES.resolve(file), StandardCharsets.UTF_8);
    return all.subList(1, all.size()).stream().map(l -> l.split(",")).toList();
  }

  @Test
  void aTrustGraphAndReviewsGiveGraphFeaturesWithoutSales() throws Exception {
    // expected, from the files: distinct edges (a repeated line is the same edge, a self-trust is quarantined),
    // reviews with a rating in 1..5 (a review of a product whose id equals its author's is kept)
    Set<List<String>> edges = new HashSet<>();
    long selfTrust = 0;
    List<String[]> trust = lines("trust.csv");
    for (String[] e : trust) {
      if (e[0].equals(e[1])) {
        selfTrust++;
      } else {
        edges.add(List.of(e[0], e[1]));
      }
    }
    long repeated = trust.size() - selfTrust - edges.size();
    Map<String, int[]> follows = new TreeMap<>();
    for (List<String> e : edges) {
      follows.computeIfAbsent(e.get(0), k -> new int[2])[1]++;
      follows.computeIfAbsent(e.get(1), k -> new int[2])[0]++;
    }
    Map<String, double[]> reviews = new TreeMap<>();
    long badRatings = 0;
    List<String[]> reviewLines = lines("reviews.csv");
    for (String[] r : reviewLines) {
      int rating = Integer.parseInt(r[2]);
      if (rating < 1 || rating > 5) {
        badRatings++;
      } else {
        double[] sum = reviews.computeIfAbsent(r[0], k -> new double[2]);
        sum[0]++;
        sum[1] += rating;
      }
    }
    Set<String> users = new HashSet<>(follows.keySet());
    users.addAll(reviews.keySet());
    // the fixture has the shapes the data has
    assertEquals(List.of(1L, 1L, 1L, 10L), List.of(selfTrust, repeated, badRatings, (long) users.size()));

    CleanHarness harness = new CleanHarness(dir);
    RunMetrics graph = harness.clean(Feed.INTERACTIONS, FIXTURES.resolve("trust-graph.conf").toString(),
        FIXTURES.resolve("trust.csv").toAbsolutePath(), RUN_DATE, RUN_DATE);
    RunMetrics rated = harness.clean(Feed.INTERACTIONS, FIXTURES.resolve("reviews.conf").toString(),
        FIXTURES.resolve("reviews.csv").toAbsolutePath(), RUN_DATE, RUN_DATE);

    assertEquals(List.of((long) trust.size(), (long) edges.size(), selfTrust, repeated),
        List.of(graph.rowsIn(), graph.rowsWritten(), graph.rowsQuarantined(), graph.duplicatesDropped()));
    assertEquals(List.of((long) reviewLines.size(), reviewLines.size() - badRatings, badRatings, 0L),
        List.of(rated.rowsIn(), rated.rowsWritten(), rated.rowsQuarantined(), rated.duplicatesDropped()));
    assertEquals(Map.of("self_interaction", selfTrust, "rating_out_of_range", badRatings),
        reasons(harness));
    // the undated edges are follows valid from the source's date
    assertEquals(edges.size(), harness.table(Tables.SILVER_FOLLOWS)
        .filter(col(Tables.FollowColumns.VALID_FROM).equalTo(Timestamp.from(Instant.parse("2010-01-01T00:00:00Z"))))
        .count());

    new BuildSocialFeaturesCommand().build(harness.context("build-social-features", RUN_DATE));

    Map<String, Row> social = new TreeMap<>();
    for (Row r : harness.table(Tables.GOLD_SOCIAL_FEATURES).collectAsList()) {
      social.put(r.getAs(SocialFeatureColumns.USER_ID), r);
    }
    assertEquals(new TreeSet<>(users), social.keySet());
    double influence = 0;
    for (String user : users) {
      Row r = social.get(user);
      int[] f = follows.getOrDefault(user, new int[2]);
      assertEquals(f[0], r.<Integer>getAs(SocialFeatureColumns.FOLLOWERS), user + " followers");
      assertEquals(f[1], r.<Integer>getAs(SocialFeatureColumns.FOLLOWING), user + " following");
      double[] written = reviews.getOrDefault(user, new double[2]);
      assertEquals((int) written[0], r.<Integer>getAs(SocialFeatureColumns.REVIEWS_WRITTEN), user + " reviews");
      assertEquals(written[0] == 0 ? 0.0 : written[1] / written[0], r.<Double>getAs(SocialFeatureColumns.MEAN_RATING),
          1e-12, user + " mean rating");
      assertFalse(r.<Boolean>getAs(SocialFeatureColumns.IS_CUSTOMER), user);
      assertFalse(r.isNullAt(r.fieldIndex(SocialFeatureColumns.COMMUNITY_ID)), user + " community");
      influence += r.<Double>getAs(SocialFeatureColumns.INFLUENCE);
    }
    // influence is PageRank times the number of users: mean 1
    assertEquals(users.size(), influence, 1e-9);
    // no customer features were written
    assertFalse(harness.lake.exists(harness.spark, Tables.GOLD_CUSTOMER_FEATURES)
        && harness.table(Tables.GOLD_CUSTOMER_FEATURES).count() > 0);
  }

  private static Map<String, Long> reasons(CleanHarness harness) {
    Map<String, Long> out = new TreeMap<>();
    for (Row r : harness.table(Tables.QUARANTINE_INTERACTIONS).groupBy("reason").count().collectAsList()) {
      out.put(r.getString(0), r.getLong(1));
    }
    return out;
  }
}

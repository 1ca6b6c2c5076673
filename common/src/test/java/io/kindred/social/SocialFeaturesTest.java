package io.kindred.social;

import static io.kindred.social.SocialFixtures.ev;
import static io.kindred.social.SocialFixtures.review;
import static io.kindred.social.SocialFixtures.tx;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kindred.config.KindredConfig;
import io.kindred.features.RfmFeatures;
import io.kindred.features.RfmSegments;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.SocialFeatureColumns;
import io.kindred.social.SocialFixtures.Ev;
import io.kindred.social.SocialFixtures.Tx;
import io.kindred.testing.SharedSpark;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The social features on a small hand-built world whose expected values are worked out by hand in the comments,
 * and on a seeded random world checked against the brute force of {@link SocialFixtures}.
 */
class SocialFeaturesTest {

  private final SparkSession spark = SharedSpark.session();

  private static final LocalDate AS_OF = LocalDate.of(2026, 3, 31);

  /**
   * Follows (at the end of 2026-03-31): C3>C1, C5>C1 (after an unfollow that closed nothing), C3>C2 (unfollowed at
   * exactly midnight after the as-of day), C4>C2 (followed, unfollowed, followed again), C6>C2, S1>C3, C7>C3, C3>S2.
   * Not: C4>C1 (follow then unfollow), C6>C1 (after the as-of day), C2>C2 (a self-follow).
   */
  static final List<Ev> FOLLOWS = List.of(
      ev("f01", "C3", "C1", "follow", "2026-03-01T10:00"),
      ev("f02", "C4", "C1", "follow", "2026-03-01T10:00"),
      ev("f03", "C4", "C1", "unfollow", "2026-03-10T10:00"),
      ev("f04", "C5", "C1", "unfollow", "2026-02-20T10:00"),
      ev("f05", "C5", "C1", "follow", "2026-03-05T10:00"),
      ev("f06", "C6", "C1", "follow", "2026-04-01T00:00"),
      ev("f07", "C3", "C2", "follow", "2026-02-01T10:00"),
      ev("f08", "C3", "C2", "unfollow", "2026-04-01T00:00"),
      ev("f09", "C2", "C2", "follow", "2026-03-01T10:00"),
      ev("f10", "C4", "C2", "follow", "2026-03-02T10:00"),
      ev("f11", "C4", "C2", "unfollow", "2026-03-03T10:00"),
      ev("f12", "C4", "C2", "follow", "2026-03-15T10:00"),
      ev("f13", "S1", "C3", "follow", "2026-01-15T10:00"),
      ev("f14", "C7", "C3", "follow", "2026-03-20T10:00"),
      ev("f15", "C3", "S2", "follow", "2026-03-01T10:00"),
      ev("f16", "C6", "C2", "follow", "2026-03-21T10:00"));

  /** Referrals; r07 comes after the as-of day. */
  static final List<Ev> REFERRALS = List.of(
      ev("r01", "C1", "C6", "referral", "2026-02-01T10:00"),
      ev("r02", "C1", "C6", "referral", "2026-02-03T10:00"),
      ev("r03", "C2", "C6", "referral", "2026-02-10T10:00"),
      ev("r04", "C1", "C3", "referral", "2026-03-10T10:00"),
      ev("r05", "C1", "S1", "referral", "2026-03-11T10:00"),
      ev("r06", "S2", "C5", "referral", "2025-12-01T10:00"),
      ev("r07", "C2", "C4", "referral", "2026-04-02T10:00"),
      ev("e01", "C7", "C1", "like", "2026-03-25T10:00"));

  static final List<Ev> EVENTS = concat(FOLLOWS, REFERRALS);

  /**
   * Transactions. Leaders C1 and C2 buy electronics (C1 03-12 10:00, C2 03-12 09:00) and books (C2 03-04 09:00 and
   * 03-20 10:00). C9 is a customer with no social activity at all.
   */
  static final List<Tx> TXS = List.of(
      tx("t11", "C1", "2025-12-31T10:00", "50.00", "electronics"),
      tx("t12", "C1", "2026-03-12T10:00", "100.00", "electronics"),
      tx("t21", "C2", "2026-03-04T09:00", "40.00", "books"),
      tx("t22", "C2", "2026-03-06T09:00", "-10.00", "books"),
      tx("t23", "C2", "2026-03-12T09:00", "10.00", "electronics"),
      tx("t24", "C2", "2026-03-20T10:00", "20.00", "books"),
      tx("t31", "C3", "2026-03-05T10:00", "12.00", "books"),        // C2 bought books 25 h before: triggered
      tx("t32", "C3", "2026-03-13T10:00", "30.00", "electronics"),  // after both leaders: counted once
      tx("t33", "C3", "2026-03-13T11:00", "8.00", "fashion"),       // no leader bought fashion
      tx("t34", "C3", "2026-03-14T10:00", "3.00", null),            // no category: never triggered
      tx("t35", "C3", "2026-03-19T10:00:00", "20.00", "electronics"), // exactly 7 days after C1: triggered
      tx("t36", "C3", "2026-03-19T10:00:01", "5.00", "electronics"),  // 7 days and a second: not
      tx("t41", "C4", "2026-03-11T10:00", "60.00", "electronics"),  // before the leaders bought
      tx("t42", "C4", "2026-03-12T12:00", "15.00", "electronics"),  // C4 no longer followed C1, not yet C2 again
      tx("t43", "C4", "2026-03-21T10:00", "11.00", "books"),        // followed C2 again on 03-15: triggered
      tx("t51", "C5", "2025-12-10T10:00", "20.00", "fashion"),      // C5's first purchase, referred by S2
      tx("t52", "C5", "2026-03-09T10:00", "15.00", "fashion"),      // 89 days later: referral revenue
      tx("t53", "C5", "2026-03-10T10:00", "5.00", "fashion"),       // 90 days later: not
      tx("t54", "C5", "2026-03-12T10:00", "25.00", "electronics"),  // the same instant as C1: not after it
      tx("t55", "C5", "2026-03-14T10:00", "35.00", "electronics"),  // triggered by C1
      tx("t56", "C5", "2026-03-15T10:00", "-35.00", "electronics"), // a return: never triggered
      tx("t61", "C6", "2026-03-22T10:00", "14.00", "books"),        // followed C2 only after C2 bought: not
      SocialFixtures.late(tx("t62", "C6", "2026-03-30T10:00", "50.00", "books"), LocalDate.of(2026, 4, 1)),
      tx("t63", "C6", "2026-04-02T10:00", "9.00", "books"),
      tx("t91", "C9", "2026-03-02T10:00", "25.00", "home"));

  /** The snapshot's customers and segments (C7 has not bought anything; S1, S2 are not customers). */
  static final Map<String, String> SEGMENTS = new TreeMap<>(Map.of("C1", "champions", "C2", "champions",
      "C3", "loyal", "C4", "champions", "C5", "at risk", "C6", "new", "C9", "hibernating"));

  static final StructType ID_SEGMENT = new StructType().add(SocialColumns.ID, DataTypes.StringType, false)
      .add(Tables.CustomerFeatureColumns.RFM_SEGMENT, DataTypes.StringType, false);

  @SafeVarargs
  static <T> List<T> concat(List<T>... lists) {
    List<T> out = new ArrayList<>();
    for (List<T> l : lists) {
      out.addAll(l);
    }
    return out;
  }

  /** The hand-built world's frames, built once and cached: each test reads them several times. */
  private static Dataset<Row> known;
  private static Dataset<Row> follows;
  private static Dataset<Row> active;
  private static Dataset<Row> transactions;

  @BeforeAll
  static void world() {
    SparkSession session = SharedSpark.session();
    known = SocialFeatures.interactionsKnownAt(AS_OF, SocialFixtures.interactions(session, EVENTS)).cache();
    follows = SocialFixtures.follows(session, EVENTS).cache();
    active = SocialFeatures.followsAt(AS_OF, follows).cache();
    transactions = knownTransactions(session, TXS).cache();
  }

  @AfterAll
  static void release() {
    List.of(known, follows, active, transactions).forEach(Dataset::unpersist);
  }

  private Dataset<Row> known() {
    return known;
  }

  private Dataset<Row> active() {
    return active;
  }

  private static Dataset<Row> knownTransactions(SparkSession session, List<Tx> txs) {
    return RfmFeatures.transactionsAsOf(SocialFixtures.transactions(session, txs), AS_OF, false);
  }

  private Dataset<Row> segments(Map<String, String> segments) {
    List<Row> rows = new ArrayList<>();
    segments.forEach((id, s) -> rows.add(RowFactory.create(id, s)));
    return spark.createDataFrame(rows, ID_SEGMENT);
  }

  /** Rows keyed by their first column, the other columns as strings. */
  private static Map<String, List<String>> byId(Dataset<Row> data) {
    Map<String, List<String>> out = new TreeMap<>();
    for (Row r : data.collectAsList()) {
      List<String> values = new ArrayList<>();
      for (int i = 1; i < r.length(); i++) {
        values.add(str(r.get(i)));
      }
      out.put(r.getString(0), values);
    }
    return out;
  }

  /** A value as a string; a map sorted by key, e.g. {@code {like=2, share=0}}. */
  static String str(Object value) {
    if (value instanceof scala.collection.Map<?, ?> m) {
      return new TreeMap<>(scala.jdk.javaapi.CollectionConverters.asJava(m)).toString();
    }
    return String.valueOf(value);
  }

  @Test
  void followersAndFollowingAtTheEndOfTheAsOfDay() {
    Map<String, List<String>> actual = byId(SocialFeatures.followCounts(active()));

    // followers, following
    Map<String, List<String>> expected = new TreeMap<>();
    expected.put("C1", List.of("2", "0"));   // C3, C5 (C4 unfollowed, C6 followed after the day)
    expected.put("C2", List.of("3", "0"));   // C3, C4, C6; its self-follow is absent
    expected.put("C3", List.of("2", "3"));   // S1, C7; follows C1, C2, S2
    expected.put("C4", List.of("0", "1"));
    expected.put("C5", List.of("0", "1"));
    expected.put("C6", List.of("0", "1"));
    expected.put("C7", List.of("0", "1"));
    expected.put("S1", List.of("0", "1"));
    expected.put("S2", List.of("1", "0"));
    assertEquals(expected, actual);
    Map<String, List<String>> bruteForce = new TreeMap<>();
    SocialFixtures.followCounts(EVENTS, AS_OF).forEach((id, c) -> bruteForce.put(id, List.of(
        String.valueOf(c.get(0)), String.valueOf(c.get(1)))));
    assertEquals(bruteForce, actual);
  }

  @Test
  void socialUsersAreCustomersAndEveryoneInTheKnownGraph() {
    Dataset<Row> customers = segments(SEGMENTS).select(col(SocialColumns.ID).as("customer_id"));

    Map<String, List<String>> actual = byId(SocialFeatures.socialUsers(known(), active(), customers));

    Map<String, List<String>> expected = new TreeMap<>();
    for (String c : List.of("C1", "C2", "C3", "C4", "C5", "C6", "C9")) {
      expected.put(c, List.of("true"));
    }
    for (String u : List.of("C7", "S1", "S2")) {
      expected.put(u, List.of("false"));
    }
    assertEquals(expected, actual);
  }

  @Test
  void friendsSpendAndChampionsFollowed() {
    Dataset<Row> spend = SocialFeatures.netSpend(AS_OF, 90, transactions);

    Map<String, List<String>> actualSpend = byId(spend);
    Map<String, List<String>> actualPeers = byId(SocialFeatures.peerValue("champions", active(), spend,
        segments(SEGMENTS)));

    // net of returns over 2026-01-01 .. 2026-03-31, known at the end of 03-31
    assertEquals(Map.of("C1", List.of("100.00"), "C2", List.of("60.00"), "C3", List.of("78.00"),
        "C4", List.of("86.00"), "C5", List.of("45.00"), "C6", List.of("14.00"), "C9", List.of("25.00")), actualSpend);
    Map<String, List<String>> expected = new TreeMap<>();
    expected.put("C3", List.of("160.00", "2"));  // C1 100 + C2 60 + S2 (no purchases) 0; C1 and C2 champions
    expected.put("C4", List.of("60.00", "1"));
    expected.put("C5", List.of("100.00", "1"));
    expected.put("C6", List.of("60.00", "1"));
    expected.put("C7", List.of("78.00", "0"));
    expected.put("S1", List.of("78.00", "0"));
    assertEquals(expected, actualPeers);
    assertEquals(SocialFixtures.peerValue(EVENTS, TXS, SEGMENTS, "champions", AS_OF), actualPeers);
  }

  @Test
  void purchasesWithinSevenDaysAfterAFollowedLeaderBoughtTheSameCategory() {
    Dataset<Row> leaders = spark.createDataFrame(List.of(RowFactory.create("C1"), RowFactory.create("C2")),
        new StructType().add(SocialColumns.ID, DataTypes.StringType));

    Map<String, List<String>> actual = byId(SocialFeatures.leaderTriggeredPurchases(AS_OF, 7, 90,
        transactions, follows, leaders));

    assertEquals(Map.of("C3", List.of("3"), "C4", List.of("1"), "C5", List.of("1")), actual);
    Map<String, List<String>> bruteForce = new TreeMap<>();
    SocialFixtures.leaderTriggered(EVENTS, TXS, Set.of("C1", "C2"), AS_OF, 7, 90)
        .forEach((id, n) -> bruteForce.put(id, List.of(String.valueOf(n))));
    assertEquals(bruteForce, actual);
  }

  @Test
  void referralsConvertOnTheReferredCustomersFirstPurchase() {
    Map<String, List<String>> actual = byId(SocialFeatures.referrals(90, known(), transactions));

    // made (distinct referred), converted, revenue in the first 90 days
    Map<String, List<String>> expected = new TreeMap<>();
    expected.put("C1", List.of("3", "0", "0.00"));  // C6 (twice; C2's later referral gets the credit), C3 (had
    //                                                  bought before), S1 (never bought)
    expected.put("C2", List.of("1", "1", "14.00")); // C6: 03-22 14.00; the late 03-30 and the 04-02 rows unknown
    expected.put("S2", List.of("1", "1", "35.00")); // C5: 20.00 on 12-10 and 15.00 89 days later, not 90
    assertEquals(expected, actual);
    assertEquals(SocialFixtures.referrals(EVENTS, TXS, AS_OF, 90), actual);
  }

  @Test
  void interactionsByTypeOverThirtyAndNinetyDays() {
    List<Ev> events = List.of(
        ev("e01", "A", "B", "like", "2026-03-31T23:59"),
        ev("e02", "A", "B", "like", "2026-03-02T00:00"),     // first day of the 30-day window
        ev("e03", "A", "B", "like", "2026-03-01T23:59"),     // 90 days only
        ev("e04", "A", "B", "comment", "2026-01-01T00:00"),  // first day of the 90-day window
        ev("e05", "A", "B", "share", "2025-12-31T23:59"),    // before both windows
        review("e06", "A", "P00001", "2026-03-10T10:00", 4),
        review("e07", "A", "P00002", "2025-11-01T10:00", 5), // counts among reviews written, not as a recent post
        ev("e08", "B", "A", "mention", "2026-03-20T10:00"),
        ev("e09", "B", "A", "like", "2026-04-01T00:00"),     // after the as-of day
        SocialFixtures.late(ev("e10", "B", "A", "like", "2026-03-30T10:00"), LocalDate.of(2026, 4, 1)),
        ev("e11", "A", "A", "like", "2026-03-15T10:00"),     // a self-interaction
        ev("e12", "C", "A", "referral", "2026-03-05T10:00"),
        ev("e13", "A", "C", "follow", "2026-03-01T10:00"),
        ev("e14", "A", "C", "unfollow", "2026-03-03T10:00"));

    Dataset<Row> actual = SocialFeatures.interactionActivity(AS_OF,
        SocialFeatures.interactionsKnownAt(AS_OF, SocialFixtures.interactions(spark, events)));

    Map<String, List<String>> expected = new TreeMap<>();
    expected.put("A", List.of(
        counts("like", 2, "review", 1, "unfollow", 1), counts("mention", 1, "referral", 1),
        counts("like", 3, "comment", 1, "review", 1, "follow", 1, "unfollow", 1), counts("mention", 1, "referral", 1),
        "2", "1", "0.5", "2", "4.5"));   // posts: comment + review; engagement: the mention
    expected.put("B", List.of(
        counts("mention", 1), counts("like", 2),
        counts("mention", 1), counts("like", 3, "comment", 1),
        "1", "4", "4.0", "0", "0.0"));
    expected.put("C", List.of(
        counts("referral", 1), counts("unfollow", 1),
        counts("referral", 1), counts("follow", 1, "unfollow", 1),
        "0", "0", "0.0", "0", "0.0"));   // no post: engagement per post is engagement / 1
    assertEquals(expected, byId(actual));
    assertEquals(List.of("id", SocialFeatureColumns.INTERACTIONS_GIVEN_30D, SocialFeatureColumns.INTERACTIONS_RECEIVED_30D,
        SocialFeatureColumns.INTERACTIONS_GIVEN_90D, SocialFeatureColumns.INTERACTIONS_RECEIVED_90D,
        SocialFeatureColumns.POSTS_90D, SocialFeatureColumns.ENGAGEMENT_RECEIVED_90D,
        SocialFeatureColumns.ENGAGEMENT_PER_POST_90D, SocialFeatureColumns.REVIEWS_WRITTEN,
        SocialFeatureColumns.MEAN_RATING), List.of(actual.columns()));
  }

  /**
   * Night P = 03-30 and night D = 03-31: the 30-day window loses 03-01, the 90-day window loses 2025-12-31. Each
   * event's part in the fold is in its comment.
   */
  static final LocalDate PRIOR = AS_OF.minusDays(1);
  static final List<Ev> FOLD_EVENTS = List.of(
      ev("e01", "A", "B", "like", "2026-03-31T08:00"),         // dated D: added to both windows
      ev("e02", "A", "B", "like", "2026-03-01T23:59"),         // known at P, left the 30-day window
      ev("e03", "A", "B", "comment", "2025-12-31T10:00"),      // known at P, left the 90-day window (a post)
      SocialFixtures.late(ev("e04", "B", "A", "like", "2026-03-20T10:00"), AS_OF),   // late: added to both
      SocialFixtures.late(ev("e05", "B", "A", "mention", "2026-03-01T10:00"), AS_OF), // late, dated on the day
      //                                                          that left the 30-day window: added to 90 only
      SocialFixtures.late(review("e06", "A", "P00001", "2025-06-01T10:00", 4), AS_OF), // late old review: all-time
      review("e07", "A", "P00002", "2026-03-10T10:00", 5),     // known at P, stays
      review("e08", "A", "P00003", "2026-03-31T10:00", 3),     // dated D: a post, a review (mean 4, 5, 3 -> 4.0)
      ev("e09", "N", "A", "share", "2026-03-31T09:00"),        // N appears only tonight
      ev("e10", "B", "A", "like", "2026-03-15T10:00"),         // known at P, in both windows at D: unchanged
      ev("e11", "A", "A", "like", "2026-03-31T10:00"),         // a self-interaction: never counted
      ev("e12", "C", "B", "follow", "2026-04-01T10:00"),       // after D
      SocialFixtures.late(ev("e13", "B", "C", "like", "2026-03-30T10:00"), AS_OF.plusDays(1)), // delivered after D
      ev("e14", "C", "A", "referral", "2025-12-31T10:00"),     // left the 90-day window
      ev("e15", "C", "D", "like", "2026-03-01T10:00"),         // left the 30-day window: D keeps 90-day counts
      ev("e16", "E", "F", "like", "2025-12-31T10:00"),         // left both: E and F are all zeros at D
      ev("e17", "B", "A", "comment", "2026-03-30T10:00"),      // dated P, known at P: unchanged
      review("e18", "C", "P00001", "2026-01-20T10:00", 2));    // known at P: C's review stays

  @Test
  void windowedCountsFoldedFromThePriorNightEqualTheFullAggregation() {
    Dataset<Row> silver = SocialFixtures.interactions(spark, FOLD_EVENTS);
    Dataset<Row> prior = SocialFeatures.interactionActivity(PRIOR, SocialFeatures.interactionsKnownAt(PRIOR, silver));
    Dataset<Row> changed = SocialFeatures.interactionsChangedBetween(PRIOR, AS_OF, silver);

    Map<String, List<String>> folded = byId(SocialFeatures.foldedInteractionActivity(PRIOR, AS_OF, prior, changed));

    Map<String, List<String>> full = byId(SocialFeatures.interactionActivity(AS_OF,
        SocialFeatures.interactionsKnownAt(AS_OF, silver)));
    assertEquals(full, folded);
    assertEquals(new TreeSet<>(List.of("e01", "e02", "e03", "e04", "e05", "e06", "e08", "e09", "e11", "e14", "e15",
        "e16")), new TreeSet<>(changed.select("event_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList()));
    // worked out by hand: given 30, received 30, given 90, received 90, posts, engagement, per post, reviews, mean
    assertEquals(List.of(counts("like", 1, "review", 2), counts("like", 2, "comment", 1, "share", 1),
        counts("like", 2, "review", 2), counts("like", 2, "comment", 1, "mention", 1, "share", 1, "referral", 0),
        "2", "5", "2.5", "3", "4.0"), folded.get("A"));
    assertEquals(List.of(counts(), counts(), counts(), counts("like", 1), "0", "1", "1.0", "0", "0.0"),
        folded.get("D"));
    assertEquals(List.of(counts(), counts(), counts(), counts(), "0", "0", "0.0", "0", "0.0"), folded.get("E"));
    assertEquals(List.of(counts("share", 1), counts(), counts("share", 1), counts(), "1", "0", "0.0", "0", "0.0"),
        folded.get("N"));
    // the whole table instead of the changed rows gives the same: each row is weighed by its own dates
    assertEquals(full, byId(SocialFeatures.foldedInteractionActivity(PRIOR, AS_OF, prior, silver)));
  }

  @Test
  void changedRowsAreReadFromTheLeavingDaysTheLateDeliveriesAndTheNewDaysOnly(@TempDir Path dir) {
    // silver/interactions as cleaning writes it: partitioned by event_date, one commit per delivery day, so every
    // file holds one (event_date, ingest_day)
    String path = dir.resolve("interactions").toUri().toString();
    Dataset<Row> all = SocialFixtures.interactions(spark, FOLD_EVENTS);
    Set<String> files = new TreeSet<>();
    for (Ev e : FOLD_EVENTS) {
      files.add(e.date() + "/" + e.ingest());
    }
    for (LocalDate ingest : new TreeSet<>(FOLD_EVENTS.stream().map(Ev::ingest).toList())) {
      all.filter(col(Tables.LineageColumns.INGEST_DAY).equalTo(java.sql.Date.valueOf(ingest))).coalesce(1).write()
          .format("delta").mode("append").partitionBy(Tables.SILVER_INTERACTIONS.partitionColumns().get(0))
          .save(path);
    }
    // the leaving days 03-01 and 2025-12-31 delivered by P, the deliveries of D (e04, e05, e06) and the day D
    Set<String> needed = new TreeSet<>(List.of("2026-03-01/2026-03-01", "2025-12-31/2025-12-31",
        "2026-03-20/2026-03-31", "2026-03-01/2026-03-31", "2025-06-01/2026-03-31", "2026-03-31/2026-03-31"));

    Dataset<Row> changed = SocialFeatures.interactionsChangedBetween(PRIOR, AS_OF,
        spark.read().format("delta").load(path));
    List<Row> rows = changed.collectAsList();

    long filesRead = 0;
    for (org.apache.spark.sql.execution.SparkPlan node : scala.jdk.javaapi.CollectionConverters.asJava(
        changed.queryExecution().executedPlan().collectLeaves())) {
      filesRead += node.metrics().apply("numFiles").value();
    }
    assertEquals(12, rows.size());
    assertEquals(12, files.size());
    assertEquals(true, files.containsAll(needed));
    assertEquals(needed.size(), filesRead, "files read of " + files.size() + " " + files);
  }

  @Test
  void foldedCountsEqualTheFullAggregationOnARandomWorldFromNightsOneToHundredDaysBefore() {
    Random random = new Random(20260401);
    List<String> users = List.of("C01", "C02", "C03", "C04", "C05", "S01", "S02", "S03");
    List<String> types = new ArrayList<>(SocialFeatures.INTERACTION_TYPES);
    List<Ev> events = new ArrayList<>();
    LocalDate start = AS_OF.minusDays(200);
    for (int i = 0; i < 1500; i++) {
      String actor = users.get(random.nextInt(users.size()));
      String type = types.get(random.nextInt(types.size()));
      String ts = start.atStartOfDay().plusMinutes(random.nextInt(205 * 24 * 4) * 15L).toString();
      String id = String.format("E%04d", i);
      Ev e = type.equals("review")
          ? review(id, actor, "P" + random.nextInt(5), ts, 1 + random.nextInt(5))
          : ev(id, actor, users.get(random.nextInt(users.size())), type, ts);
      // a quarter delivered late, by up to 12 days
      events.add(random.nextInt(4) == 0 ? SocialFixtures.late(e, e.date().plusDays(1 + random.nextInt(12))) : e);
    }
    Dataset<Row> silver = SocialFixtures.interactions(spark, events).cache();

    Map<String, List<String>> full = byId(SocialFeatures.interactionActivity(AS_OF,
        SocialFeatures.interactionsKnownAt(AS_OF, silver)));
    for (int gap : List.of(1, 2, 29, 30, 31, 90, 100)) {
      LocalDate prior = AS_OF.minusDays(gap);
      Dataset<Row> priorActivity = SocialFeatures.interactionActivity(prior,
          SocialFeatures.interactionsKnownAt(prior, silver));
      assertEquals(full, byId(SocialFeatures.foldedInteractionActivity(prior, AS_OF, priorActivity,
          SocialFeatures.interactionsChangedBetween(prior, AS_OF, silver))), "folded from " + prior);
    }
    silver.unpersist();
    // the world exercises every part of the fold
    long late = events.stream().filter(e -> e.ingest().isAfter(e.date())).count();
    assertEquals(true, late > 300 && full.values().stream().anyMatch(v -> !v.get(8).equals("0.0")), "late " + late);
  }

  @Test
  void foldingRefusesAPriorNightThatIsNotEarlier() {
    Dataset<Row> silver = SocialFixtures.interactions(spark, FOLD_EVENTS);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SocialFeatures.interactionsChangedBetween(AS_OF, AS_OF, silver));
    assertEquals("The prior night 2026-03-31 must be before the as-of date 2026-03-31", e.getMessage());
  }

  /** The string of an interaction-count map: every interaction type a key, 0 unless given. */
  private static String counts(Object... typeAndCount) {
    Map<String, Long> m = new TreeMap<>();
    SocialFeatures.INTERACTION_TYPES.forEach(t -> m.put(t, 0L));
    for (int i = 0; i < typeAndCount.length; i += 2) {
      m.put((String) typeAndCount[i], ((Integer) typeAndCount[i + 1]).longValue());
    }
    return m.toString();
  }

  @Test
  void communityValueAveragesItsCustomersSpendAndSegmentShares() {
    StructType schema = Communities.SCHEMA;
    List<Row> rows = new ArrayList<>();
    for (String u : List.of("C1", "C3", "C5", "S1")) {
      rows.add(RowFactory.create(u, "C1", 4L));
    }
    for (String u : List.of("C2", "C4", "C6", "C7", "S2")) {
      rows.add(RowFactory.create(u, "C2", 5L));
    }
    rows.add(RowFactory.create("C9", "C9", 1L));
    rows.add(RowFactory.create("S9", "S9", 1L));
    List<String> names = RfmSegments.fromConfig(KindredConfig.defaults().raw(), "kindred.features.rfm-segments")
        .segmentNames();

    Map<String, List<String>> actual = byId(SocialFeatures.communityValue(names, spark.createDataFrame(rows, schema),
        segments(SEGMENTS), SocialFeatures.netSpend(AS_OF, 90, transactions)));

    Map<String, List<String>> expected = new TreeMap<>();
    // (100 + 78 + 45) / 3 = 74.333; (60 + 86 + 14) / 3 = 53.333; S9's community has no customer: absent
    expected.put("C1", List.of("3", "74.33", shares(names, Map.of("champions", 1 / 3.0, "loyal", 1 / 3.0,
        "at risk", 1 / 3.0))));
    expected.put("C2", List.of("3", "53.33", shares(names, Map.of("champions", 2 / 3.0, "new", 1 / 3.0))));
    expected.put("C9", List.of("1", "25.00", shares(names, Map.of("hibernating", 1.0))));
    assertEquals(expected, actual);
  }

  private static String shares(List<String> names, Map<String, Double> nonZero) {
    Map<String, Double> m = new TreeMap<>();
    names.forEach(n -> m.put(n, nonZero.getOrDefault(n, 0.0)));
    return m.toString();
  }

  @Test
  void everyUserGetsARowAndIsolatedCustomersAndUsersWithoutPurchasesGetZeros() {
    SocialSettings settings = SocialSettings.fromConfig(KindredConfig.defaults().raw(), "kindred.social");
    List<String> names = RfmSegments.fromConfig(KindredConfig.defaults().raw(), "kindred.features.rfm-segments")
        .segmentNames();
    Dataset<Row> segments = segments(SEGMENTS);
    Dataset<Row> known = known();
    Dataset<Row> active = active();
    Dataset<Row> txs = transactions;
    Dataset<Row> users = SocialFeatures.socialUsers(known, active, segments.select(col(SocialColumns.ID)
        .as("customer_id"))).cache();
    Dataset<Row> counts = SocialFeatures.followCounts(active).cache();
    Dataset<Row> ranks;
    Dataset<Row> communities;
    try (SocialGraph graph = SocialGraph.of(SocialFeatures.weightedEdges(AS_OF, settings.weights(), 90, known,
        active), users.select(SocialColumns.ID))) {
      ranks = settings.pageRank().withTolerance(1e-7).run(graph).ranks();
      communities = settings.communities().run(graph).communities();
    }
    Dataset<Row> influence = SocialFeatures.influence(0.2, 2, ranks, counts).cache();
    Dataset<Row> spend = SocialFeatures.netSpend(AS_OF, 90, txs);
    SocialFeatures.Parts parts = new SocialFeatures.Parts(users, counts, SocialFeatures.interactionActivity(AS_OF,
        known), influence, communities, SocialFeatures.communityValue(names, communities, segments, spend), spend,
        SocialFeatures.peerValue("champions", active, spend, segments),
        SocialFeatures.leaderTriggeredPurchases(AS_OF, 7, 90, txs, follows,
            influence.filter(col(SocialColumns.OPINION_LEADER)).select(SocialColumns.ID)),
        SocialFeatures.referrals(90, known, txs));

    Dataset<Row> rows = SocialFeatures.socialFeatures(AS_OF, "run-1", names, parts);
    // no window over all users (one partition): influence_percentile and the opinion-leader rank are distributed
    assertEquals(List.of(), io.kindred.testing.Plans.singlePartitionWindows(rows));
    List<Row> collected = rows.collectAsList();
    List.of(users, counts, influence).forEach(Dataset::unpersist);

    Tables.GOLD_SOCIAL_FEATURES.requireSchemaOf(rows);
    Map<String, Row> byUser = new TreeMap<>();
    collected.forEach(r -> byUser.put(r.getString(1), r));
    assertEquals(new TreeSet<>(List.of("C1", "C2", "C3", "C4", "C5", "C6", "C7", "C9", "S1", "S2")), byUser.keySet());
    Row isolated = byUser.get("C9");
    String zeros = counts();
    assertEquals(List.of("true", "0", "0", zeros, zeros, zeros, zeros, "0", "0", "0.0", "0", "0.0"),
        values(isolated, SocialFeatureColumns.IS_CUSTOMER, SocialFeatureColumns.MEAN_RATING));
    // community of its own; its own spend; no peers, leaders or referrals
    assertEquals(List.of("C9", "1", "1", "25.00", shares(names, Map.of("hibernating", 1.0)), "25.00", "0.00", "0",
        "0", "0", "0", "0.00", "run-1"), values(isolated, SocialFeatureColumns.COMMUNITY_ID, SocialFeatureColumns.RUN_ID));
    assertEquals(false, isolated.getAs(SocialFeatureColumns.OPINION_LEADER));
    // S1: follows C3, was referred, bought nothing
    Row s1 = byUser.get("S1");
    assertEquals(List.of("false", "0", "1"), values(s1, SocialFeatureColumns.IS_CUSTOMER,
        SocialFeatureColumns.FOLLOWING));
    assertEquals(List.of("0.00", "78.00", "0", "0", "0", "0", "0.00"), values(s1, SocialFeatureColumns.SPEND_90D,
        SocialFeatureColumns.REFERRAL_REVENUE_90D));
    // influence has mean 1; the percentile is the share of the other users with a lower influence
    double total = 0;
    for (Row r : byUser.values()) {
      double mine = r.getAs(SocialFeatureColumns.INFLUENCE);
      total += mine;
      long lower = byUser.values().stream().filter(o -> (double) o.getAs(SocialFeatureColumns.INFLUENCE) < mine)
          .count();
      assertEquals(lower / 9.0, (double) r.getAs(SocialFeatureColumns.INFLUENCE_PERCENTILE), 1e-12, r.toString());
    }
    assertEquals(10.0, total, 1e-9);
  }

  /** The values of the columns from .. to (inclusive), as strings. */
  private static List<String> values(Row r, String from, String to) {
    List<String> names = List.of(r.schema().fieldNames());
    List<String> out = new ArrayList<>();
    for (int i = names.indexOf(from); i <= names.indexOf(to); i++) {
      out.add(str(r.get(i)));
    }
    return out;
  }

  @Test
  void randomWorldMatchesTheBruteForce() {
    Random random = new Random(20260331);
    List<String> users = new ArrayList<>();
    for (int i = 1; i <= 14; i++) {
      users.add(String.format("C%02d", i));
    }
    for (int i = 1; i <= 6; i++) {
      users.add(String.format("S%02d", i));
    }
    List<String> types = List.of("follow", "follow", "follow", "unfollow", "unfollow", "referral", "like");
    List<Ev> events = new ArrayList<>();
    LocalDate start = AS_OF.minusDays(120);
    for (int i = 0; i < 400; i++) {
      String actor = users.get(random.nextInt(users.size()));
      String target = users.get(random.nextInt(users.size()));
      String type = types.get(random.nextInt(types.size()));
      // quarter hours over 130 days (referrals in the first 70, before most first purchases of C08..C14): events of
      // one pair at the same instant happen and are ordered by id
      int span = type.equals("referral") ? 70 : 130;
      String ts = start.atStartOfDay().plusMinutes(random.nextInt(span * 24 * 4) * 15L).toString();
      Ev e = ev(String.format("E%04d", i), actor, target, type, ts);
      events.add(random.nextInt(20) == 0 ? SocialFixtures.late(e, e.date().plusDays(1)) : e);
    }
    List<String> categories = List.of("books", "electronics", "home");
    List<Tx> txs = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      int c = random.nextInt(14);
      String customer = users.get(c);
      // C08..C14 start buying after day 60
      int first = c >= 7 ? 60 : 0;
      String ts = start.atStartOfDay().plusDays(first).plusMinutes(random.nextInt((130 - first) * 24 * 6) * 10L)
          .toString();
      String amount = (random.nextInt(10) == 0 ? "-" : "") + (1 + random.nextInt(80)) + "." + (10 + random.nextInt(90));
      String category = random.nextInt(15) == 0 ? null : categories.get(random.nextInt(3));
      Tx t = tx(String.format("T%04d", i), customer, ts, amount, category);
      txs.add(random.nextInt(20) == 0 ? SocialFixtures.late(t, t.date().plusDays(2)) : t);
    }
    Map<String, String> segments = new HashMap<>();
    for (int i = 0; i < 14; i++) {
      segments.put(users.get(i), i % 3 == 0 ? "champions" : "loyal");
    }
    Set<String> leaders = Set.of("C01", "C02", "C05", "S01");
    Dataset<Row> interactions = SocialFixtures.interactions(spark, events);
    Dataset<Row> known = SocialFeatures.interactionsKnownAt(AS_OF, interactions);
    Dataset<Row> follows = SocialFixtures.follows(spark, events).cache();
    Dataset<Row> active = SocialFeatures.followsAt(AS_OF, follows).cache();
    Dataset<Row> transactions = knownTransactions(spark, txs).cache();
    Dataset<Row> spend = SocialFeatures.netSpend(AS_OF, 90, transactions).cache();
    List<Row> leaderRows = leaders.stream().map(l -> RowFactory.create(l)).toList();

    Map<String, List<String>> actualCounts = byId(SocialFeatures.followCounts(active));
    Map<String, List<String>> actualPeers = byId(SocialFeatures.peerValue("champions", active, spend,
        segments(segments)));
    Map<String, List<String>> actualTriggered = byId(SocialFeatures.leaderTriggeredPurchases(AS_OF, 7, 90,
        transactions, follows, spark.createDataFrame(leaderRows,
            new StructType().add(SocialColumns.ID, DataTypes.StringType))));
    Map<String, List<String>> actualReferrals = byId(SocialFeatures.referrals(90, known, transactions));
    List.of(follows, active, transactions, spend).forEach(Dataset::unpersist);

    Map<String, List<String>> counts = new TreeMap<>();
    SocialFixtures.followCounts(events, AS_OF).forEach((id, c) -> counts.put(id, List.of(String.valueOf(c.get(0)),
        String.valueOf(c.get(1)))));
    Map<String, List<String>> triggered = new TreeMap<>();
    SocialFixtures.leaderTriggered(events, txs, leaders, AS_OF, 7, 90)
        .forEach((id, n) -> triggered.put(id, List.of(String.valueOf(n))));
    assertEquals(counts, actualCounts);
    assertEquals(SocialFixtures.peerValue(events, txs, segments, "champions", AS_OF), actualPeers);
    assertEquals(triggered, actualTriggered);
    assertEquals(SocialFixtures.referrals(events, txs, AS_OF, 90), actualReferrals);
    // the world is rich enough to exercise each feature
    assertEquals(true, triggered.size() >= 3 && actualReferrals.values().stream()
        .filter(v -> !v.get(1).equals("0")).count() >= 2, "triggered " + triggered + ", referrals " + actualReferrals);
  }

  @Test
  void customersWithoutAnySocialDataAreIsolatedUsersOfEqualInfluence() {
    // a shop without a social feed: no edge at all, three customers
    Dataset<Row> noEdges = SocialFeatures.weightedEdges(AS_OF, Map.of("follow", 1.0), 90,
        known().limit(0), active().limit(0));
    Dataset<Row> users = spark.createDataFrame(List.of(RowFactory.create("C1"), RowFactory.create("C2"),
        RowFactory.create("C3")), new StructType().add(SocialColumns.ID, DataTypes.StringType));

    Map<String, List<String>> influence;
    Map<String, List<String>> communities;
    try (SocialGraph graph = SocialGraph.of(noEdges, users)) {
      Dataset<Row> ranks = new WeightedPageRank().run(graph).ranks();
      influence = byId(SocialFeatures.influence(0.01, 0, ranks, SocialFeatures.followCounts(active().limit(0))));
      communities = byId(new Communities().run(graph).communities());
    }

    // every user dangling: PageRank 1/3 each, influence 1, percentile 0 (no one lower), all tied at the top
    assertEquals(Set.of("C1", "C2", "C3"), influence.keySet());
    for (List<String> v : influence.values()) {
      assertEquals(1.0, Double.parseDouble(v.get(0)), 1e-12);
      assertEquals(List.of("0.0", "true"), v.subList(1, 3));
    }
    assertEquals(Map.of("C1", List.of("C1", "1"), "C2", List.of("C2", "1"), "C3", List.of("C3", "1")), communities);
  }

  @Test
  void settingsRejectWeightsForTypesThatLinkNoUsers() {
    Map<String, Double> weights = new TreeMap<>(Map.of("follow", 1.0, "like", 0.5, "comment", 1.0, "mention", 1.0,
        "share", 1.0, "review", 2.0));
    SocialSettings defaults = SocialSettings.fromConfig(KindredConfig.defaults().raw(), "kindred.social");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SocialSettings(weights, 90,
        defaults.pageRank(), defaults.communities(), 0.01, 20, "champions", 7, true, 7));

    assertEquals("Social weights must give each of [comment, follow, like, mention, referral, share] a finite "
        + "weight >= 0: no weight for [referral]; weights for types that link no two users [review] (unfollow ends "
        + "a follow, a review targets a product)", e.getMessage());
    assertEquals(Map.of("comment", 1.0, "follow", 1.0, "like", 0.5, "mention", 1.5, "referral", 3.0, "share", 2.0),
        defaults.weights());
  }
}

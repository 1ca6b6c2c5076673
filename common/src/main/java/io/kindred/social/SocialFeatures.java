package io.kindred.social;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.bit_xor;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.kindred.clean.Cleaning;
import io.kindred.clean.InteractionType;
import io.kindred.lake.DeltaWrites;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.CustomerFeatureColumns;
import io.kindred.lake.Tables.FollowColumns;
import io.kindred.lake.Tables.InteractionColumns;
import io.kindred.lake.Tables.LineageColumns;
import io.kindred.lake.Tables.SocialFeatureColumns;
import io.kindred.lake.Tables.TransactionColumns;
import io.kindred.spark.GlobalRanks;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * The per-user social features of {@code gold/social_features}, as pure transformations over the silver tables
 * (and the engine's results): each reads its inputs, returns a frame keyed by {@link SocialColumns#ID} and does no
 * I/O. {@code build-social-features} wires them; docs/social.md defines every feature.
 *
 * <p>Point in time: callers pass interactions known at the as-of date ({@link #interactionsKnownAt}) and
 * transactions known at it ({@code RfmFeatures.transactionsAsOf}); "at the end of D" means before midnight UTC
 * after D. Windows of {@code k} days to D are the days {@code D-k+1 .. D}.
 *
 * <p>Frames here hold only users with something to count; {@link #socialFeatures} joins them to every social user
 * and turns "nothing" into zeros (empty counts, zero sums, zero-valued maps), never nulls.
 */
public final class SocialFeatures {

  /** Every interaction type, sorted: the keys of the interaction-count maps. */
  public static final List<String> INTERACTION_TYPES = InteractionType.sortedCodes();
  /** Engagement a user receives: these events aimed at them. */
  public static final List<String> ENGAGEMENT_TYPES = InteractionType.engagementCodes();
  /** Post-like events: what a user publishes that others can engage with. */
  public static final List<String> POST_TYPES = InteractionType.postCodes();
  /** The short and the long activity and spend windows, in days (the column names carry them). */
  public static final int SHORT_WINDOW_DAYS = 30;
  public static final int LONG_WINDOW_DAYS = 90;
  /** The social columns of gold/customer_features, filled from gold/social_features columns of the same name. */
  public static final List<String> CUSTOMER_COLUMNS = List.of(CustomerFeatureColumns.FOLLOWERS,
      CustomerFeatureColumns.FOLLOWING, CustomerFeatureColumns.INFLUENCE, CustomerFeatureColumns.INFLUENCE_PERCENTILE,
      CustomerFeatureColumns.OPINION_LEADER, CustomerFeatureColumns.COMMUNITY_ID,
      CustomerFeatureColumns.COMMUNITY_SIZE, CustomerFeatureColumns.PEER_SPEND_90D,
      CustomerFeatureColumns.REFERRALS_CONVERTED);

  /** The columns of {@link #interactionActivity} after the id, in order. */
  public static final List<String> ACTIVITY_COLUMNS = List.of(SocialFeatureColumns.INTERACTIONS_GIVEN_30D,
      SocialFeatureColumns.INTERACTIONS_RECEIVED_30D, SocialFeatureColumns.INTERACTIONS_GIVEN_90D,
      SocialFeatureColumns.INTERACTIONS_RECEIVED_90D, SocialFeatureColumns.POSTS_90D,
      SocialFeatureColumns.ENGAGEMENT_RECEIVED_90D, SocialFeatureColumns.ENGAGEMENT_PER_POST_90D,
      SocialFeatureColumns.REVIEWS_WRITTEN, SocialFeatureColumns.MEAN_RATING);
  /** Columns of {@link #interactionsFingerprint}. */
  public static final String FINGERPRINT_ROWS = "interactions";
  public static final String FINGERPRINT = "fingerprint";

  static final String FOLLOW = InteractionType.FOLLOW.code();
  static final String REFERRAL = InteractionType.REFERRAL.code();
  static final String REVIEW = InteractionType.REVIEW.code();
  private static final long MICROS_PER_DAY = 86_400_000_000L;

  /** The interaction-count maps: their columns, whether they count what was given or received, and their window. */
  private static final List<ActivityMap> ACTIVITY_MAPS = List.of(
      new ActivityMap(SocialFeatureColumns.INTERACTIONS_GIVEN_30D, true, SHORT_WINDOW_DAYS),
      new ActivityMap(SocialFeatureColumns.INTERACTIONS_RECEIVED_30D, false, SHORT_WINDOW_DAYS),
      new ActivityMap(SocialFeatureColumns.INTERACTIONS_GIVEN_90D, true, LONG_WINDOW_DAYS),
      new ActivityMap(SocialFeatureColumns.INTERACTIONS_RECEIVED_90D, false, LONG_WINDOW_DAYS));
  private static final String ID = SocialColumns.ID;
  private static final String GIVEN = "_given";
  private static final String PEER = "_peer";
  private static final String LEADER = "_leader";
  private static final String LEADER_US = "_leader_us";
  private static final String LEADER_TS = "_leader_ts";
  private static final String CATEGORY = "_category";
  private static final String US = "_us";
  private static final String REFERRED = "_referred";
  private static final String REFERRAL_TS = "_referral_ts";
  private static final String REFERRAL_ID = "_referral_id";
  private static final String FIRST_TS = "_first_ts";
  private static final String REVENUE = "_revenue";
  private static final String USERS = "_users";
  private static final String TOTAL = "_total";

  private SocialFeatures() {
  }

  /** The instant the as-of day ends: midnight UTC after it. */
  public static Timestamp endOf(LocalDate asOf) {
    return Timestamp.from(asOf.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
  }

  /**
   * Interactions known at the end of {@code asOf}: dated on or before it and delivered ({@code ingest_day}) by then,
   * so a backfill sees what that night saw. Self-interactions (quarantined upstream) are dropped defensively; a
   * review of a product whose id equals its author's is not one ({@link #notSelf}).
   */
  public static Dataset<Row> interactionsKnownAt(LocalDate asOf, Dataset<Row> interactions) {
    Date day = Date.valueOf(asOf);
    return interactions.filter(col(InteractionColumns.EVENT_DATE).leq(lit(day))
        .and(col(LineageColumns.INGEST_DAY).leq(lit(day)))
        .and(notSelf()));
  }

  /**
   * Not an interaction of a user with themself: actor and target differ, or it is a review, whose target is a
   * product (a product id may equal its author's user id).
   */
  static Column notSelf() {
    return col(InteractionColumns.TYPE).equalTo(REVIEW)
        .or(col(InteractionColumns.ACTOR).notEqual(col(InteractionColumns.TARGET)));
  }

  /**
   * Follow edges active at the end of {@code asOf}: {@code (follower, followee)} of the silver/follows rows with
   * {@code valid_from} before the day's end and {@code valid_to} null or at/after it. silver/follows holds at most one
   * edge per pair at any instant, so each pair appears once. Self-follows are dropped.
   */
  public static Dataset<Row> followsAt(LocalDate asOf, Dataset<Row> follows) {
    Timestamp end = endOf(asOf);
    return follows.filter(col(FollowColumns.VALID_FROM).lt(lit(end))
            .and(col(FollowColumns.VALID_TO).isNull().or(col(FollowColumns.VALID_TO).geq(lit(end))))
            .and(col(FollowColumns.FOLLOWER).notEqual(col(FollowColumns.FOLLOWEE))))
        .select(col(FollowColumns.FOLLOWER), col(FollowColumns.FOLLOWEE));
  }

  /** {@code (id, followers INT, following INT)} for every user with an active follow edge either way. */
  public static Dataset<Row> followCounts(Dataset<Row> activeFollows) {
    Dataset<Row> sides = activeFollows.select(col(FollowColumns.FOLLOWEE).as(ID), lit(1).as("_in"), lit(0).as("_out"))
        .unionByName(activeFollows.select(col(FollowColumns.FOLLOWER).as(ID), lit(0).as("_in"), lit(1).as("_out")));
    return sides.groupBy(ID).agg(
        sum(col("_in")).cast(DataTypes.IntegerType).as(SocialFeatureColumns.FOLLOWERS),
        sum(col("_out")).cast(DataTypes.IntegerType).as(SocialFeatureColumns.FOLLOWING));
  }

  /**
   * Every social user: the customers given, every actor of an interaction, every target of one that is a user (all
   * types but reviews, whose target is a product) and both ends of every active follow edge.
   *
   * @param customerIds {@code (customer_id)}: the customers of the as-of snapshot
   * @return {@code (id, is_customer)}
   */
  public static Dataset<Row> socialUsers(Dataset<Row> knownInteractions, Dataset<Row> activeFollows,
      Dataset<Row> customerIds) {
    Dataset<Row> customers = customerIds.select(col(CustomerFeatureColumns.CUSTOMER_ID).as(ID)).distinct()
        .withColumn(SocialFeatureColumns.IS_CUSTOMER, lit(true));
    Dataset<Row> ids = knownInteractions.select(col(InteractionColumns.ACTOR).as(ID))
        .unionByName(knownInteractions.filter(col(InteractionColumns.TYPE).notEqual(REVIEW))
            .select(col(InteractionColumns.TARGET).as(ID)))
        .unionByName(activeFollows.select(col(FollowColumns.FOLLOWER).as(ID)))
        .unionByName(activeFollows.select(col(FollowColumns.FOLLOWEE).as(ID)))
        .unionByName(customers.select(ID))
        .distinct();
    return ids.join(customers, ID, "left")
        .select(col(ID), coalesce(col(SocialFeatureColumns.IS_CUSTOMER), lit(false))
            .as(SocialFeatureColumns.IS_CUSTOMER));
  }

  /**
   * The weighted user graph {@code (src, dst, weight)}, one row per ordered pair: every active follow edge with the
   * follow weight, plus every interaction of another weighted type dated in the {@code windowDays} days to
   * {@code asOf}, each adding its type's weight. Types of weight 0 add nothing.
   */
  public static Dataset<Row> weightedEdges(LocalDate asOf, Map<String, Double> weights, int windowDays,
      Dataset<Row> knownInteractions, Dataset<Row> activeFollows) {
    double followWeight = weights.getOrDefault(FOLLOW, 0.0);
    Column weight = lit(0.0);
    List<String> engaging = new ArrayList<>();
    for (Map.Entry<String, Double> e : new java.util.TreeMap<>(weights).entrySet()) {
      if (!e.getKey().equals(FOLLOW) && e.getValue() > 0) {
        engaging.add(e.getKey());
        weight = when(col(InteractionColumns.TYPE).equalTo(e.getKey()), lit(e.getValue())).otherwise(weight);
      }
    }
    Dataset<Row> events = knownInteractions
        .filter(col(InteractionColumns.TYPE).isin(engaging.toArray())
            .and(col(InteractionColumns.EVENT_DATE).geq(lit(Date.valueOf(asOf.minusDays(windowDays - 1L))))))
        .select(col(InteractionColumns.ACTOR).as(SocialColumns.SRC), col(InteractionColumns.TARGET)
            .as(SocialColumns.DST), weight.as(SocialColumns.WEIGHT));
    Dataset<Row> edges = events;
    if (followWeight > 0) {
      edges = edges.unionByName(activeFollows.select(col(FollowColumns.FOLLOWER).as(SocialColumns.SRC),
          col(FollowColumns.FOLLOWEE).as(SocialColumns.DST), lit(followWeight).as(SocialColumns.WEIGHT)));
    }
    return edges.groupBy(SocialColumns.SRC, SocialColumns.DST)
        .agg(sum(col(SocialColumns.WEIGHT)).as(SocialColumns.WEIGHT));
  }

  /**
   * What each user did and received: interaction counts by type over the 30 and 90 days to {@code asOf} (maps with
   * every type as a key), post-like events made and engagement received in 90 days, engagement per post, reviews
   * written by {@code asOf} and their mean rating (0 without a review).
   *
   * @return {@code (id, interactions_given_30d, interactions_received_30d, interactions_given_90d,
   *     interactions_received_90d, posts_90d, engagement_received_90d, engagement_per_post_90d, reviews_written,
   *     mean_rating)}
   */
  public static Dataset<Row> interactionActivity(LocalDate asOf, Dataset<Row> knownInteractions) {
    Column type = col(InteractionColumns.TYPE);
    Dataset<Row> given = knownInteractions.select(col(InteractionColumns.ACTOR).as(ID), lit(true).as(GIVEN), type,
        col(InteractionColumns.EVENT_DATE), col(InteractionColumns.RATING));
    Dataset<Row> received = knownInteractions.filter(type.notEqual(REVIEW)).select(
        col(InteractionColumns.TARGET).as(ID), lit(false).as(GIVEN), type, col(InteractionColumns.EVENT_DATE),
        col(InteractionColumns.RATING));
    Column isGiven = col(GIVEN);
    Column isReceived = not(col(GIVEN));
    Column in30 = col(InteractionColumns.EVENT_DATE).geq(lit(Date.valueOf(asOf.minusDays(SHORT_WINDOW_DAYS - 1L))));
    Column in90 = col(InteractionColumns.EVENT_DATE).geq(lit(Date.valueOf(asOf.minusDays(LONG_WINDOW_DAYS - 1L))));
    List<Column> aggregates = new ArrayList<>(perMapAndType("_", (m, t) ->
        countWhere((m.given() ? isGiven : isReceived).and(m.windowDays() == SHORT_WINDOW_DAYS ? in30 : in90)
            .and(type.equalTo(t)))));
    aggregates.add(countWhere(isGiven.and(in90).and(type.isin(POST_TYPES.toArray())))
        .as(SocialFeatureColumns.POSTS_90D));
    aggregates.add(countWhere(isReceived.and(in90).and(type.isin(ENGAGEMENT_TYPES.toArray())))
        .as(SocialFeatureColumns.ENGAGEMENT_RECEIVED_90D));
    aggregates.add(countWhere(isGiven.and(type.equalTo(REVIEW))).cast(DataTypes.IntegerType)
        .as(SocialFeatureColumns.REVIEWS_WRITTEN));
    aggregates.add(coalesce(avg(when(isGiven.and(type.equalTo(REVIEW)), col(InteractionColumns.RATING))), lit(0.0))
        .as(SocialFeatureColumns.MEAN_RATING));
    Dataset<Row> counted = given.unionByName(received).groupBy(ID)
        .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new));

    List<Column> out = new ArrayList<>();
    out.add(col(ID));
    out.addAll(activityMaps((m, t) -> col("_" + m.tag() + "_" + t)));
    out.add(col(SocialFeatureColumns.POSTS_90D));
    out.add(col(SocialFeatureColumns.ENGAGEMENT_RECEIVED_90D));
    out.add(engagementPerPost(col(SocialFeatureColumns.ENGAGEMENT_RECEIVED_90D), col(SocialFeatureColumns.POSTS_90D))
        .as(SocialFeatureColumns.ENGAGEMENT_PER_POST_90D));
    out.add(col(SocialFeatureColumns.REVIEWS_WRITTEN));
    out.add(col(SocialFeatureColumns.MEAN_RATING));
    return counted.select(out.toArray(Column[]::new));
  }

  /**
   * The silver/interactions rows that can make the activity of {@code asOf} differ from that of {@code priorAsOf}
   * (the input {@link #foldedInteractionActivity} needs): rows known at the prior night dated on the days that
   * left a 30- or 90-day window, rows dated up to the prior night but delivered after it (late deliveries, whatever
   * their date: they count for the reviews written), and rows dated after the prior night. Three disjoint scans,
   * each selective on the table's layout: the {@code event_date} partitions of the days that left the windows, the
   * files delivered after the prior night (Delta's statistics on {@code ingest_day} skip every older file), and the
   * partitions of the days after the prior night.
   *
   * @throws IllegalArgumentException unless {@code priorAsOf} is before {@code asOf}
   */
  public static Dataset<Row> interactionsChangedBetween(LocalDate priorAsOf, LocalDate asOf,
      Dataset<Row> interactions) {
    requireEarlier(priorAsOf, asOf);
    Column date = col(InteractionColumns.EVENT_DATE);
    Column ingest = col(LineageColumns.INGEST_DAY);
    Date prior = Date.valueOf(priorAsOf);
    Column leaving = lit(false);
    for (int k : List.of(SHORT_WINDOW_DAYS, LONG_WINDOW_DAYS)) {
      LocalDate last = asOf.minusDays(k).isBefore(priorAsOf) ? asOf.minusDays(k) : priorAsOf;
      leaving = leaving.or(date.between(lit(Date.valueOf(priorAsOf.minusDays(k - 1L))), lit(Date.valueOf(last))));
    }
    Dataset<Row> left = interactions.filter(leaving.and(ingest.leq(lit(prior))));
    Dataset<Row> late = interactions.filter(date.leq(lit(prior)).and(ingest.gt(lit(prior)))
        .and(ingest.leq(lit(Date.valueOf(asOf)))));
    Dataset<Row> recent = interactions.filter(date.gt(lit(prior)).and(date.leq(lit(Date.valueOf(asOf)))));
    return left.unionByName(late).unionByName(recent);
  }

  /**
   * {@link #interactionActivity} of {@code asOf} folded from that of the earlier night {@code priorAsOf}: every
   * count and sum is the prior's plus the events that entered it minus those that left it. An event counts in a
   * window of k days at a night N when it is known at N ({@link #interactionsKnownAt}) and dated in N-k+1 .. N, and
   * in the all-time columns when it is known at N; since what is known at the prior night is still known at
   * {@code asOf}, an event adds {@code [known at asOf and in its window] - [known at the prior and in its window]},
   * i.e. it is removed when known at the prior night and dated on a day that left the window, and added when
   * known at {@code asOf}, in the window, and either delivered after the prior night or dated after it. The
   * mean rating is folded through its sum: a mean of integer ratings times the reviews written, rounded, is that
   * sum exactly (silver reviews always carry a rating: clean-interactions rejects one without), and the new mean
   * is the new sum over the new count, the same division Spark's {@code avg} makes. So the result equals the full
   * aggregation of the same night exactly, as long as {@code priorActivity} is that of the same silver rows.
   *
   * @param priorActivity the activity of the prior night, {@code (id, }{@link #ACTIVITY_COLUMNS}{@code )}, e.g.
   *     {@link #activityOf} its gold/social_features snapshot
   * @param interactions silver/interactions rows: at least those of {@link #interactionsChangedBetween}; others
   *     (e.g. the whole table) change nothing, as each row is weighed by the formula above
   * @return {@code (id, }{@link #ACTIVITY_COLUMNS}{@code )} for every user of the prior or of a changed event
   */
  public static Dataset<Row> foldedInteractionActivity(LocalDate priorAsOf, LocalDate asOf,
      Dataset<Row> priorActivity, Dataset<Row> interactions) {
    requireEarlier(priorAsOf, asOf);
    Column date = col(InteractionColumns.EVENT_DATE);
    Column knownAtPrior = date.leq(lit(Date.valueOf(priorAsOf)))
        .and(col(LineageColumns.INGEST_DAY).leq(lit(Date.valueOf(priorAsOf))));
    Column known = date.leq(lit(Date.valueOf(asOf))).and(col(LineageColumns.INGEST_DAY).leq(lit(Date.valueOf(asOf))))
        .and(notSelf());
    Column c30 = change(known.and(date.geq(lit(Date.valueOf(asOf.minusDays(SHORT_WINDOW_DAYS - 1L))))),
        knownAtPrior.and(date.geq(lit(Date.valueOf(priorAsOf.minusDays(SHORT_WINDOW_DAYS - 1L))))));
    Column c90 = change(known.and(date.geq(lit(Date.valueOf(asOf.minusDays(LONG_WINDOW_DAYS - 1L))))),
        knownAtPrior.and(date.geq(lit(Date.valueOf(priorAsOf.minusDays(LONG_WINDOW_DAYS - 1L))))));
    Column cAll = change(lit(true), knownAtPrior);
    Dataset<Row> weighed = interactions.filter(known)
        .select(col(InteractionColumns.ACTOR), col(InteractionColumns.TARGET), col(InteractionColumns.TYPE),
            col(InteractionColumns.RATING), c30.as("_c30"), c90.as("_c90"), cAll.as("_call"))
        .filter(col("_c30").notEqual(0).or(col("_c90").notEqual(0)).or(col("_call").notEqual(0)));
    Column type = col(InteractionColumns.TYPE);
    Dataset<Row> sides = weighed.select(col(InteractionColumns.ACTOR).as(ID), lit(true).as(GIVEN), type,
            col(InteractionColumns.RATING), col("_c30"), col("_c90"), col("_call"))
        .unionByName(weighed.filter(type.notEqual(REVIEW)).select(col(InteractionColumns.TARGET).as(ID),
            lit(false).as(GIVEN), type, col(InteractionColumns.RATING), col("_c30"), col("_c90"), col("_call")));
    Column isGiven = col(GIVEN);
    Column isReceived = not(col(GIVEN));
    List<Column> aggregates = new ArrayList<>(perMapAndType("_d", (m, t) ->
        sumWhere((m.given() ? isGiven : isReceived).and(type.equalTo(t)),
            col(m.windowDays() == SHORT_WINDOW_DAYS ? "_c30" : "_c90"))));
    aggregates.add(sumWhere(isGiven.and(type.isin(POST_TYPES.toArray())), col("_c90")).as("_dposts"));
    aggregates.add(sumWhere(isReceived.and(type.isin(ENGAGEMENT_TYPES.toArray())), col("_c90")).as("_dengaged"));
    aggregates.add(sumWhere(isGiven.and(type.equalTo(REVIEW)), col("_call")).as("_dreviews"));
    aggregates.add(sumWhere(isGiven.and(type.equalTo(REVIEW)), col("_call").multiply(col(InteractionColumns.RATING)))
        .as("_dratings"));
    Dataset<Row> delta = sides.groupBy(ID)
        .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new));

    Dataset<Row> joined = priorActivity.select(Stream.concat(Stream.of(ID), ACTIVITY_COLUMNS.stream())
            .map(c -> col(c).as(c.equals(ID) ? ID : "_p_" + c)).toArray(Column[]::new))
        .join(delta, ID, "full_outer");
    List<Column> out = new ArrayList<>();
    out.add(col(ID));
    out.addAll(activityMaps((m, t) -> coalesce(col("_p_" + m.column()).getItem(t), lit(0L))
        .plus(coalesce(col("_d" + m.tag() + "_" + t), lit(0L)))));
    Column posts = coalesce(col("_p_" + SocialFeatureColumns.POSTS_90D), lit(0L))
        .plus(coalesce(col("_dposts"), lit(0L)));
    Column engaged = coalesce(col("_p_" + SocialFeatureColumns.ENGAGEMENT_RECEIVED_90D), lit(0L))
        .plus(coalesce(col("_dengaged"), lit(0L)));
    Column priorReviews = coalesce(col("_p_" + SocialFeatureColumns.REVIEWS_WRITTEN), lit(0)).cast(DataTypes.LongType);
    Column reviews = priorReviews.plus(coalesce(col("_dreviews"), lit(0L)));
    Column ratings = round(coalesce(col("_p_" + SocialFeatureColumns.MEAN_RATING), lit(0.0)).multiply(priorReviews))
        .cast(DataTypes.LongType).plus(coalesce(col("_dratings"), lit(0L)));
    out.add(posts.as(SocialFeatureColumns.POSTS_90D));
    out.add(engaged.as(SocialFeatureColumns.ENGAGEMENT_RECEIVED_90D));
    out.add(engagementPerPost(engaged, posts).as(SocialFeatureColumns.ENGAGEMENT_PER_POST_90D));
    out.add(reviews.cast(DataTypes.IntegerType).as(SocialFeatureColumns.REVIEWS_WRITTEN));
    out.add(when(reviews.gt(0), ratings.cast(DataTypes.DoubleType).divide(reviews.cast(DataTypes.DoubleType)))
        .otherwise(lit(0.0)).as(SocialFeatureColumns.MEAN_RATING));
    return joined.select(out.toArray(Column[]::new));
  }

  /**
   * The activity columns of a gold/social_features snapshot, keyed by id: {@code (id, }{@link #ACTIVITY_COLUMNS}
   * {@code )}, what {@link #interactionActivity} gave that night (every user of the snapshot, those without
   * interactions with zeros), the prior of {@link #foldedInteractionActivity}.
   */
  public static Dataset<Row> activityOf(Dataset<Row> snapshot) {
    List<Column> columns = new ArrayList<>();
    columns.add(col(SocialFeatureColumns.USER_ID).as(ID));
    ACTIVITY_COLUMNS.forEach(c -> columns.add(col(c)));
    return snapshot.select(columns.toArray(Column[]::new));
  }

  /**
   * The PageRank of every user of a gold/social_features snapshot, recovered from its influence ({@link #influence}:
   * PageRank times the snapshot's number of users): {@code (id, pagerank)}, the prior of a warm-started
   * {@link WeightedPageRank}.
   */
  public static Dataset<Row> ranksOf(Dataset<Row> snapshot) {
    return snapshot.crossJoin(snapshot.agg(count(lit(1)).as(USERS)))
        .select(col(SocialFeatureColumns.USER_ID).as(ID),
            col(SocialFeatureColumns.INFLUENCE).divide(col(USERS)).as(SocialColumns.PAGERANK));
  }

  /** {@code (id, community_id)} of a gold/social_features snapshot: the prior of a warm-started {@link Communities}. */
  public static Dataset<Row> communitiesOf(Dataset<Row> snapshot) {
    return snapshot.select(col(SocialFeatureColumns.USER_ID).as(ID),
        col(SocialFeatureColumns.COMMUNITY_ID).as(SocialColumns.COMMUNITY_ID));
  }

  /**
   * A fingerprint of the interactions known at {@code asOf} ({@link #interactionsKnownAt}): one row
   * {@code (interactions LONG, fingerprint LONG)}, their number and the XOR of a 64-bit hash of each one's id,
   * actor, target, type, date, rating and delivery day. Taken twice of the same night (e.g. when the night is
   * built and again the next night), equal fingerprints mean that what was known at that night has not been
   * changed since (a row rewritten, removed or added to an old delivery day), up to a hash collision.
   */
  public static Dataset<Row> interactionsFingerprint(LocalDate asOf, Dataset<Row> interactions) {
    return interactionsKnownAt(asOf, interactions).agg(count(lit(1)).as(FINGERPRINT_ROWS),
        coalesce(bit_xor(xxhash64(col(InteractionColumns.EVENT_ID), col(InteractionColumns.ACTOR),
            col(InteractionColumns.TARGET), col(InteractionColumns.TYPE), col(InteractionColumns.EVENT_DATE),
            col(InteractionColumns.RATING), col(LineageColumns.INGEST_DAY))), lit(0L)).as(FINGERPRINT));
  }

  /** One interaction-count map: its column, given or received, and its window in days. */
  private record ActivityMap(String column, boolean given, int windowDays) {
    /** A short tag for internal columns: {@code g30}, {@code r90}, ... */
    String tag() {
      return (given ? "g" : "r") + windowDays;
    }
  }

  /** One aggregate per interaction-count map and interaction type, named {@code prefix + tag + "_" + type}. */
  private static List<Column> perMapAndType(String prefix, BiFunction<ActivityMap, String, Column> aggregate) {
    List<Column> aggregates = new ArrayList<>();
    for (ActivityMap m : ACTIVITY_MAPS) {
      for (String t : INTERACTION_TYPES) {
        aggregates.add(aggregate.apply(m, t).as(prefix + m.tag() + "_" + t));
      }
    }
    return aggregates;
  }

  /** The interaction-count map columns, every interaction type a key, its count {@code countOf(map, type)}. */
  private static List<Column> activityMaps(BiFunction<ActivityMap, String, Column> countOf) {
    List<Column> maps = new ArrayList<>();
    for (ActivityMap m : ACTIVITY_MAPS) {
      List<Column> entries = new ArrayList<>();
      for (String t : INTERACTION_TYPES) {
        entries.add(lit(t));
        entries.add(countOf.apply(m, t));
      }
      maps.add(functions.map(entries.toArray(Column[]::new)).as(m.column()));
    }
    return maps;
  }

  private static Column change(Column countsNow, Column countedBefore) {
    return when(countsNow, 1).otherwise(0).minus(when(countedBefore, 1).otherwise(0));
  }

  private static Column sumWhere(Column condition, Column value) {
    return coalesce(sum(when(condition, value.cast(DataTypes.LongType)).otherwise(0L)), lit(0L));
  }

  private static void requireEarlier(LocalDate priorAsOf, LocalDate asOf) {
    if (!priorAsOf.isBefore(asOf)) {
      throw new IllegalArgumentException("The prior night " + priorAsOf + " must be before the as-of date " + asOf);
    }
  }

  /** Engagement received per post-like event made; a user without a post counts as one post. */
  static Column engagementPerPost(Column engagement, Column posts) {
    return engagement.cast(DataTypes.DoubleType).divide(greatest(posts, lit(1L)).cast(DataTypes.DoubleType));
  }

  /**
   * Net spend (purchases plus returns, USD) per customer over the {@code days} days to {@code asOf}:
   * {@code (id, spend_90d)} for customers with a transaction dated in the window.
   */
  public static Dataset<Row> netSpend(LocalDate asOf, int days, Dataset<Row> knownTransactions) {
    return knownTransactions
        .filter(col(TransactionColumns.TRANSACTION_DATE).geq(lit(Date.valueOf(asOf.minusDays(days - 1L))))
            .and(col(TransactionColumns.TRANSACTION_DATE).leq(lit(Date.valueOf(asOf)))))
        .groupBy(col(TransactionColumns.CUSTOMER_ID).as(ID))
        .agg(sum(col(TransactionColumns.AMOUNT)).cast(Tables.AMOUNT).as(SocialFeatureColumns.SPEND_90D));
  }

  /**
   * Peer value of each user who follows someone at as-of: the summed {@code spend_90d} of the users they follow
   * (0 for those without spend) and how many of them are in {@code championSegment}.
   *
   * @param spend {@code (id, spend_90d)}, e.g. {@link #netSpend}
   * @param segments {@code (id, rfm_segment)}: the snapshot's customers
   * @return {@code (id, peer_spend_90d, peer_champions)}
   */
  public static Dataset<Row> peerValue(String championSegment, Dataset<Row> activeFollows, Dataset<Row> spend,
      Dataset<Row> segments) {
    Dataset<Row> followed = activeFollows.select(col(FollowColumns.FOLLOWER).as(ID), col(FollowColumns.FOLLOWEE)
        .as(PEER));
    Dataset<Row> peerSpend = spend.select(col(ID).as(PEER), col(SocialFeatureColumns.SPEND_90D));
    Dataset<Row> peerSegment = segments.select(col(ID).as(PEER), col(CustomerFeatureColumns.RFM_SEGMENT));
    return followed.join(peerSpend, PEER, "left")
        .join(peerSegment, PEER, "left")
        .groupBy(ID)
        .agg(coalesce(sum(col(SocialFeatureColumns.SPEND_90D)), lit(0)).cast(Tables.AMOUNT)
                .as(SocialFeatureColumns.PEER_SPEND_90D),
            countWhere(col(CustomerFeatureColumns.RFM_SEGMENT).equalTo(championSegment)).cast(DataTypes.IntegerType)
                .as(SocialFeatureColumns.PEER_CHAMPIONS));
  }

  /**
   * Leader-triggered purchases: per customer, the purchases (not returns) dated in the {@code lookbackDays} days to
   * {@code asOf} made within {@code windowDays} days after (strictly after, at most {@code windowDays x 24 h}) a
   * purchase in the same category by an opinion leader the customer followed at the moment of the leader's purchase
   * (a silver/follows edge with {@code valid_from <=} that instant {@code < valid_to}). A purchase counts once
   * however many leaders' purchases precede it; purchases without a category never count.
   *
   * @param follows silver/follows (its whole history)
   * @param leaders {@code (id)}: the opinion leaders at as-of
   * @return {@code (id, leader_triggered_purchases_90d)} for customers with at least one
   */
  public static Dataset<Row> leaderTriggeredPurchases(LocalDate asOf, int windowDays, int lookbackDays,
      Dataset<Row> knownTransactions, Dataset<Row> follows, Dataset<Row> leaders) {
    Date from = Date.valueOf(asOf.minusDays(lookbackDays - 1L));
    Dataset<Row> purchases = knownTransactions
        .filter(not(col(TransactionColumns.IS_RETURN)).and(col(TransactionColumns.CATEGORY).isNotNull()))
        .select(col(TransactionColumns.CUSTOMER_ID), col(TransactionColumns.TRANSACTION_ID),
            col(TransactionColumns.TRANSACTION_TS), unix_micros(col(TransactionColumns.TRANSACTION_TS)).as(US),
            col(TransactionColumns.TRANSACTION_DATE), col(TransactionColumns.CATEGORY));
    Dataset<Row> leaderIds = leaders.select(col(ID).as(LEADER));
    Dataset<Row> leaderBuys = purchases
        .filter(col(TransactionColumns.TRANSACTION_DATE).geq(lit(Date.valueOf(asOf.minusDays(lookbackDays - 1L
            + windowDays)))))
        .join(leaderIds, col(TransactionColumns.CUSTOMER_ID).equalTo(col(LEADER)))
        .select(col(LEADER), col(TransactionColumns.CATEGORY).as(CATEGORY),
            col(TransactionColumns.TRANSACTION_TS).as(LEADER_TS), col(US).as(LEADER_US));
    Dataset<Row> reached = leaderBuys.join(follows, col(FollowColumns.FOLLOWEE).equalTo(col(LEADER))
            .and(col(FollowColumns.FOLLOWER).notEqual(col(LEADER)))
            .and(col(FollowColumns.VALID_FROM).leq(col(LEADER_TS)))
            .and(col(FollowColumns.VALID_TO).isNull().or(col(FollowColumns.VALID_TO).gt(col(LEADER_TS)))))
        .select(col(FollowColumns.FOLLOWER), col(CATEGORY), col(LEADER_US));
    Dataset<Row> mine = purchases.filter(col(TransactionColumns.TRANSACTION_DATE).geq(lit(from)));
    return reached.join(mine, col(FollowColumns.FOLLOWER).equalTo(col(TransactionColumns.CUSTOMER_ID))
            .and(col(CATEGORY).equalTo(col(TransactionColumns.CATEGORY)))
            .and(col(US).gt(col(LEADER_US)))
            .and(col(US).leq(col(LEADER_US).plus(lit(windowDays * MICROS_PER_DAY)))))
        .select(col(FollowColumns.FOLLOWER).as(ID), col(TransactionColumns.TRANSACTION_ID))
        .distinct()
        .groupBy(ID)
        .agg(count(lit(1)).cast(DataTypes.IntegerType).as(SocialFeatureColumns.LEADER_TRIGGERED_PURCHASES_90D));
  }

  /**
   * Referrals per referrer: distinct users referred by {@code asOf}; conversions, i.e. referred users whose first
   * purchase (the earliest known purchase, not a return) came at or after a referral, each credited to the latest
   * referral at or before it (last touch; ties: the larger event id); and the net spend (purchases plus returns)
   * of the converted users in their first {@code revenueDays} days from that first purchase, as known at as-of.
   *
   * @return {@code (id, referrals_made, referrals_converted, referral_revenue_90d)} for users who referred someone
   */
  public static Dataset<Row> referrals(int revenueDays, Dataset<Row> knownInteractions,
      Dataset<Row> knownTransactions) {
    Dataset<Row> refs = knownInteractions.filter(col(InteractionColumns.TYPE).equalTo(REFERRAL))
        .select(col(InteractionColumns.ACTOR).as(ID), col(InteractionColumns.TARGET).as(REFERRED),
            col(InteractionColumns.EVENT_TS).as(REFERRAL_TS), col(InteractionColumns.EVENT_ID).as(REFERRAL_ID));
    Dataset<Row> made = refs.groupBy(ID).agg(countDistinct(col(REFERRED)).cast(DataTypes.IntegerType)
        .as(SocialFeatureColumns.REFERRALS_MADE));
    Dataset<Row> first = knownTransactions.filter(not(col(TransactionColumns.IS_RETURN)))
        .groupBy(col(TransactionColumns.CUSTOMER_ID).as(REFERRED))
        .agg(min(col(TransactionColumns.TRANSACTION_TS)).as(FIRST_TS));
    Dataset<Row> credited = refs.join(first, REFERRED)
        .filter(col(REFERRAL_TS).leq(col(FIRST_TS)))
        .withColumn("_touch", row_number().over(Window.partitionBy(REFERRED)
            .orderBy(col(REFERRAL_TS).desc(), col(REFERRAL_ID).desc())))
        .filter(col("_touch").equalTo(1))
        .select(col(ID), col(REFERRED), col(FIRST_TS));
    Dataset<Row> revenue = credited.join(knownTransactions, col(REFERRED).equalTo(col(TransactionColumns.CUSTOMER_ID))
            .and(col(TransactionColumns.TRANSACTION_TS).geq(col(FIRST_TS)))
            .and(unix_micros(col(TransactionColumns.TRANSACTION_TS))
                .lt(unix_micros(col(FIRST_TS)).plus(lit(revenueDays * MICROS_PER_DAY)))))
        .groupBy(col(ID), col(REFERRED))
        .agg(sum(col(TransactionColumns.AMOUNT)).as(REVENUE));
    Dataset<Row> converted = revenue.groupBy(ID).agg(
        count(lit(1)).cast(DataTypes.IntegerType).as(SocialFeatureColumns.REFERRALS_CONVERTED),
        sum(col(REVENUE)).cast(Tables.AMOUNT).as(SocialFeatureColumns.REFERRAL_REVENUE_90D));
    return made.join(converted, ID, "left")
        .select(col(ID), col(SocialFeatureColumns.REFERRALS_MADE),
            coalesce(col(SocialFeatureColumns.REFERRALS_CONVERTED), lit(0))
                .as(SocialFeatureColumns.REFERRALS_CONVERTED),
            coalesce(col(SocialFeatureColumns.REFERRAL_REVENUE_90D), lit(0).cast(Tables.AMOUNT))
                .as(SocialFeatureColumns.REFERRAL_REVENUE_90D));
  }

  /**
   * Influence from PageRank: {@code influence} = PageRank x the number of users (mean 1), {@code influence_percentile}
   * = the share of the other users with a strictly lower PageRank (percent_rank: 0 for the least influential, 1 for
   * the most), and the opinion-leader flag of {@link OpinionLeaders#withOpinionLeaderFlag}.
   *
   * @param ranks {@code (id, pagerank)} of every user
   * @param followCounts {@code (id, followers, ...)}, e.g. {@link #followCounts}
   * @return {@code (id, influence, influence_percentile, opinion_leader)}
   */
  public static Dataset<Row> influence(double topFraction, long minFollowers, Dataset<Row> ranks,
      Dataset<Row> followCounts) {
    Dataset<Row> flagged = OpinionLeaders.withOpinionLeaderFlag(topFraction, minFollowers, ranks,
        followCounts.select(col(ID), col(SocialFeatureColumns.FOLLOWERS).as(SocialColumns.FOLLOWER_COUNT)));
    // percent_rank over all users without a global (single-partition) window
    return GlobalRanks.withPercentRank(flagged, SocialColumns.PAGERANK, SocialFeatureColumns.INFLUENCE_PERCENTILE)
        .crossJoin(ranks.agg(count(lit(1)).as(USERS)))
        .select(col(ID),
            col(SocialColumns.PAGERANK).multiply(col(USERS)).as(SocialFeatureColumns.INFLUENCE),
            col(SocialFeatureColumns.INFLUENCE_PERCENTILE),
            col(SocialColumns.OPINION_LEADER));
  }

  /**
   * What each community's customers are worth: their number, their mean {@code spend_90d} (rounded half-up to
   * cents; customers without spend count as 0) and the share of them in each RFM segment. Communities without a
   * customer are absent.
   *
   * @param segmentNames the configured segment names: the keys of the shares map
   * @param communities {@code (id, community_id, ...)} of every user
   * @param segments {@code (id, rfm_segment)}: the snapshot's customers
   * @param spend {@code (id, spend_90d)}
   * @return {@code (community_id, community_customers, community_avg_spend_90d, community_segment_shares)}
   */
  public static Dataset<Row> communityValue(List<String> segmentNames, Dataset<Row> communities,
      Dataset<Row> segments, Dataset<Row> spend) {
    Dataset<Row> members = communities.select(col(ID), col(SocialColumns.COMMUNITY_ID));
    Dataset<Row> customers = segments.select(col(ID), col(CustomerFeatureColumns.RFM_SEGMENT))
        .join(spend.select(col(ID).as("_sid"), col(SocialFeatureColumns.SPEND_90D)), col(ID).equalTo(col("_sid")),
            "left")
        .drop("_sid");
    List<Column> aggregates = new ArrayList<>();
    aggregates.add(coalesce(sum(col(SocialFeatureColumns.SPEND_90D)), lit(0)).as(TOTAL));
    for (int i = 0; i < segmentNames.size(); i++) {
      aggregates.add(countWhere(col(CustomerFeatureColumns.RFM_SEGMENT).equalTo(segmentNames.get(i))).as("_seg" + i));
    }
    Dataset<Row> counted = members.join(customers, ID).groupBy(SocialColumns.COMMUNITY_ID)
        .agg(count(lit(1)).as(SocialFeatureColumns.COMMUNITY_CUSTOMERS), aggregates.toArray(Column[]::new));
    List<Column> shares = new ArrayList<>();
    for (int i = 0; i < segmentNames.size(); i++) {
      shares.add(lit(segmentNames.get(i)));
      shares.add(coalesce(col("_seg" + i).cast(DataTypes.DoubleType)
          .divide(col(SocialFeatureColumns.COMMUNITY_CUSTOMERS).cast(DataTypes.DoubleType)), lit(0.0)));
    }
    return counted.select(col(SocialColumns.COMMUNITY_ID), col(SocialFeatureColumns.COMMUNITY_CUSTOMERS),
        round(col(TOTAL).divide(col(SocialFeatureColumns.COMMUNITY_CUSTOMERS)), 2).cast(Tables.AMOUNT)
            .as(SocialFeatureColumns.COMMUNITY_AVG_SPEND_90D),
        functions.map(shares.toArray(Column[]::new)).as(SocialFeatureColumns.COMMUNITY_SEGMENT_SHARES));
  }

  /** The parts {@link #socialFeatures} joins, each keyed by {@code id} (community value by community id). */
  public record Parts(Dataset<Row> users, Dataset<Row> followCounts, Dataset<Row> activity, Dataset<Row> influence,
      Dataset<Row> communities, Dataset<Row> communityValue, Dataset<Row> spend, Dataset<Row> peerValue,
      Dataset<Row> leaderTriggered, Dataset<Row> referrals) {
  }

  /**
   * The rows of gold/social_features for {@code asOf}: one per user of {@code parts.users()}, every other part
   * left-joined, absent counts, sums and maps as zeros. Influence and community come from the engine, which gives
   * every user (isolated ones too) a rank and a community, so they are never absent.
   *
   * @param segmentNames the configured RFM segment names (keys of the zero community-shares map)
   */
  public static Dataset<Row> socialFeatures(LocalDate asOf, String runId, List<String> segmentNames, Parts parts) {
    Dataset<Row> joined = parts.users()
        .join(parts.followCounts(), ID, "left")
        .join(parts.activity(), ID, "left")
        .join(parts.influence(), ID, "left")
        .join(parts.communities(), ID, "left")
        .join(parts.spend(), ID, "left")
        .join(parts.peerValue(), ID, "left")
        .join(parts.leaderTriggered(), ID, "left")
        .join(parts.referrals(), ID, "left")
        // last: the joins by user id above share one partitioning, this one is by community
        .join(parts.communityValue(), SocialColumns.COMMUNITY_ID, "left");
    Column zeroCounts = zeroMap(INTERACTION_TYPES, lit(0L));
    Column zeroShares = zeroMap(segmentNames, lit(0.0));
    Column zeroAmount = lit(0).cast(Tables.AMOUNT);
    Dataset<Row> rows = joined.select(
        lit(Date.valueOf(asOf)).as(SocialFeatureColumns.AS_OF),
        col(ID).as(SocialFeatureColumns.USER_ID),
        col(SocialFeatureColumns.IS_CUSTOMER),
        coalesce(col(SocialFeatureColumns.FOLLOWERS), lit(0)).as(SocialFeatureColumns.FOLLOWERS),
        coalesce(col(SocialFeatureColumns.FOLLOWING), lit(0)).as(SocialFeatureColumns.FOLLOWING),
        coalesce(col(SocialFeatureColumns.INTERACTIONS_GIVEN_30D), zeroCounts)
            .as(SocialFeatureColumns.INTERACTIONS_GIVEN_30D),
        coalesce(col(SocialFeatureColumns.INTERACTIONS_RECEIVED_30D), zeroCounts)
            .as(SocialFeatureColumns.INTERACTIONS_RECEIVED_30D),
        coalesce(col(SocialFeatureColumns.INTERACTIONS_GIVEN_90D), zeroCounts)
            .as(SocialFeatureColumns.INTERACTIONS_GIVEN_90D),
        coalesce(col(SocialFeatureColumns.INTERACTIONS_RECEIVED_90D), zeroCounts)
            .as(SocialFeatureColumns.INTERACTIONS_RECEIVED_90D),
        coalesce(col(SocialFeatureColumns.POSTS_90D), lit(0L)).as(SocialFeatureColumns.POSTS_90D),
        coalesce(col(SocialFeatureColumns.ENGAGEMENT_RECEIVED_90D), lit(0L))
            .as(SocialFeatureColumns.ENGAGEMENT_RECEIVED_90D),
        coalesce(col(SocialFeatureColumns.ENGAGEMENT_PER_POST_90D), lit(0.0))
            .as(SocialFeatureColumns.ENGAGEMENT_PER_POST_90D),
        coalesce(col(SocialFeatureColumns.REVIEWS_WRITTEN), lit(0)).as(SocialFeatureColumns.REVIEWS_WRITTEN),
        coalesce(col(SocialFeatureColumns.MEAN_RATING), lit(0.0)).as(SocialFeatureColumns.MEAN_RATING),
        col(SocialFeatureColumns.INFLUENCE),
        col(SocialFeatureColumns.INFLUENCE_PERCENTILE),
        col(SocialColumns.OPINION_LEADER).as(SocialFeatureColumns.OPINION_LEADER),
        col(SocialColumns.COMMUNITY_ID).as(SocialFeatureColumns.COMMUNITY_ID),
        col(SocialColumns.COMMUNITY_SIZE).as(SocialFeatureColumns.COMMUNITY_SIZE),
        coalesce(col(SocialFeatureColumns.COMMUNITY_CUSTOMERS), lit(0L)).as(SocialFeatureColumns.COMMUNITY_CUSTOMERS),
        coalesce(col(SocialFeatureColumns.COMMUNITY_AVG_SPEND_90D), zeroAmount)
            .as(SocialFeatureColumns.COMMUNITY_AVG_SPEND_90D),
        coalesce(col(SocialFeatureColumns.COMMUNITY_SEGMENT_SHARES), zeroShares)
            .as(SocialFeatureColumns.COMMUNITY_SEGMENT_SHARES),
        coalesce(col(SocialFeatureColumns.SPEND_90D), zeroAmount).as(SocialFeatureColumns.SPEND_90D),
        coalesce(col(SocialFeatureColumns.PEER_SPEND_90D), zeroAmount).as(SocialFeatureColumns.PEER_SPEND_90D),
        coalesce(col(SocialFeatureColumns.PEER_CHAMPIONS), lit(0)).as(SocialFeatureColumns.PEER_CHAMPIONS),
        coalesce(col(SocialFeatureColumns.LEADER_TRIGGERED_PURCHASES_90D), lit(0))
            .as(SocialFeatureColumns.LEADER_TRIGGERED_PURCHASES_90D),
        coalesce(col(SocialFeatureColumns.REFERRALS_MADE), lit(0)).as(SocialFeatureColumns.REFERRALS_MADE),
        coalesce(col(SocialFeatureColumns.REFERRALS_CONVERTED), lit(0)).as(SocialFeatureColumns.REFERRALS_CONVERTED),
        coalesce(col(SocialFeatureColumns.REFERRAL_REVENUE_90D), zeroAmount)
            .as(SocialFeatureColumns.REFERRAL_REVENUE_90D),
        lit(runId).as(SocialFeatureColumns.RUN_ID));
    return DeltaWrites.conform(Tables.GOLD_SOCIAL_FEATURES, rows);
  }

  /**
   * A gold/customer_features snapshot with its social columns ({@link #CUSTOMER_COLUMNS}) taken from the
   * gold/social_features rows of the same customers; every other column as it was. A customer without a social row
   * gets nulls (build-social-features gives every customer of the snapshot a row).
   */
  public static Dataset<Row> withSocialColumns(Dataset<Row> snapshot, Dataset<Row> socialFeatures) {
    List<Column> social = new ArrayList<>();
    social.add(col(SocialFeatureColumns.USER_ID).as("_social_user"));
    CUSTOMER_COLUMNS.forEach(c -> social.add(col(c)));
    Dataset<Row> values = socialFeatures.select(social.toArray(Column[]::new));
    Dataset<Row> rest = snapshot.drop(CUSTOMER_COLUMNS.toArray(String[]::new));
    return rest.join(values, rest.col(CustomerFeatureColumns.CUSTOMER_ID).equalTo(values.col("_social_user")), "left")
        .drop("_social_user");
  }

  private static Column countWhere(Column condition) {
    return coalesce(sum(when(condition, 1L).otherwise(0L)), lit(0L));
  }

  private static Column zeroMap(List<String> keys, Column zero) {
    List<Column> entries = new ArrayList<>();
    for (String k : keys) {
      entries.add(lit(k));
      entries.add(zero);
    }
    return functions.map(entries.toArray(Column[]::new));
  }
}

package io.kindred.social;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.kindred.spark.GlobalRanks;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/** The opinion-leader rule: top influence with enough followers. */
public final class OpinionLeaders {

  private static final String POSITION = "_influence_position";
  private static final String USERS = "_users";

  private OpinionLeaders() {
  }

  /**
   * Adds {@code follower_count} (0 for users absent from {@code followerCounts}) and {@code opinion_leader}: true when
   * the user is in the top {@code topFraction} of influence and has at least {@code minFollowers} followers.
   *
   * <p>"Top fraction p" of n users: the user's rank by descending PageRank, where tied users share the best rank
   * ({@code 1 + number of users with a strictly higher PageRank}), is at most {@code max(1, ceil(p * n - 1e-9))}
   * (the 1e-9 absorbs rounding, so that 0.01 * 1000 gives exactly 10). So with p = 0.01 and 1,000 users the 10
   * most influential qualify, plus anyone tied with the 10th. The rank is computed by {@link GlobalRanks#withRank}
   * (a distributed sort of the distinct PageRank values, not a single-partition window).
   *
   * @param topFraction p in (0, 1]
   * @param minFollowers N, at least 0
   * @param ranks {@code (id STRING, pagerank DOUBLE, ...)}, one row per user, e.g. {@link WeightedPageRank}'s output
   * @param followerCounts {@code (id STRING, follower_count <integral>)}, at most one row per user
   */
  public static Dataset<Row> withOpinionLeaderFlag(double topFraction, long minFollowers, Dataset<Row> ranks,
      Dataset<Row> followerCounts) {
    if (!(topFraction > 0 && topFraction <= 1)) {
      throw new IllegalArgumentException("Opinion-leader top fraction must be in (0, 1], got " + topFraction);
    }
    if (minFollowers < 0) {
      throw new IllegalArgumentException("Opinion-leader minimum follower count must be >= 0, got " + minFollowers);
    }
    require(ranks, "ranks", List.of(SocialColumns.ID, SocialColumns.PAGERANK));
    require(followerCounts, "follower counts", List.of(SocialColumns.ID, SocialColumns.FOLLOWER_COUNT));
    Dataset<Row> withFollowers = ranks
        .join(followerCounts.select(col(SocialColumns.ID),
            col(SocialColumns.FOLLOWER_COUNT).cast(DataTypes.LongType).as(SocialColumns.FOLLOWER_COUNT)),
            ranks.col(SocialColumns.ID).equalTo(followerCounts.col(SocialColumns.ID)), "left")
        .drop(followerCounts.col(SocialColumns.ID))
        .withColumn(SocialColumns.FOLLOWER_COUNT, coalesce(col(SocialColumns.FOLLOWER_COUNT), lit(0L)));
    Dataset<Row> users = ranks.agg(count(lit(1)).as(USERS));
    return GlobalRanks.withRank(withFollowers, SocialColumns.PAGERANK, true, POSITION)
        .crossJoin(users)
        .withColumn(SocialColumns.OPINION_LEADER,
            col(POSITION).leq(org.apache.spark.sql.functions.greatest(lit(1L),
                org.apache.spark.sql.functions.ceil(col(USERS).multiply(lit(topFraction)).minus(lit(1e-9)))))
                .and(col(SocialColumns.FOLLOWER_COUNT).geq(minFollowers)))
        .drop(POSITION, USERS);
  }

  private static void require(Dataset<Row> data, String what, List<String> columns) {
    List<String> present = Arrays.asList(data.columns());
    List<String> missing = columns.stream().filter(c -> !present.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("The " + what + " have no column(s) " + missing + "; columns present: "
          + present);
    }
  }
}

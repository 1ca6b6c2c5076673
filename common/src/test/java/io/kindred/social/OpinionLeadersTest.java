package io.kindred.social;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kindred.testing.SharedSpark;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class OpinionLeadersTest {

  private final SparkSession spark = SharedSpark.session();

  private Dataset<Row> ranks() {
    return spark.createDataFrame(List.of(
        RowFactory.create("u1", 0.30), RowFactory.create("u2", 0.20), RowFactory.create("u3", 0.20),
        RowFactory.create("u4", 0.10), RowFactory.create("u5", 0.08), RowFactory.create("u6", 0.06),
        RowFactory.create("u7", 0.04), RowFactory.create("u8", 0.02)), WeightedPageRank.SCHEMA);
  }

  private Dataset<Row> followers() {
    return spark.createDataFrame(List.of(
        RowFactory.create("u1", 10L), RowFactory.create("u2", 3L), RowFactory.create("u3", 5L),
        RowFactory.create("u4", 100L), RowFactory.create("u6", 7L)),
        new StructType().add(SocialColumns.ID, DataTypes.StringType).add(SocialColumns.FOLLOWER_COUNT,
            DataTypes.LongType));
  }

  @Test
  void topQuarterWithFiveFollowersIncludesTiesAtTheCut() {
    // 8 users, p = 0.25: the cut is position 2; u2 and u3 tie at 2. u2 has too few followers, u4 is not top.
    Dataset<Row> actual = OpinionLeaders.withOpinionLeaderFlag(0.25, 5, ranks(), followers());

    assertEquals(List.of("id", "pagerank", "follower_count", "opinion_leader"), List.of(actual.columns()));
    assertEquals(new TreeSet<>(List.of("[u1,0.3,10,true]", "[u2,0.2,3,false]", "[u3,0.2,5,true]",
        "[u4,0.1,100,false]", "[u5,0.08,0,false]", "[u6,0.06,7,false]", "[u7,0.04,0,false]", "[u8,0.02,0,false]")),
        new TreeSet<>(actual.collectAsList().stream().map(Row::toString).toList()));
  }

  @Test
  void aTinyFractionStillFlagsTheMostInfluentialUser() {
    // 8 users, p = 0.01: max(1, ceil(0.08)) = 1.
    Dataset<Row> actual = OpinionLeaders.withOpinionLeaderFlag(0.01, 0, ranks(), followers());
    assertEquals(List.of("u1"), actual.filter(SocialColumns.OPINION_LEADER).select(SocialColumns.ID)
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
  }

  @Test
  void rejectsAFractionOfZero() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OpinionLeaders.withOpinionLeaderFlag(0, 5, ranks(), followers()));
    assertEquals("Opinion-leader top fraction must be in (0, 1], got 0.0", e.getMessage());
  }
}

package io.kindred.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.percent_rank;
import static org.apache.spark.sql.functions.rank;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kindred.testing.Plans;
import io.kindred.testing.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** GlobalRanks against hand-worked values and against Spark's own (single-partition) window functions. */
class GlobalRanksTest {

  private static final StructType SCHEMA = new StructType().add("id", DataTypes.StringType, false)
      .add("v", DataTypes.DoubleType, true);
  private final SparkSession spark = SharedSpark.session();

  private Dataset<Row> data(Object[][] rows) {
    List<Row> out = new ArrayList<>();
    for (Object[] r : rows) {
      out.add(RowFactory.create(r));
    }
    return spark.createDataFrame(out, SCHEMA);
  }

  /** "id|value", sorted. */
  private static List<String> rows(Dataset<Row> data, String column) {
    List<String> out = new ArrayList<>();
    data.select(col("id"), col(column)).collectAsList().forEach(r -> out.add(r.getString(0) + "|" + r.get(1)));
    out.sort(null);
    return out;
  }

  private static final Object[][] TIES_AND_NULLS = {
      {"a", 0.5}, {"b", 0.2}, {"c", 0.2}, {"d", null}, {"e", 0.9}, {"f", null}, {"g", 0.2}};

  @Test
  void percentRankCountsTheOtherRowsStrictlyBelowWithNullsLowest() {
    // 7 rows: nulls (2) lowest, then 0.2 x3, 0.5, 0.9; percent_rank = rows below / 6
    assertEquals(List.of("a|" + 5 / 6.0, "b|" + 2 / 6.0, "c|" + 2 / 6.0, "d|0.0", "e|1.0", "f|0.0",
            "g|" + 2 / 6.0),
        rows(GlobalRanks.withPercentRank(data(TIES_AND_NULLS), "v", "p"), "p"));
  }

  @Test
  void rankDescendingSharesTheBestRankAmongTiesWithNullsLast() {
    assertEquals(List.of("a|2", "b|3", "c|3", "d|6", "e|1", "f|6", "g|3"),
        rows(GlobalRanks.withRank(data(TIES_AND_NULLS), "v", true, "r"), "r"));
    assertEquals(List.of("a|6", "b|3", "c|3", "d|1", "e|7", "f|1", "g|3"),
        rows(GlobalRanks.withRank(data(TIES_AND_NULLS), "v", false, "r"), "r"));
  }

  @Test
  void outputKeepsTheInputColumnsAndAddsOneOfTheWindowsType() {
    Dataset<Row> ranked = GlobalRanks.withRank(data(TIES_AND_NULLS), "v", true, "r");
    assertEquals(SCHEMA.add("r", DataTypes.IntegerType, false).simpleString(), ranked.schema().simpleString());
    Dataset<Row> pct = GlobalRanks.withPercentRank(data(TIES_AND_NULLS), "v", "p");
    assertEquals(SCHEMA.add("p", DataTypes.DoubleType, false).simpleString(), pct.schema().simpleString());
  }

  @Test
  void aSingleRowAndNoRowAreRankedAsTheWindowRanksThem() {
    Dataset<Row> one = data(new Object[][] {{"a", 0.3}});
    assertEquals(List.of("a|0.0"), rows(GlobalRanks.withPercentRank(one, "v", "p"), "p"));
    assertEquals(List.of("a|1"), rows(GlobalRanks.withRank(one, "v", true, "r"), "r"));
    assertEquals(rows(one.withColumn("p", percent_rank().over(Window.orderBy(col("v")))), "p"),
        rows(GlobalRanks.withPercentRank(one, "v", "p"), "p"));
    assertEquals(List.of(), rows(GlobalRanks.withPercentRank(data(new Object[0][]), "v", "p"), "p"));
  }

  @Test
  void equalsSparksWindowFunctionsOnManyPartitionsWithTiesAndNulls() {
    Random random = new Random(20260401);
    Object[][] rows = new Object[3000][];
    for (int i = 0; i < rows.length; i++) {
      int k = random.nextInt(400);
      // many ties (400 distinct values), some nulls, a NaN and signed zeros
      Double v = k < 15 ? null : k == 15 ? Double.NaN : k == 16 ? -0.0 : k == 17 ? 0.0 : (k - 200) / 7.0;
      rows[i] = new Object[] {"u" + i, v};
    }
    String partitions = spark.conf().get("spark.sql.shuffle.partitions");
    spark.conf().set("spark.sql.shuffle.partitions", "9");
    try {
      Dataset<Row> input = data(rows).repartition(5);
      assertEquals(rows(input.withColumn("p", percent_rank().over(Window.orderBy(col("v")))), "p"),
          rows(GlobalRanks.withPercentRank(input, "v", "p"), "p"));
      assertEquals(rows(input.withColumn("r", rank().over(Window.orderBy(desc("v")))), "r"),
          rows(GlobalRanks.withRank(input, "v", true, "r"), "r"));
      assertEquals(rows(input.withColumn("r", rank().over(Window.orderBy(col("v")))), "r"),
          rows(GlobalRanks.withRank(input, "v", false, "r"), "r"));
    } finally {
      spark.conf().set("spark.sql.shuffle.partitions", partitions);
    }
  }

  @Test
  void thePlanHasNoSinglePartitionWindowWhereTheWindowFunctionsHaveOne() {
    Dataset<Row> input = data(TIES_AND_NULLS);
    assertEquals(1, Plans.singlePartitionWindows(input.withColumn("r", rank().over(Window.orderBy(desc("v")))))
        .size());
    assertEquals(List.of(), Plans.singlePartitionWindows(GlobalRanks.withRank(input, "v", true, "r")));
    assertEquals(List.of(), Plans.singlePartitionWindows(GlobalRanks.withPercentRank(input, "v", "p")));
  }

  @Test
  void anUnknownColumnIsNamedWithTheColumnsPresent() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GlobalRanks.withRank(data(TIES_AND_NULLS), "pagerank", true, "r"));
    assertEquals("No column 'pagerank' to rank by; columns present: id, v", e.getMessage());
  }
}

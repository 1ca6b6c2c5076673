package io.kindred.features;

import static io.kindred.testing.SilverFixtures.transaction;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kindred.config.KindredConfig;
import io.kindred.lake.Tables.CustomerFeatureColumns;
import io.kindred.testing.SharedSpark;
import io.kindred.testing.SilverFixtures;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class RfmFeaturesTest {

  private static final LocalDate AS_OF = LocalDate.of(2026, 3, 10);
  private final SparkSession spark = SharedSpark.session();

  private static LocalDate d(String iso) {
    return LocalDate.parse(iso);
  }

  private Dataset<Row> handBuilt() {
    return SilverFixtures.transactions(spark, List.of(
        // A: two purchases on 03-01 (one purchase day), one on 03-05, a return of 03-01's on 03-08, and a
        // purchase after the as-of date
        transaction("a1", "A", d("2026-03-01"), "10.00"),
        transaction("a2", "A", d("2026-03-01"), "5.00"),
        transaction("a3", "A", d("2026-03-05"), "20.00"),
        transaction("a4", "A", d("2026-03-08"), "-5.00", d("2026-03-08"), "a2"),
        transaction("a5", "A", d("2026-03-11"), "100.00"),
        // B: one purchase the day before
        transaction("b1", "B", d("2026-03-09"), "7.50"),
        // C: three purchase days, the last on the as-of date
        transaction("c1", "C", d("2026-01-10"), "3.00"),
        transaction("c2", "C", d("2026-02-10"), "3.00"),
        transaction("c3", "C", d("2026-03-10"), "4.01"),
        // D: only a return (of a purchase before the data): no purchase day
        transaction("d1", "D", d("2026-03-02"), "-4.00", d("2026-03-02"), "older"),
        // E: dated 03-04 but delivered after the as-of date
        transaction("e1", "E", d("2026-03-04"), "1.00", d("2026-03-12"), null)));
  }

  private Map<String, List<Object>> aggregatesById(Dataset<Row> aggregates) {
    Map<String, List<Object>> out = new TreeMap<>();
    for (Row r : aggregates.collectAsList()) {
      List<Object> values = new ArrayList<>();
      for (int i = 1; i < r.length(); i++) {
        values.add(r.get(i));
      }
      out.put(r.getString(0), values);
    }
    return out;
  }

  private static List<Object> row(String first, String last, int recency, int tenure, int days, int repeat,
      long transactions, long returns, String gross, String returned, String monetary, String perDay,
      String repeatAmount) {
    return List.of(Date.valueOf(first), Date.valueOf(last), recency, tenure, days, repeat, transactions, returns,
        new BigDecimal(gross), new BigDecimal(returned), new BigDecimal(monetary), new BigDecimal(perDay),
        new BigDecimal(repeatAmount));
  }

  @Test
  void aggregatesOfHandBuiltCustomers() {
    Dataset<Row> known = RfmFeatures.transactionsAsOf(handBuilt(), AS_OF, false);

    Dataset<Row> aggregates = RfmFeatures.customerAggregates(RfmFeatures.customerDays(known), AS_OF);

    assertEquals(List.of("customer_id", "first_purchase_date", "last_purchase_date", "recency_days", "tenure_days",
        "purchase_days", "repeat_purchase_days", "transactions", "returns", "gross_amount", "returned_amount",
        "monetary", "monetary_per_day", "repeat_amount"), List.of(aggregates.columns()));
    Map<String, List<Object>> expected = new TreeMap<>();
    // repeat value net of returns: 35 - 5 - 15 (the first day's gross); the return (of a first-day item) nets
    // against the total, charged to the repeat days first (RfmFeatures.netRepeatAmount)
    expected.put("A", row("2026-03-01", "2026-03-05", 5, 9, 2, 1, 3, 1, "35.00", "-5.00", "30.00", "15.00",
        "15.00"));
    expected.put("B", row("2026-03-09", "2026-03-09", 1, 1, 1, 0, 1, 0, "7.50", "0.00", "7.50", "7.50", "0.00"));
    // Jan 10 .. Mar 10 2026: 21 + 28 + 10 = 59 days; 10.01 / 3 = 3.3367 -> 3.34
    expected.put("C", row("2026-01-10", "2026-03-10", 0, 59, 3, 2, 3, 0, "10.01", "0.00", "10.01", "3.34",
        "7.01"));
    assertEquals(expected, aggregatesById(aggregates));
  }

  @Test
  void anyDeliveryIncludesRowsDeliveredAfterTheAsOfDate() {
    Dataset<Row> known = RfmFeatures.transactionsAsOf(handBuilt(), AS_OF, true);

    Dataset<Row> aggregates = RfmFeatures.customerAggregates(RfmFeatures.customerDays(known), AS_OF);

    assertEquals(row("2026-03-04", "2026-03-04", 6, 6, 1, 0, 1, 0, "1.00", "0.00", "1.00", "1.00", "0.00"),
        aggregatesById(aggregates).get("E"));
    assertEquals(4, aggregates.count());
  }

  private Dataset<Row> tenCustomers() {
    StructType schema = new StructType()
        .add(CustomerFeatureColumns.CUSTOMER_ID, DataTypes.StringType)
        .add(CustomerFeatureColumns.RECENCY_DAYS, DataTypes.IntegerType)
        .add(CustomerFeatureColumns.PURCHASE_DAYS, DataTypes.IntegerType)
        .add(CustomerFeatureColumns.MONETARY, io.kindred.lake.Tables.AMOUNT);
    int[] recency = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    int[] days = {10, 3, 2, 2, 1, 1, 1, 1, 1, 1};
    String[] monetary = {"80.00", "70.00", "60.00", "50.00", "40.00", "30.00", "20.00", "20.00", "10.00", "-5.00"};
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      rows.add(RowFactory.create("c" + i, recency[i], days[i], new BigDecimal(monetary[i])));
    }
    Collections.reverse(rows);
    return spark.createDataFrame(rows, schema).repartition(3);
  }

  @Test
  void cutPointsAreTheLowerQuintileOrderStatistics() {
    RfmFeatures.CutPoints cuts = RfmFeatures.cutPoints(tenCustomers(), 10_000);

    // n = 10: cut k is the value of rank ceil(2k) = 2k in ascending order
    assertArrayEquals(new double[] {1, 3, 5, 7}, cuts.recency());
    assertArrayEquals(new double[] {1, 1, 1, 2}, cuts.frequency());
    assertArrayEquals(new double[] {10, 20, 40, 60}, cuts.monetary());
  }

  @Test
  void scoresAndSegmentsWithTies() {
    Dataset<Row> customers = tenCustomers();
    RfmSegments segments = RfmSegments.fromConfig(KindredConfig.defaults().raw(), "kindred.features.rfm-segments");

    Dataset<Row> scored = RfmFeatures.withRfmSegment(
        RfmFeatures.withRfmScores(customers, RfmFeatures.cutPoints(customers, 10_000)), segments);

    Map<String, String> actual = new TreeMap<>();
    for (Row r : scored.select("customer_id", "r_score", "f_score", "m_score", "rfm_segment").collectAsList()) {
      actual.put(r.getString(0), r.getInt(1) + "" + r.getInt(2) + r.getInt(3) + " " + r.getString(4));
    }
    // bucket = 1 + cut points strictly below; R = 6 - bucket(recency). Equal values (F = 1 for six customers,
    // monetary 20.00 twice) share a score; F skips 2 and 3.
    Map<String, String> expected = new TreeMap<>(Map.of(
        "c0", "555 champions", "c1", "555 champions", "c2", "444 loyal", "c3", "444 loyal",
        "c4", "313 about to sleep", "c5", "313 about to sleep", "c6", "212 hibernating", "c7", "212 hibernating",
        "c8", "111 hibernating", "c9", "111 hibernating"));
    assertEquals(expected, actual);
  }

  @Test
  void noCustomersIsAClearError() {
    Dataset<Row> none = tenCustomers().limit(0);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RfmFeatures.cutPoints(none, 10_000));

    assertEquals("No customer has a purchase day: cannot compute RFM quintiles", e.getMessage());
  }

  /**
   * Returns reach value (issue 17, item 6): X's big order of 1,000 is cancelled on a later day, Z returns more than
   * its repeat purchases, Y returns nothing. The spend model's mean repeat value is net of returns, the same in the
   * full recompute and the incremental state, and X does not outrank Y.
   */
  @Test
  void returnsReachTheSpendModel() {
    Dataset<Row> silver = SilverFixtures.transactions(spark, List.of(
        transaction("x1", "X", d("2026-03-01"), "20.00"),
        transaction("x2", "X", d("2026-03-03"), "1000.00"),
        transaction("x3", "X", d("2026-03-06"), "-1000.00", d("2026-03-06"), "x2"),
        transaction("x4", "X", d("2026-03-07"), "30.00"),
        transaction("y1", "Y", d("2026-03-01"), "10.00"),
        transaction("y2", "Y", d("2026-03-04"), "40.00"),
        transaction("y3", "Y", d("2026-03-08"), "60.00"),
        transaction("z1", "Z", d("2026-03-02"), "100.00"),
        transaction("z2", "Z", d("2026-03-05"), "30.00"),
        transaction("z3", "Z", d("2026-03-09"), "-80.00", d("2026-03-09"), "z1")));
    Dataset<Row> known = RfmFeatures.transactionsAsOf(silver, AS_OF, false);
    Dataset<Row> full = RfmFeatures.customerAggregates(RfmFeatures.customerDays(known), AS_OF);
    Dataset<Row> state = io.kindred.features.CustomerState.fold(spark.createDataFrame(List.of(),
        io.kindred.lake.Tables.GOLD_CUSTOMER_STATE.schema()), known, AS_OF);
    Dataset<Row> incremental = io.kindred.features.CustomerState.aggregates(state, AS_OF);
    // X: net 1050 - 1000 = 50, less the first day's 20: 30 over 2 repeat days; Y: 100 over 2; Z: 50 - 100 < 0 -> 0
    Map<String, String> expected = Map.of("X", "50.00|30.00|15.0", "Y", "110.00|100.00|50.0", "Z", "50.00|0.00|0.0");
    for (Dataset<Row> aggregates : List.of(full, incremental)) {
      Map<String, String> actual = new TreeMap<>();
      for (Row r : ClvFeatures.withClvSummary(aggregates, io.kindred.clv.PeriodUnit.DAYS).collectAsList()) {
        actual.put(r.getAs(CustomerFeatureColumns.CUSTOMER_ID), r.getAs(CustomerFeatureColumns.MONETARY) + "|"
            + r.getAs(RfmFeatures.REPEAT_AMOUNT) + "|" + r.getAs(CustomerFeatureColumns.CLV_MBAR));
      }
      assertEquals(new TreeMap<>(expected), actual);
    }
    // the spend model's expectation (p gamma + p x mbar) / (p x + q - 1) at CDNOW's Gamma-Gamma: X 15 -> 19.59...,
    // not 515 -> 468.8 as its gross would give; Y above it
    io.kindred.clv.GammaGammaParams gg = new io.kindred.clv.GammaGammaParams(6.25, 3.74, 15.44);
    assertEquals((6.25 * 15.44 + 6.25 * 2 * 15) / (6.25 * 2 + 3.74 - 1), gg.expectedAverageSpend(2, 15), 1e-12);
    assertEquals(true, gg.expectedAverageSpend(2, 15) < gg.expectedAverageSpend(2, 50));
  }
}

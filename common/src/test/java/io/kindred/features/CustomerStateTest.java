package io.kindred.features;

import static io.kindred.testing.SilverFixtures.transaction;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kindred.lake.Tables;
import io.kindred.lake.Tables.LineageColumns;
import io.kindred.testing.SharedSpark;
import io.kindred.testing.SilverFixtures;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Folding nights' deliveries into the customer state equals a full recompute, with late data and returns. */
class CustomerStateTest {

  private final SparkSession spark = SharedSpark.session();

  private static LocalDate d(String iso) {
    return LocalDate.parse(iso);
  }

  private Dataset<Row> silver() {
    return SilverFixtures.transactions(spark, List.of(
        transaction("a1", "A", d("2026-03-01"), "10.00"),
        transaction("a2", "A", d("2026-03-02"), "5.00"),
        // a return on another day
        transaction("a3", "A", d("2026-03-03"), "-5.00", d("2026-03-03"), "a2"),
        // late: a purchase before the first day, then another on that new first day and one on a counted day
        transaction("a4", "A", d("2026-02-27"), "8.00", d("2026-03-04"), null),
        transaction("a5", "A", d("2026-02-27"), "2.00", d("2026-03-05"), null),
        transaction("a6", "A", d("2026-03-02"), "1.00", d("2026-03-05"), null),
        // only a return first (of a purchase before the data), then a purchase and a same-day return
        transaction("b1", "B", d("2026-03-02"), "-3.00", d("2026-03-02"), "older"),
        transaction("b2", "B", d("2026-03-04"), "20.00"),
        transaction("b3", "B", d("2026-03-04"), "-5.00", d("2026-03-04"), "b2"),
        // two purchases on one day, a late third on that day, then a new day
        transaction("c1", "C", d("2026-03-01"), "4.00"),
        transaction("c2", "C", d("2026-03-01"), "6.00"),
        transaction("c3", "C", d("2026-03-01"), "1.00", d("2026-03-03"), null),
        transaction("c4", "C", d("2026-03-05"), "7.00"),
        transaction("d1", "D", d("2026-03-05"), "3.00")));
  }

  private static List<String> sorted(Dataset<Row> rows) {
    return rows.collectAsList().stream().map(Row::toString).sorted().collect(Collectors.toList());
  }

  private Dataset<Row> full(Dataset<Row> silver, LocalDate asOf) {
    return RfmFeatures.customerAggregates(RfmFeatures.customerDays(RfmFeatures.transactionsAsOf(silver, asOf,
        false)), asOf);
  }

  private static Dataset<Row> delivered(Dataset<Row> silver, LocalDate after, LocalDate upTo) {
    return silver.filter(col(LineageColumns.INGEST_DAY).gt(lit(after)).and(col(LineageColumns.INGEST_DAY)
        .leq(lit(upTo))));
  }

  @Test
  void foldingEachNightEqualsAFullRecompute() {
    Dataset<Row> silver = silver().cache();
    Dataset<Row> state = spark.createDataFrame(List.of(), Tables.GOLD_CUSTOMER_STATE.schema());
    LocalDate previous = d("2026-02-28");
    for (LocalDate night = d("2026-03-01"); !night.isAfter(d("2026-03-05")); night = night.plusDays(1)) {
      // each night starts from the stored state, as the job does
      state = spark.createDataFrame(CustomerState.fold(state, delivered(silver, previous, night), night)
          .collectAsList(), Tables.GOLD_CUSTOMER_STATE.schema());
      assertEquals(sorted(full(silver, night)), sorted(CustomerState.aggregates(state, night)), "night " + night);
      previous = night;
    }

    Row a = state.filter(col("customer_id").equalTo("A")).first();
    assertEquals(List.of(Date.valueOf("2026-02-27"), Date.valueOf("2026-03-01"), Date.valueOf("2026-03-02")),
        a.getList(2));
    assertEquals(new BigDecimal("10.00"), a.getDecimal(3));
    assertEquals(5L, a.getLong(4));
    assertEquals(1L, a.getLong(5));
    assertEquals(new BigDecimal("26.00"), a.getDecimal(6));
    assertEquals(new BigDecimal("-5.00"), a.getDecimal(7));
    Row c = CustomerState.aggregates(state, d("2026-03-05")).filter(col("customer_id").equalTo("C")).first();
    // C: purchase days 03-01 (4 + 6 + late 1) and 03-05 (7): x = 1, repeat value 7.00
    assertEquals("[C,2026-03-01,2026-03-05,0,4,2,1,4,0,18.00,0.00,18.00,9.00,7.00]", c.toString());
    silver.unpersist();
  }

  @Test
  void foldingSeveralNightsAtOnceEqualsAFullRecompute() {
    Dataset<Row> silver = silver().cache();
    Dataset<Row> empty = spark.createDataFrame(List.of(), Tables.GOLD_CUSTOMER_STATE.schema());
    Dataset<Row> night2 = CustomerState.fold(empty, delivered(silver, d("2026-02-28"), d("2026-03-02")),
        d("2026-03-02"));

    Dataset<Row> night5 = CustomerState.fold(night2, delivered(silver, d("2026-03-02"), d("2026-03-05")),
        d("2026-03-05"));

    assertEquals(4, CustomerState.aggregates(night5, d("2026-03-05")).count());
    assertEquals(sorted(full(silver, d("2026-03-05"))), sorted(CustomerState.aggregates(night5, d("2026-03-05"))));
    silver.unpersist();
  }
}

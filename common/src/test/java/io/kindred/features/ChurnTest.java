package io.kindred.features;

import static io.kindred.testing.SilverFixtures.transaction;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kindred.testing.SharedSpark;
import io.kindred.testing.SilverFixtures;
import java.time.LocalDate;
import java.util.ArrayList;
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

class ChurnTest {

  private final SparkSession spark = SharedSpark.session();

  private static LocalDate d(String iso) {
    return LocalDate.parse(iso);
  }

  @Test
  void labelIsNoPurchaseWithinTheHorizon() {
    Dataset<Row> silver = SilverFixtures.transactions(spark, List.of(
        transaction("a1", "A", d("2026-01-05"), "10.00"),
        transaction("a2", "A", d("2026-01-30"), "10.00"),
        transaction("b1", "B", d("2026-01-06"), "10.00"),
        transaction("b2", "B", d("2026-01-20"), "-10.00", d("2026-01-20"), "b1"),
        transaction("c1", "C", d("2026-01-07"), "10.00"),
        transaction("c2", "C", d("2026-02-01"), "10.00"),
        transaction("e1", "E", d("2026-01-09"), "10.00"),
        transaction("e2", "E", d("2026-01-10"), "10.00")));
    LocalDate cutoff = d("2026-01-10");
    Dataset<Row> aggregates = RfmFeatures.customerAggregates(RfmFeatures.customerDays(
        RfmFeatures.transactionsAsOf(silver, cutoff, false)), cutoff);

    Dataset<Row> labelled = Churn.labelled(aggregates, silver, cutoff, 21);

    Map<String, Double> actual = new TreeMap<>();
    for (Row r : labelled.select("customer_id", Churn.LABEL).collectAsList()) {
      actual.put(r.getString(0), r.getDouble(1));
    }
    // window (01-10, 01-31]: A buys on 01-30; B only returns; C buys on 02-01, after it; E's 01-10 is the cut-off
    assertEquals(Map.of("A", 0.0, "B", 1.0, "C", 1.0, "E", 1.0), actual);
  }

  private Dataset<Row> scored(double[] scores, double[] labels) {
    StructType schema = new StructType().add("customer_id", DataTypes.StringType).add("score", DataTypes.DoubleType)
        .add(Churn.LABEL, DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < scores.length; i++) {
      rows.add(RowFactory.create(String.format("c%02d", i), scores[i], labels[i]));
    }
    return spark.createDataFrame(rows, schema).repartition(3);
  }

  @Test
  void aucOfTheTextbookExample() {
    // positives 0.35, 0.8 vs negatives 0.1, 0.4: 3 of 4 pairs ordered correctly
    assertEquals(0.75, Churn.auc(scored(new double[] {0.1, 0.4, 0.35, 0.8}, new double[] {0, 0, 1, 1}), "score"),
        1e-12);
  }

  @Test
  void precisionAtTopDecileBreaksTiesByCustomerId() {
    double[] scores = new double[20];
    double[] labels = new double[20];
    for (int i = 0; i < 20; i++) {
      scores[i] = 0.1;
    }
    // three customers share the top score; the top decile is 2 customers: c03 and c07 by id
    scores[3] = 0.9;
    scores[7] = 0.9;
    scores[11] = 0.9;
    labels[3] = 1;
    labels[11] = 1;

    assertEquals(0.5, Churn.precisionAtTopDecile(scored(scores, labels), "score"), 1e-12);
  }
}

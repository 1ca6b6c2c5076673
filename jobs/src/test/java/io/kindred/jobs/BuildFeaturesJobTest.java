package io.kindred.jobs;

import static io.kindred.testing.SilverFixtures.transaction;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindred.clv.PeriodUnit;
import io.kindred.config.KindredConfig;
import io.kindred.jobs.cli.CommandLine;
import io.kindred.jobs.cli.JobContext;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.Location;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.CustomerFeatureColumns;
import io.kindred.testing.SharedSpark;
import io.kindred.testing.SilverFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildFeaturesJobTest {

  private final SparkSession spark = SharedSpark.session();

  private KindredConfig config(Path lakehouse) {
    return KindredConfig.load(null, Map.of("kindred.lakehouse", lakehouse.toString()));
  }

  private Lakehouse lake(KindredConfig config) {
    return new Lakehouse(Location.parse(config.getString("lakehouse")));
  }

  private void writeSilver(Lakehouse lake, List<Row> rows) {
    lake.createIfNotExists(spark, Tables.SILVER_TRANSACTIONS);
    SilverFixtures.transactions(spark, rows).write().format("delta").mode("append")
        .save(lake.location(Tables.SILVER_TRANSACTIONS).uri());
  }

  @Test
  void everyCustomerWithOnePurchaseFailsClearlyAndWritesNoSnapshot(@TempDir Path lakehouse) {
    KindredConfig config = config(lakehouse);
    Lakehouse lake = lake(config);
    LocalDate day = LocalDate.of(2026, 3, 1);
    writeSilver(lake, List.of(transaction("t1", "A", day, "10.00"), transaction("t2", "B", day.plusDays(1), "5.00"),
        transaction("t3", "C", day.plusDays(2), "7.00")));
    BuildFeaturesCommand command = new BuildFeaturesCommand();
    command.common().runDate(LocalDate.of(2026, 3, 5));
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code = Kindred.run(command, spark, config, new PrintStream(err, true, StandardCharsets.UTF_8));

    assertEquals(CommandLine.FAILED, code);
    assertEquals("kindred build-features failed: bg_nbd needs at least 10 customers with a repeat purchase (x >= 1) "
        + "to identify the dropout process, got 0 of 3 customers\n", err.toString(StandardCharsets.UTF_8));
    assertFalse(lake.exists(spark, Tables.GOLD_CUSTOMER_FEATURES));
    Row metrics = lake.read(spark, Tables.RUN_METRICS).select("job", "status", "rows_in", "message").first();
    assertEquals("build-features", metrics.getString(0));
    assertEquals("failed", metrics.getString(1));
    assertEquals(3L, metrics.getLong(2));
    assertTrue(metrics.getString(3).startsWith("bg_nbd needs at least 10 customers"), metrics.getString(3));
  }

  /**
   * 300 customers buying as BG/NBD describes (rate ~ Gamma(shape 1, rate 20 days), dropout after each purchase
   * with p ~ Beta(1, 3), fixed seed), first purchases in Q3 2025, with every 7th row delivered two days late and a return on a later day for
   * every 6th customer.
   */
  private static List<Row> generated() {
    java.util.Random random = new java.util.Random(7);
    LocalDate end = LocalDate.of(2026, 3, 12);
    List<Row> rows = new ArrayList<>();
    int n = 0;
    for (int i = 0; i < 300; i++) {
      double rate = -Math.log(random.nextDouble()) / 20;
      double p = 1 - Math.pow(random.nextDouble(), 1.0 / 3);
      LocalDate date = LocalDate.of(2025, 7, 1).plusDays(random.nextInt(92));
      int j = 0;
      while (!date.isAfter(end)) {
        LocalDate ingest = n % 7 == 3 ? date.plusDays(2) : date;
        rows.add(transaction("t" + n, "c" + i, date, (5 + i % 17 + j) + ".25", ingest, null));
        if (i % 6 == 0 && j == 0) {
          rows.add(transaction("r" + i, "c" + i, date.plusDays(3), "-2.00", date.plusDays(3), "t" + n));
        }
        n++;
        j++;
        if (random.nextDouble() < p) {
          break;
        }
        date = date.plusDays(1 + (long) (-Math.log(random.nextDouble()) / rate));
      }
    }
    return rows;
  }

  private Map<String, String> snapshot(Lakehouse lake, LocalDate asOf) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : lake.read(spark, Tables.GOLD_CUSTOMER_FEATURES).drop(CustomerFeatureColumns.RUN_ID)
        .filter(col(CustomerFeatureColumns.AS_OF).equalTo(java.sql.Date.valueOf(asOf))).collectAsList()) {
      StringBuilder s = new StringBuilder();
      for (int k = 0; k < r.length(); k++) {
        Object v = r.get(k);
        // fits on equal data may differ in the last bits (summation order of collected rows)
        s.append(v instanceof Double x ? String.format("%.9g", x) : String.valueOf(v)).append('|');
      }
      out.put(r.getString(r.fieldIndex(CustomerFeatureColumns.CUSTOMER_ID)), s.toString());
    }
    return out;
  }

  @Test
  void nightlyIncrementalRunsEqualAFullRecompute(@TempDir Path incremental, @TempDir Path full) throws Exception {
    List<Row> silver = generated();
    // the churn model is exercised by BuildFeaturesCdnowTest; here only the aggregation path differs
    KindredConfig configA = KindredConfig.load(null, Map.of("kindred.lakehouse", incremental.toString(),
        "kindred.features.churn.enabled", "false"));
    KindredConfig configB = KindredConfig.load(null, Map.of("kindred.lakehouse", full.toString(),
        "kindred.features.churn.enabled", "false"));
    writeSilver(lake(configA), silver);
    writeSilver(lake(configB), silver);
    LocalDate last = LocalDate.of(2026, 3, 10);

    for (LocalDate night = last.minusDays(2); !night.isAfter(last); night = night.plusDays(1)) {
      new BuildFeaturesCommand().unit(PeriodUnit.DAYS)
          .build(new JobContext(spark, configA, lake(configA), night, "build-features"));
    }
    BuildFeaturesCommand.Result recomputed = new BuildFeaturesCommand().unit(PeriodUnit.DAYS).fullRecompute(true)
        .build(new JobContext(spark, configB, lake(configB), last, "build-features"));

    Map<String, String> expected = snapshot(lake(configB), last);
    assertEquals(recomputed.metrics().rowsWritten(), expected.size());
    assertTrue(expected.size() == 300, "customers with a purchase by " + last + ": " + expected.size());
    assertEquals(expected, snapshot(lake(configA), last));
    assertEquals(3, lake(configA).read(spark, Tables.GOLD_CUSTOMER_STATE).select("as_of").distinct().count());
    assertFalse(lake(configB).exists(spark, Tables.GOLD_CUSTOMER_STATE));
  }
}

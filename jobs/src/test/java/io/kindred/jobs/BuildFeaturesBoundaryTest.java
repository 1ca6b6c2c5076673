package io.kindred.jobs;

import static io.kindred.testing.SilverFixtures.transaction;
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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.math3.special.Gamma;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fits never kill a night (issue 17, items 11 to 13), on one small history delivered in one file: customers who
 * buy at regular intervals until the as-of date (nobody drops out: BG/NBD's a -> 0) and always spend the same amount
 * (Gamma-Gamma's p -> infinity).
 */
class BuildFeaturesBoundaryTest {

  private static final LocalDate AS_OF = LocalDate.of(2026, 3, 31);
  private static final int[] PERIODS = {7, 10, 14, 40, 45};

  private final SparkSession spark = SharedSpark.session();

  /** Purchase days per customer, and each customer's one amount. */
  private final Map<String, List<LocalDate>> days = new TreeMap<>();
  private final Map<String, Double> amounts = new TreeMap<>();

  /**
   * 20 customers from December 2025 (every 7 to 45 days) and 20 from March 2026 (weekly), each always spending one
   * amount, all delivered in one file on the as-of date. (The incremental state is skipped, --full-recompute, to
   * keep the test short.)
   */
  private List<Row> history() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      boolean early = i < 20;
      String customer = (early ? "e" : "l") + i;
      LocalDate first = early ? LocalDate.of(2025, 12, 1).plusDays(i % 5 + i / 5) : LocalDate.of(2026, 3, 3)
          .plusDays(i % 5);
      int period = early ? PERIODS[i % 5] : 7;
      List<LocalDate> bought = new ArrayList<>();
      for (LocalDate d = first; !d.isAfter(AS_OF); d = d.plusDays(period)) {
        bought.add(d);
      }
      // amounts spread the more, the more repeat purchases (the model expects the opposite): p -> infinity
      int x = bought.size() - 1;
      double amount = Math.round((35 + (i % 2 == 0 ? 1 : -1) * 1.5 * x * (0.5 + (i * 37 % 53) / 106.0)) * 100)
          / 100.0;
      amounts.put(customer, amount);
      for (LocalDate d : bought) {
        rows.add(transaction(customer + "-" + d, customer, d, String.format(java.util.Locale.ROOT, "%.2f", amount),
            AS_OF, null));
      }
      days.put(customer, bought);
    }
    return rows;
  }

  @Test
  void boundaryFitsAreRecordedAndScoredAndAFailedRunRecordsNoFit(@TempDir Path lakehouse) throws Exception {
    KindredConfig config = KindredConfig.load(null, Map.of("kindred.lakehouse", lakehouse.toString(),
        "kindred.features.churn.horizon-days", "30", "kindred.features.clv.min-repeat-buyers", "30"));
    Lakehouse lake = new Lakehouse(Location.parse(config.getString("lakehouse")));
    lake.createIfNotExists(spark, Tables.SILVER_TRANSACTIONS);
    SilverFixtures.transactions(spark, history()).write().format("delta").mode("append")
        .save(lake.location(Tables.SILVER_TRANSACTIONS).uri());

    // 1. by the delivered-by-date rule the churn windows see nothing (all delivered on 2026-03-31): the night fails
    // after its fits, saying why and naming --any-delivery, and gold/clv_models keeps no fit of it (item 12, 13)
    BuildFeaturesCommand strict = new BuildFeaturesCommand().unit(PeriodUnit.DAYS).fullRecompute(true);
    strict.common().runDate(AS_OF);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Kindred.run(strict, spark, config, new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(CommandLine.FAILED, code);
    long dated = days.values().stream().flatMap(List::stream).filter(d -> !d.isAfter(LocalDate.of(2026, 1, 30)))
        .count();
    assertEquals("kindred build-features failed: The churn training window (features as of 2026-01-30, labels from"
        + " the 30 days after) has 0 customers, though " + dated + " transactions are dated on or before 2026-01-30:"
        + " all were delivered after it (ingest_day from 2026-03-31), and a night counts only the rows delivered by"
        + " its date (the delivered-by-date rule, so that a backfill gives what that night gave). For history"
        + " delivered after the fact (e.g. in one file), run with --any-delivery; or set"
        + " kindred.features.churn.enabled=false\n", err.toString(StandardCharsets.UTF_8));
    assertFalse(lake.exists(spark, Tables.GOLD_CLV_MODELS), "a failed night records no fit");
    assertFalse(lake.exists(spark, Tables.GOLD_CUSTOMER_FEATURES));

    // 2. with --any-delivery the night succeeds on the boundary fits
    BuildFeaturesCommand.Result result = new BuildFeaturesCommand().unit(PeriodUnit.DAYS).anyDelivery(true).fullRecompute(true)
        .build(new JobContext(spark, config, lake, AS_OF, "build-features"));
    assertEquals(40, result.metrics().rowsWritten());
    assertEquals("bg_nbd: a -> 0; gamma_gamma: p -> infinity", result.metrics().details().get("clv_boundary"));

    List<Row> models = lake.read(spark, Tables.GOLD_CLV_MODELS).orderBy("model").collectAsList();
    assertEquals(List.of("bg_nbd|boundary|a -> 0|[r, alpha, a]|[r, alpha]|40",
            "gamma_gamma|boundary|p -> infinity|[q, p_gamma]|[q, p_gamma]|40"),
        models.stream().map(r -> r.getAs("model") + "|" + r.getAs("status") + "|" + r.getAs("boundary") + "|"
            + r.<scala.collection.Map<String, Double>>getAs("parameters").keys().toList() + "|"
            + r.<scala.collection.Map<String, Double>>getAs("standard_errors").keys().toList() + "|"
            + r.getAs("customers")).map(s -> s.replace("List(", "[").replace(")", "]")).toList());
    scala.collection.Map<String, Double> bg = models.get(0).getAs("parameters");
    double r = bg.apply("r");
    double alpha = bg.apply("alpha");
    assertEquals(0.0, bg.apply("a"));
    scala.collection.Map<String, Double> gg = models.get(1).getAs("parameters");
    double q = gg.apply("q");
    double theta = gg.apply("p_gamma");

    // the recorded fits are the maxima of the limiting likelihoods, written out here over the fixture
    assertEquals(nbd(r, alpha), models.get(0).<Double>getAs("log_likelihood"), 1e-6);
    assertEquals(inverseGamma(q, theta), models.get(1).<Double>getAs("log_likelihood"), 1e-6);
    for (double h : new double[] {1e-3, -1e-3}) {
      assertTrue(nbd(r * Math.exp(h), alpha) < nbd(r, alpha) && nbd(r, alpha * Math.exp(h)) < nbd(r, alpha));
      assertTrue(inverseGamma(q * Math.exp(h), theta) < inverseGamma(q, theta)
          && inverseGamma(q, theta * Math.exp(h)) < inverseGamma(q, theta));
    }

    // every customer scored with the limits: P(alive) = 1, E[X(t)] = (r + x) t / (alpha + T), spend = own amount,
    // CLV = sum over 12 months of 30 days of spend (r + x) 30 / (alpha + T) / 1.01^m
    List<Row> features = lake.read(spark, Tables.GOLD_CUSTOMER_FEATURES).collectAsList();
    assertEquals(40, features.size());
    for (Row f : features) {
      String customer = f.getAs(CustomerFeatureColumns.CUSTOMER_ID);
      List<LocalDate> d = days.get(customer);
      int x = d.size() - 1;
      double age = ChronoUnit.DAYS.between(d.get(0), AS_OF);
      double perDay = (r + x) / (alpha + age);
      double spend = amounts.get(customer);
      double clv = 0;
      for (int m = 1; m <= 12; m++) {
        clv += spend * perDay * 30 / Math.pow(1.01, m);
      }
      String where = customer + " x=" + x + " T=" + age;
      assertEquals(x, f.<Integer>getAs(CustomerFeatureColumns.CLV_X), where);
      assertEquals(1.0, f.<Double>getAs(CustomerFeatureColumns.PROBABILITY_ALIVE), where);
      assertEquals(perDay * 30, f.<Double>getAs(CustomerFeatureColumns.EXPECTED_PURCHASES_30D), 1e-12, where);
      assertEquals(perDay * 365, f.<Double>getAs(CustomerFeatureColumns.EXPECTED_PURCHASES_365D), 1e-12, where);
      assertEquals(spend, f.<Double>getAs(CustomerFeatureColumns.EXPECTED_AVERAGE_SPEND), 1e-9, where);
      assertEquals(clv, f.<Double>getAs(CustomerFeatureColumns.CLV), 1e-9, where);
    }

    // the churn baseline at 2026-03-01 sees the 20 early customers only, fewer than 30 repeat buyers: null, with
    // its reason, and the night goes on (item 12)
    Row churn = lake.read(spark, Tables.GOLD_CHURN_MODELS).first();
    assertTrue(churn.isNullAt(churn.fieldIndex("baseline_auc")));
    assertTrue(churn.isNullAt(churn.fieldIndex("baseline_precision_top_decile")));
    assertEquals("bg_nbd needs at least 30 customers with a repeat purchase (x >= 1) to identify the dropout process,"
        + " got 20 of 20 customers", churn.getAs("baseline_failure"));
    assertEquals(churn.getAs("baseline_failure"), result.metrics().details().get("churn_baseline_failure"));
  }

  /** NBD log-likelihood over the fixture: sum lnG(r + x) - lnG(r) + r ln alpha - (r + x) ln(alpha + T), in days. */
  private double nbd(double r, double alpha) {
    double ll = 0;
    for (List<LocalDate> d : days.values()) {
      int x = d.size() - 1;
      double age = ChronoUnit.DAYS.between(d.get(0), AS_OF);
      ll += Gamma.logGamma(r + x) - Gamma.logGamma(r) + r * Math.log(alpha) - (r + x) * Math.log(alpha + age);
    }
    return ll;
  }

  /** Inverse-gamma log-likelihood of the repeat buyers' mean spend: q ln theta - lnG(q) - (q + 1) ln m - theta / m. */
  private double inverseGamma(double q, double theta) {
    double ll = 0;
    for (Map.Entry<String, List<LocalDate>> e : days.entrySet()) {
      if (e.getValue().size() > 1) {
        double m = amounts.get(e.getKey());
        ll += q * Math.log(theta) - Gamma.logGamma(q) - (q + 1) * Math.log(m) - theta / m;
      }
    }
    return ll;
  }
}

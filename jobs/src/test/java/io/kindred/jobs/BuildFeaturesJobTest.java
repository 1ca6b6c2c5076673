package io.kindred.jobs;

import static io.kindred.testing.SilverFixtures.transaction;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.beust.jcommander.ParameterException;
import io.kindred.clv.ClvFit;
import io.kindred.clv.ClvFitter;
import io.kindred.clv.PeriodUnit;
import io.kindred.clv.RfmTriples;
import io.kindred.clv.SpendSummaries;
import io.kindred.clv.TransactionModel;
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
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
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

    // the same night with kindred.features.clv.model = pareto_nbd fits Pareto/NBD instead (ClvFitter.fitParetoNbd's
    // message)
    KindredConfig pareto = KindredConfig.load(null, Map.of("kindred.lakehouse", lakehouse.toString(),
        "kindred.features.clv.model", "pareto_nbd"));
    ByteArrayOutputStream paretoErr = new ByteArrayOutputStream();

    int paretoCode = Kindred.run(command, spark, pareto, new PrintStream(paretoErr, true, StandardCharsets.UTF_8));

    assertEquals(CommandLine.FAILED, paretoCode);
    assertEquals("kindred build-features failed: pareto_nbd needs at least 10 customers with a repeat purchase "
        + "(x >= 1) to identify the dropout process, got 0 of 3 customers\n",
        paretoErr.toString(StandardCharsets.UTF_8));
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
        .filter(col(CustomerFeatureColumns.AS_OF).equalTo(Date.valueOf(asOf))).collectAsList()) {
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
    // the churn model is exercised by BuildFeaturesCdnowTest; here only the aggregation path differs. The state
    // keeps 2 nights, so the third night deletes the first, which no later night reads.
    KindredConfig configA = KindredConfig.load(null, Map.of("kindred.lakehouse", incremental.toString(),
        "kindred.features.churn.enabled", "false", "kindred.features.state-retention-nights", "2"));
    KindredConfig configB = KindredConfig.load(null, Map.of("kindred.lakehouse", full.toString(),
        "kindred.features.churn.enabled", "false"));
    writeSilver(lake(configA), silver);
    writeSilver(lake(configB), silver);
    LocalDate last = LocalDate.of(2026, 3, 10);

    List<String> deleted = new ArrayList<>();
    List<String> folded = new ArrayList<>();
    List<String> delivered = new ArrayList<>();
    for (LocalDate night = last.minusDays(2); !night.isAfter(last); night = night.plusDays(1)) {
      Map<String, String> details = new BuildFeaturesCommand().unit(PeriodUnit.DAYS)
          .build(new JobContext(spark, configA, lake(configA), night, "build-features")).metrics().details();
      deleted.add(details.get("state_nights_deleted"));
      folded.add(details.get("transactions_folded"));
      // expected: the fixture rows delivered after the previous night (the first night: all up to it)
      LocalDate to = night;
      LocalDate after = night.equals(last.minusDays(2)) ? LocalDate.MIN : night.minusDays(1);
      delivered.add(Long.toString(silver.stream().map(r -> r.getDate(15).toLocalDate())
          .filter(d -> d.isAfter(after) && !d.isAfter(to)).count()));
    }
    assertEquals(delivered, folded);
    assertTrue(Long.parseLong(delivered.get(0)) > 1000 && Long.parseLong(delivered.get(2)) > 0, delivered::toString);
    BuildFeaturesCommand.Result recomputed = new BuildFeaturesCommand().unit(PeriodUnit.DAYS).fullRecompute(true)
        .build(new JobContext(spark, configB, lake(configB), last, "build-features"));

    Map<String, String> expected = snapshot(lake(configB), last);
    assertEquals(recomputed.metrics().rowsWritten(), expected.size());
    assertTrue(expected.size() == 300, "customers with a purchase by " + last + ": " + expected.size());
    assertEquals(expected, snapshot(lake(configA), last));
    assertEquals(List.of(Date.valueOf(last.minusDays(1)), Date.valueOf(last)),
        lake(configA).read(spark, Tables.GOLD_CUSTOMER_STATE).select("as_of").distinct().orderBy("as_of")
            .collectAsList().stream().map(r -> r.getDate(0)).toList());
    assertEquals(List.of("0", "0", "1"), deleted);
    assertFalse(lake(configB).exists(spark, Tables.GOLD_CUSTOMER_STATE));
  }

  /** Brute force from the fixture rows: per customer, the purchase days and amounts known by {@code asOf}. */
  private static Map<String, TreeMap<LocalDate, BigDecimal>> purchaseDays(List<Row> rows, LocalDate asOf) {
    Map<String, TreeMap<LocalDate, BigDecimal>> out = new TreeMap<>();
    for (Row r : rows) {
      LocalDate date = r.getDate(3).toLocalDate();
      LocalDate ingest = r.getDate(15).toLocalDate();
      if (!r.getBoolean(12) && !date.isAfter(asOf) && !ingest.isAfter(asOf)) {
        out.computeIfAbsent(r.getString(1), k -> new TreeMap<>()).merge(date, r.getDecimal(4),
            BigDecimal::add);
      }
    }
    return out;
  }

  private static void assertSameFit(ClvFit<?> expected, ClvFit<?> actual) {
    assertEquals(expected.model(), actual.model());
    assertEquals(expected.customers(), actual.customers());
    double[] e = expected.params().values();
    double[] a = actual.params().values();
    for (int i = 0; i < e.length; i++) {
      // the same data in another order: equal up to the optimiser's stopping point
      assertEquals(e[i], a[i], 1e-6 * e[i], expected.model() + " " + expected.params().parameterNames().get(i));
    }
  }

  @Test
  void calibrationStartFitsTheCohortAndScoresEveryCustomer(@TempDir Path lakehouse) throws Exception {
    List<Row> silver = generated();
    KindredConfig config = KindredConfig.load(null, Map.of("kindred.lakehouse", lakehouse.toString(),
        "kindred.features.churn.enabled", "false"));
    writeSilver(lake(config), silver);
    LocalDate asOf = LocalDate.of(2026, 3, 10);
    LocalDate start = LocalDate.of(2025, 8, 15);

    BuildFeaturesCommand.Result result = new BuildFeaturesCommand().unit(PeriodUnit.DAYS).calibrationStart(start)
        .build(new JobContext(spark, config, lake(config), asOf, "build-features"));

    // expected: the fits on the customers whose first purchase day is on or after the start, from the raw rows
    RfmTriples.Builder cohort = RfmTriples.builder();
    List<Integer> xs = new ArrayList<>();
    List<Double> mbars = new ArrayList<>();
    Map<String, TreeMap<LocalDate, BigDecimal>> days = purchaseDays(silver, asOf);
    Map<String, BigDecimal> returned = new TreeMap<>();
    for (Row r : silver) {
      if (r.getBoolean(12) && !r.getDate(3).toLocalDate().isAfter(asOf) && !r.getDate(15).toLocalDate()
          .isAfter(asOf)) {
        returned.merge(r.getString(1), r.getDecimal(4), BigDecimal::add);
      }
    }
    for (Map.Entry<String, TreeMap<LocalDate, BigDecimal>> customer : days.entrySet()) {
      TreeMap<LocalDate, BigDecimal> d = customer.getValue();
      LocalDate first = d.firstKey();
      if (first.isBefore(start)) {
        continue;
      }
      int x = d.size() - 1;
      cohort.add(x, ChronoUnit.DAYS.between(first, d.lastKey()),
          ChronoUnit.DAYS.between(first, asOf));
      if (x > 0) {
        // net of the customer's returns (RfmFeatures.netRepeatAmount's rule), floored at 0
        BigDecimal repeat = d.values().stream().reduce(BigDecimal.ZERO,
            BigDecimal::add).subtract(d.firstEntry().getValue()).add(returned.getOrDefault(
                customer.getKey(), BigDecimal.ZERO)).max(BigDecimal.ZERO);
        xs.add(x);
        mbars.add(repeat.doubleValue() / x);
      }
    }
    RfmTriples triples = cohort.build();
    assertTrue(triples.customers() > 100 && triples.customers() < 250, "cohort of " + triples.customers());
    assertSameFit(ClvFitter.fitBgNbd(triples), result.purchases());
    assertSameFit(ClvFitter.fitGammaGamma(SpendSummaries.ofCustomers(
        xs.stream().mapToInt(Integer::intValue).toArray(), mbars.stream().mapToDouble(Double::doubleValue).toArray())),
        result.spend());

    // everyone is scored, with the cohort's model
    assertEquals(300, days.size());
    assertEquals(300, result.metrics().rowsWritten());
    TransactionModel model = result.purchases().params();
    List<Row> scored = lake(config).read(spark, Tables.GOLD_CUSTOMER_FEATURES).select(CustomerFeatureColumns.CLV_X,
        CustomerFeatureColumns.CLV_T_X, CustomerFeatureColumns.CLV_T, CustomerFeatureColumns.PROBABILITY_ALIVE)
        .collectAsList();
    assertEquals(300, scored.size());
    for (Row r : scored) {
      assertEquals(model.probabilityAlive(r.getInt(0), r.getDouble(1), r.getDouble(2)), r.getDouble(3), 1e-12);
    }
    // both fits recorded with the start
    List<Row> models = lake(config).read(spark, Tables.GOLD_CLV_MODELS).orderBy("model")
        .select("model", "calibration_start", "customers", "status", "selected", "holdout_mae").collectAsList();
    assertEquals(List.of("bg_nbd|2025-08-15|" + triples.customers() + "|converged|null|null",
        "gamma_gamma|2025-08-15|" + xs.size() + "|converged|null|null"), models.stream().map(r -> r.get(0) + "|"
        + r.get(1) + "|" + r.get(2) + "|" + r.get(3) + "|" + r.get(4) + "|" + r.get(5)).toList());
    assertEquals("2025-08-15", result.metrics().details().get("calibration_start"));

    // kindred.features.clv.model = auto on an earlier night with a 30-day holdout: the three purchase models are
    // fitted on the cohort and compared on (as-of, holdout end]; the one with the lowest MAE scores the night
    LocalDate autoAsOf = LocalDate.of(2026, 2, 10);
    LocalDate holdoutEnd = LocalDate.of(2026, 3, 12);
    KindredConfig auto = KindredConfig.load(null, Map.of("kindred.lakehouse", lakehouse.toString(),
        "kindred.features.churn.enabled", "false", "kindred.features.clv.model", "auto"));
    IllegalArgumentException noHoldout = assertThrows(IllegalArgumentException.class, () -> night(auto, autoAsOf,
        new BuildFeaturesCommand().calibrationStart(start)));
    assertEquals("kindred.features.clv.model = auto compares the purchase models on the holdout window (as-of date, "
        + "--holdout-end]: give --holdout-end, or name one of [bg_nbd, mbg_nbd, pareto_nbd]", noHoldout.getMessage());

    // (--full-recompute: from silver, leaving the state alone, which spares this test a state write)
    BuildFeaturesCommand.Result chosen = night(auto, autoAsOf, new BuildFeaturesCommand().calibrationStart(start)
        .holdoutEnd(holdoutEnd).fullRecompute(true));

    // expected: each model's MAE from the raw rows, customer by customer
    Map<String, java.util.Set<LocalDate>> later = new TreeMap<>();
    for (Row r : silver) {
      LocalDate date = r.getDate(3).toLocalDate();
      if (!r.getBoolean(12) && date.isAfter(autoAsOf) && !date.isAfter(holdoutEnd)) {
        later.computeIfAbsent(r.getString(1), k -> new java.util.TreeSet<>()).add(date);
      }
    }
    Map<String, Double> expectedMae = new TreeMap<>();
    Map<String, TreeMap<LocalDate, BigDecimal>> autoDays = purchaseDays(silver, autoAsOf);
    for (var candidate : chosen.selection().candidates()) {
      TransactionModel candidateModel = candidate.fit().params();
      double sum = 0;
      int n = 0;
      for (var e : autoDays.entrySet()) {
        TreeMap<LocalDate, BigDecimal> d = e.getValue();
        if (d.firstKey().isBefore(start)) {
          continue;
        }
        double predicted = candidateModel.expectedPurchases(30, d.size() - 1,
            ChronoUnit.DAYS.between(d.firstKey(), d.lastKey()), ChronoUnit.DAYS.between(d.firstKey(), autoAsOf));
        sum += Math.abs(later.getOrDefault(e.getKey(), java.util.Set.of()).size() - predicted);
        n++;
      }
      assertEquals(n, candidate.fit().customers());
      expectedMae.put(candidate.model().code(), sum / n);
    }
    String winner = expectedMae.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
    assertEquals(winner, chosen.purchases().model());
    assertEquals(winner, chosen.metrics().details().get("clv_model_selected"));
    // three candidates and the spend fit recorded for that night, one of them selected, with their figures
    List<Row> autoModels = lake(config).read(spark, Tables.GOLD_CLV_MODELS)
        .filter(col("as_of").equalTo(Date.valueOf(autoAsOf))).orderBy("model")
        .select("model", "status", "selected", "holdout_mae", "holdout_curve_error").collectAsList();
    assertEquals(List.of("bg_nbd|converged|" + winner.equals("bg_nbd"), "gamma_gamma|converged|null",
        "mbg_nbd|converged|" + winner.equals("mbg_nbd"), "pareto_nbd|converged|" + winner.equals("pareto_nbd")),
        autoModels.stream().map(r -> r.get(0) + "|" + r.get(1) + "|" + r.get(2)).toList());
    for (Row r : autoModels) {
      if (!r.getString(0).equals("gamma_gamma")) {
        assertEquals(expectedMae.get(r.getString(0)), r.getDouble(3), 1e-9, r.getString(0) + " MAE");
        assertTrue(r.getDouble(4) >= 0, r.getString(0) + " curve error " + r.get(4));
      } else {
        assertTrue(r.isNullAt(3) && r.isNullAt(4), "gamma_gamma has no holdout figures");
      }
    }
    System.out.println("build-features auto on the generated customers: " + chosen.selection().describe());
  }

  @Test
  void optionsAndModelNamesAreChecked() {
    BuildFeaturesCommand command = new BuildFeaturesCommand().calibrationStart(LocalDate.of(2026, 3, 2));
    command.common().runDate(LocalDate.of(2026, 3, 1));
    ParameterException e = assertThrows(
        ParameterException.class, command::validate);
    assertEquals("--calibration-start 2026-03-02 is after the as-of date 2026-03-01; expected a date on or before "
        + "it", e.getMessage());

    KindredConfig config = KindredConfig.load(null, Map.of("kindred.lakehouse", "/nonexistent/kindred",
        "kindred.features.clv.model", "pareto"));
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> new BuildFeaturesCommand().build(new JobContext(spark, config, lake(config), LocalDate.of(2026, 3, 1),
            "build-features")));
    assertEquals("kindred.features.clv.model is 'pareto'; expected one of [bg_nbd, mbg_nbd, pareto_nbd, auto]",
        bad.getMessage());
  }

  private BuildFeaturesCommand.Result night(KindredConfig config, LocalDate asOf, BuildFeaturesCommand command)
      throws Exception {
    return command.unit(PeriodUnit.DAYS).build(new JobContext(spark, config, lake(config), asOf, "build-features"));
  }

  private long churnModels(KindredConfig config) {
    return lake(config).read(spark, Tables.GOLD_CHURN_MODELS).count();
  }

  @Test
  void theChurnModelIsReusedWithinTheRetrainIntervalAndRetrainedAfterItOrOnRequest(@TempDir Path lakehouse)
      throws Exception {
    KindredConfig config = KindredConfig.load(null, Map.of("kindred.lakehouse", lakehouse.toString(),
        "kindred.features.churn.horizon-days", "60"));
    writeSilver(lake(config), generated());
    LocalDate first = LocalDate.of(2026, 3, 3);
    BuildFeaturesCommand.Result trained = night(config, first, new BuildFeaturesCommand());
    assertFalse(trained.churnModelReused());
    assertEquals(1L, churnModels(config));

    // 6 days later (retrain-days = 7): the model is reused, nothing is trained or recorded
    BuildFeaturesCommand.Result reused = night(config, first.plusDays(6), new BuildFeaturesCommand());
    assertTrue(reused.churnModelReused());
    assertEquals(trained.churnModelVersion(), reused.churnModelVersion());
    assertEquals("true", reused.metrics().details().get("churn_model_reused"));
    assertEquals(1L, churnModels(config));
    List<Row> versions = lake(config).read(spark, Tables.GOLD_CUSTOMER_FEATURES)
        .filter(col(CustomerFeatureColumns.AS_OF).equalTo(Date.valueOf(first.plusDays(6))))
        .select(CustomerFeatureColumns.CHURN_MODEL_VERSION).distinct().collectAsList();
    assertEquals(List.of(trained.churnModelVersion()), versions.stream().map(r -> r.getString(0)).toList());

    // a model of another horizon is never reused: with a 400-day horizon the run goes on to train one (and fails,
    // the history being shorter than two such horizons)
    KindredConfig longer = config.withOverrides(Map.of("kindred.features.churn.horizon-days", 400));
    IllegalArgumentException tooShort = assertThrows(IllegalArgumentException.class,
        () -> new BuildFeaturesCommand().unit(PeriodUnit.DAYS).build(new JobContext(spark, longer, lake(longer),
            first.plusDays(6), "build-features")));
    assertTrue(tooShort.getMessage().startsWith("The churn training window (features as of "
        + first.plusDays(6).minusDays(800) + ", labels from the 400 days after) has 0 customers"),
        tooShort.getMessage());

    // --retrain-churn trains although the model could be reused
    BuildFeaturesCommand.Result forced = night(config, first.plusDays(6),
        new BuildFeaturesCommand().retrainChurn(true));
    assertFalse(forced.churnModelReused());
    assertEquals(2L, churnModels(config));

    // 7 days after the latest model (as of first + 6) it is too old: a new one is trained
    BuildFeaturesCommand.Result expired = night(config, first.plusDays(13), new BuildFeaturesCommand());
    assertFalse(expired.churnModelReused());
    assertEquals(3L, churnModels(config));
    assertEquals(3L, lake(config).read(spark, Tables.GOLD_CHURN_MODELS).select("version").distinct().count());
  }
}

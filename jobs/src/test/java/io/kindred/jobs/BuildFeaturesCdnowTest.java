package io.kindred.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindred.clv.BgNbdParams;
import io.kindred.clv.ClvFit;
import io.kindred.clv.ClvFitter;
import io.kindred.clv.GammaGammaParams;
import io.kindred.clv.ModifiedBgNbdParams;
import io.kindred.clv.PeriodUnit;
import io.kindred.clv.RfmTriples;
import io.kindred.clv.TransactionModel;
import io.kindred.config.KindredConfig;
import io.kindred.features.ClvFeatures;
import io.kindred.jobs.cli.JobContext;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.Location;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.CustomerFeatureColumns;
import io.kindred.testing.SharedSpark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CDNOW end to end: the raw master file through clean-transactions and build-features (calibration end
 * 1997-09-30, weeks) gives the published per-customer summary of the 2,357-customer sample and, fitted through the
 * job's path on those customers, the published BG/NBD and Gamma-Gamma parameters.
 */
class BuildFeaturesCdnowTest {

  private static final Path CDNOW = Path.of("..", "common", "src", "test", "resources", "cdnow");
  private static final LocalDate CALIBRATION_END = LocalDate.of(1997, 9, 30);

  @TempDir
  Path lakehouse;

  private final SparkSession spark = SharedSpark.session();

  private static void assertRelative(double expected, double actual, double tolerance, String what) {
    assertEquals(expected, actual, Math.abs(expected) * tolerance, what + ": expected " + expected + " within "
        + tolerance * 100 + "%, got " + actual);
  }

  /** Published summary: sample id -> {x, t_x, T, zbar}. */
  private static Map<Integer, double[]> published() throws IOException {
    Map<Integer, double[]> out = new HashMap<>();
    List<String> lines = Files.readAllLines(CDNOW.resolve("cdnow_customers_summary_with_transactions.csv"));
    assertEquals("ID,x,t_x,T,zbar", lines.get(0));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      out.put(Integer.parseInt(f[0]), new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2]),
          Double.parseDouble(f[3]), Double.parseDouble(f[4])});
    }
    return out;
  }

  /** Master id (as an integer) -> sample id, from CDNOW_sample.txt. */
  private static Map<Integer, Integer> sampleIds() throws IOException {
    Map<Integer, Integer> out = new HashMap<>();
    for (String line : Files.readAllLines(CDNOW.resolve("CDNOW_sample.txt"), StandardCharsets.US_ASCII)) {
      if (!line.isBlank()) {
        String[] f = line.trim().split("\\s+");
        out.put(Integer.parseInt(f[0]), Integer.parseInt(f[1]));
      }
    }
    return out;
  }

  /** Customers of the raw master file with a purchase dated in (after, upTo], yyyyMMdd. */
  private static long buyersBetween(String after, String upTo) throws IOException {
    return Files.readAllLines(CDNOW.resolve("CDNOW_master.txt"), StandardCharsets.US_ASCII).stream().skip(1)
        .map(String::trim).filter(l -> !l.isEmpty()).map(l -> l.split("\\s+"))
        .filter(f -> f[1].compareTo(after) > 0 && f[1].compareTo(upTo) <= 0).map(f -> f[0]).distinct().count();
  }

  /**
   * From the raw master file: per x group (0..6, 7+) of the calibration summary at 1997-09-30, {customers, sum of
   * holdout purchase days in (1997-09-30, 1998-06-30], sum of the model's expected purchases in 39 weeks}.
   */
  private static double[][] holdout(TransactionModel model) throws IOException {
    Map<String, java.util.TreeSet<LocalDate>> calibration = new HashMap<>();
    Map<String, java.util.Set<LocalDate>> holdout = new HashMap<>();
    LocalDate end = LocalDate.of(1998, 6, 30);
    for (String line : Files.readAllLines(CDNOW.resolve("CDNOW_master.txt"), StandardCharsets.US_ASCII).stream()
        .skip(1).filter(l -> !l.isBlank()).toList()) {
      String[] f = line.trim().split("\\s+");
      LocalDate day = LocalDate.parse(f[1], java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
      if (!day.isAfter(CALIBRATION_END)) {
        calibration.computeIfAbsent(f[0], k -> new java.util.TreeSet<>()).add(day);
      } else if (!day.isAfter(end)) {
        holdout.computeIfAbsent(f[0], k -> new java.util.HashSet<>()).add(day);
      }
    }
    assertEquals(23_570, calibration.size());
    double[][] out = new double[8][3];
    for (Map.Entry<String, java.util.TreeSet<LocalDate>> e : calibration.entrySet()) {
      java.util.TreeSet<LocalDate> days = e.getValue();
      int x = days.size() - 1;
      double tx = java.time.temporal.ChronoUnit.DAYS.between(days.first(), days.last()) / 7.0;
      double age = java.time.temporal.ChronoUnit.DAYS.between(days.first(), CALIBRATION_END) / 7.0;
      int g = Math.min(x, 7);
      out[g][0]++;
      out[g][1] += holdout.getOrDefault(e.getKey(), java.util.Set.of()).size();
      out[g][2] += model.expectedPurchases(39, x, tx, age);
    }
    return out;
  }

  private KindredConfig config() {
    return KindredConfig.load(null, Map.of("kindred.lakehouse", lakehouse.toString()));
  }

  private JobContext context(KindredConfig config, LocalDate runDate, String job) {
    return new JobContext(spark, config, new Lakehouse(Location.parse(config.getString("lakehouse"))), runDate,
        job);
  }

  @Test
  void cdnowFromRawFileMatchesThePublishedSummaryAndFits() throws Exception {
    KindredConfig config = config();
    Path master = CDNOW.resolve("CDNOW_master.txt");
    assertTrue(Files.isRegularFile(master), master.toAbsolutePath().toString());
    CleanTransactionsCommand clean = new CleanTransactionsCommand();
    clean.clean().withInput(master.toAbsolutePath().toString()).withSource("cdnow");
    clean.run(context(config, LocalDate.of(1998, 6, 30), "clean-transactions"));

    BuildFeaturesCommand build = new BuildFeaturesCommand().unit(PeriodUnit.WEEKS).anyDelivery(true)
        .holdoutEnd(LocalDate.of(1998, 6, 30));
    JobContext buildContext = context(config, CALIBRATION_END, "build-features");
    BuildFeaturesCommand.Result result = build.build(buildContext);

    Lakehouse lake = buildContext.lake();
    Dataset<Row> snapshot = lake.read(spark, Tables.GOLD_CUSTOMER_FEATURES)
        .filter(col(CustomerFeatureColumns.AS_OF).equalTo(functions.lit(Date.valueOf(CALIBRATION_END)))).cache();
    // every CDNOW customer was acquired in Q1 1997
    assertEquals(23_570, snapshot.count());
    assertEquals(23_570, result.metrics().rowsIn());
    assertEquals(23_570, result.metrics().rowsWritten());
    assertEquals(23_570, result.purchases().customers());

    Map<Integer, Integer> sampleIds = sampleIds();
    Map<Integer, double[]> published = published();
    assertEquals(2357, published.size());
    Dataset<Row> sample = snapshot.filter(col(CustomerFeatureColumns.CUSTOMER_ID).cast("int")
        .isin(sampleIds.keySet().toArray())).cache();
    List<Row> rows = sample.select(CustomerFeatureColumns.CUSTOMER_ID, CustomerFeatureColumns.CLV_X,
        CustomerFeatureColumns.CLV_T_X, CustomerFeatureColumns.CLV_T, CustomerFeatureColumns.CLV_MBAR,
        CustomerFeatureColumns.CLV_UNIT).collectAsList();
    assertEquals(2357, rows.size());
    for (Row r : rows) {
      int id = sampleIds.get(Integer.parseInt(r.getString(0)));
      double[] expected = published.get(id);
      String who = "sample customer " + id + " (master " + r.getString(0) + ")";
      assertEquals((int) expected[0], r.getInt(1), who + " x");
      assertEquals(expected[1], Math.round(r.getDouble(2) * 100) / 100.0, 1e-9, who + " t_x");
      assertEquals(expected[2], Math.round(r.getDouble(3) * 100) / 100.0, 1e-9, who + " T");
      assertEquals(expected[3], r.getDouble(4), 0.005 + 1e-9, who + " mbar");
      assertEquals("weeks", r.getString(5));
    }

    // the fits through the job's path (the same collection and fitter), on the 2,357 sample customers
    ClvFit<BgNbdParams> bgNbd = ClvFitter.fitBgNbd(ClvFeatures.rfmTriples(sample, PeriodUnit.WEEKS));
    assertEquals(2357, bgNbd.customers());
    assertRelative(0.2425945, bgNbd.params().r(), 1e-3, "r");
    assertRelative(4.4136019, bgNbd.params().alpha(), 1e-3, "alpha");
    assertRelative(0.7929199, bgNbd.params().a(), 1e-3, "a");
    assertRelative(2.4258881, bgNbd.params().b(), 1e-3, "b");
    assertEquals(-9582.43, bgNbd.logLikelihood(), 0.05);
    ClvFit<GammaGammaParams> gg = ClvFitter.fitGammaGamma(ClvFeatures.spendSummaries(sample));
    assertEquals(946, gg.customers());
    assertRelative(6.25, gg.params().p(), 5e-3, "p");
    assertRelative(3.74, gg.params().q(), 5e-3, "q");
    assertRelative(15.44, gg.params().gamma(), 5e-3, "gamma");

    // the job's own fits on all 23,570 customers are recorded
    List<Row> models = lake.read(spark, Tables.GOLD_CLV_MODELS).orderBy("model")
        .select("model", "unit", "customers", "log_likelihood", "run_id").collectAsList();
    assertEquals(2, models.size());
    assertEquals("bg_nbd", models.get(0).getString(0));
    assertEquals("weeks", models.get(0).getString(1));
    assertEquals(23_570L, models.get(0).getLong(2));
    assertEquals(result.purchases().logLikelihood(), models.get(0).getDouble(3), 1e-9);
    assertEquals("gamma_gamma", models.get(1).getString(0));
    assertEquals(result.spend().customers(), models.get(1).getLong(2));
    assertEquals(buildContext.runId(), models.get(1).getString(4));

    // no NaN, every probability in [0, 1], every CLV >= 0
    assertEquals(0, snapshot.filter(functions.isnan(col(CustomerFeatureColumns.PROBABILITY_ALIVE))
        .or(functions.isnan(col(CustomerFeatureColumns.CLV)))
        .or(col(CustomerFeatureColumns.PROBABILITY_ALIVE).lt(0))
        .or(col(CustomerFeatureColumns.PROBABILITY_ALIVE).gt(1))
        .or(col(CustomerFeatureColumns.CLV).lt(0))).count());
    // churn: trained as of 1997-04-03, evaluated as of 1997-07-02 on every customer (all acquired in Q1 1997)
    Row churn = lake.read(spark, Tables.GOLD_CHURN_MODELS).first();
    System.out.println("CDNOW churn model: " + churn);
    assertEquals(Date.valueOf("1997-04-03"), churn.getDate(churn.fieldIndex("train_cutoff")));
    assertEquals(Date.valueOf("1997-07-02"), churn.getDate(churn.fieldIndex("eval_cutoff")));
    assertEquals(23_570L, churn.getLong(churn.fieldIndex("train_customers")));
    assertEquals(23_570L, churn.getLong(churn.fieldIndex("eval_customers")));
    assertEquals(1 - buyersBetween("19970702", "19970930") / 23_570.0,
        churn.getDouble(churn.fieldIndex("eval_churn_rate")), 1e-12);
    assertEquals(1 - buyersBetween("19970403", "19970702") / 23_570.0,
        churn.getDouble(churn.fieldIndex("train_churn_rate")), 1e-12);
    double auc = churn.getDouble(churn.fieldIndex("auc"));
    double baseline = churn.getDouble(churn.fieldIndex("baseline_auc"));
    // BG/NBD gives P(alive) = 1 to every one-time buyer, the customers who churn most: as a churn score,
    // 1 - P(alive) ranks them last, so its AUC is below 0.5 on CDNOW (0.33) while the model's is well above
    assertTrue(auc > 0.5 && auc <= 1, "AUC " + auc);
    assertTrue(baseline >= 0 && baseline < auc, "baseline AUC " + baseline + ", model AUC " + auc);
    assertEquals(0, snapshot.filter(col(CustomerFeatureColumns.CHURN_PROBABILITY).isNull()
        .or(col(CustomerFeatureColumns.CHURN_PROBABILITY).lt(0))
        .or(col(CustomerFeatureColumns.CHURN_PROBABILITY).gt(1))).count());
    assertEquals(buildContext.runId(), snapshot.first().getString(snapshot.first()
        .fieldIndex(CustomerFeatureColumns.CHURN_MODEL_VERSION)));
    // the calibration/holdout table against the raw file, with the job's BG/NBD fit; 39 weeks of holdout
    double[][] expectedHoldout = holdout(result.purchases().params());
    assertEquals(8, result.holdout().size());
    for (int g = 0; g < 8; g++) {
      {
        var r = result.holdout().get(g);
        assertEquals(g == 7 ? "7+" : String.valueOf(g), r.xGroup());
        assertEquals((long) expectedHoldout[g][0], r.customers(), "x group " + g);
        assertEquals(expectedHoldout[g][1] / expectedHoldout[g][0], r.actualMean(), 1e-12, "x group " + g);
        assertEquals(expectedHoldout[g][2] / expectedHoldout[g][0], r.predictedMean(), 1e-9, "x group " + g);
        System.out.printf(java.util.Locale.ROOT, "CDNOW holdout | %s | %d | %.3f | %.3f%n", r.xGroup(),
            r.customers(), r.actualMean(), r.predictedMean());
      }
    }
    assertEquals(8, lake.read(spark, Tables.GOLD_CLV_HOLDOUT).count());
    System.out.println("CDNOW build-features fits: " + result.purchases() + " / " + result.spend());
    System.out.println("CDNOW segments: " + snapshot.groupBy(CustomerFeatureColumns.RFM_SEGMENT).count()
        .orderBy(CustomerFeatureColumns.RFM_SEGMENT).collectAsList());
    snapshot.unpersist();
    sample.unpersist();

    // a rerun replaces the snapshot and records its own fits
    new BuildFeaturesCommand().unit(PeriodUnit.WEEKS).anyDelivery(true)
        .build(context(config, CALIBRATION_END, "build-features"));
    assertEquals(23_570, lake.read(spark, Tables.GOLD_CUSTOMER_FEATURES).count());
    assertEquals(4, lake.read(spark, Tables.GOLD_CLV_MODELS).count());
  }

  /**
   * Modified BG/NBD selected in the job ({@code kindred.features.clv.model = mbg_nbd}): clean-transactions and
   * build-features on the master file's lines of the 2,357 sample customers give the library's MBG/NBD fit of the
   * published summary (CdnowFitTest: BTYDplus's 0.525, 6.183, 0.891, 1.614), record it as mbg_nbd and score every
   * customer with it.
   */
  @Test
  void modifiedBgNbdSelectedInTheJobGivesTheLibraryFitOfTheSample(@TempDir Path raw) throws Exception {
    java.util.Set<Integer> sample = sampleIds().keySet();
    List<String> lines = Files.readAllLines(CDNOW.resolve("CDNOW_master.txt"), StandardCharsets.US_ASCII);
    StringBuilder kept = new StringBuilder(lines.get(0)).append("\r\n");
    for (String line : lines.subList(1, lines.size())) {
      if (!line.isBlank() && sample.contains(Integer.parseInt(line.trim().split("\\s+")[0]))) {
        kept.append(line).append("\r\n");
      }
    }
    Path file = raw.resolve("CDNOW_sample_customers.txt");
    Files.writeString(file, kept, StandardCharsets.US_ASCII);
    KindredConfig config = KindredConfig.load(null, Map.of("kindred.lakehouse", lakehouse.toString(),
        "kindred.features.clv.model", "mbg_nbd", "kindred.features.churn.enabled", "false"));
    CleanTransactionsCommand clean = new CleanTransactionsCommand();
    clean.clean().withInput(file.toString()).withSource("cdnow");
    clean.run(context(config, LocalDate.of(1998, 6, 30), "clean-transactions"));

    JobContext buildContext = context(config, CALIBRATION_END, "build-features");
    BuildFeaturesCommand.Result result = new BuildFeaturesCommand().unit(PeriodUnit.WEEKS).anyDelivery(true)
        .build(buildContext);

    // the library's fit of the published summary (its t_x and T are rounded to 2 decimals: 0.01% apart)
    RfmTriples.Builder published = RfmTriples.builder();
    published().values().forEach(c -> published.add((int) c[0], c[1], c[2]));
    ClvFit<ModifiedBgNbdParams> library = ClvFitter.fitModifiedBgNbd(published.build());
    assertEquals(ModifiedBgNbdParams.MODEL, result.purchases().model());
    assertEquals(2357, result.purchases().customers());
    double[] expected = library.params().values();
    double[] actual = result.purchases().params().values();
    double[] btydPlus = {0.525, 6.183, 0.891, 1.614};
    for (int i = 0; i < expected.length; i++) {
      String name = library.params().parameterNames().get(i);
      assertRelative(expected[i], actual[i], 1e-4, "mbg_nbd " + name);
      assertEquals(btydPlus[i], actual[i], 5e-4, "mbg_nbd " + name + " against BTYDplus");
    }
    System.out.println("CDNOW sample through the job: " + result.purchases() + "; library on the published "
        + "summary: " + library);

    // recorded under its name, with the fit's values
    Lakehouse lake = buildContext.lake();
    Row recorded = lake.read(spark, Tables.GOLD_CLV_MODELS).filter(col("model").equalTo("mbg_nbd")).first();
    assertEquals(result.purchases().params().asMap(), scala.jdk.javaapi.CollectionConverters.asJava(
        recorded.<String, Double>getMap(recorded.fieldIndex("parameters"))));
    assertEquals(2357L, recorded.getLong(recorded.fieldIndex("customers")));

    // every customer scored with MBG/NBD: one-time buyers are not certainly alive
    TransactionModel model = result.purchases().params();
    List<Row> rows = lake.read(spark, Tables.GOLD_CUSTOMER_FEATURES).select(CustomerFeatureColumns.CLV_X,
        CustomerFeatureColumns.CLV_T_X, CustomerFeatureColumns.CLV_T, CustomerFeatureColumns.PROBABILITY_ALIVE,
        CustomerFeatureColumns.EXPECTED_PURCHASES_90D).collectAsList();
    assertEquals(2357, rows.size());
    long oneTimeBuyers = 0;
    for (Row r : rows) {
      assertEquals(model.probabilityAlive(r.getInt(0), r.getDouble(1), r.getDouble(2)), r.getDouble(3), 1e-12);
      assertEquals(model.expectedPurchases(90 / 7.0, r.getInt(0), r.getDouble(1), r.getDouble(2)), r.getDouble(4),
          1e-12);
      if (r.getInt(0) == 0) {
        oneTimeBuyers++;
        assertTrue(r.getDouble(3) < 1, "a one-time buyer's P(alive) under MBG/NBD: " + r.getDouble(3));
      }
    }
    assertEquals(1411, oneTimeBuyers);
  }
}

package io.kindred.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.kindred.clv.ClvFit;
import io.kindred.clv.ClvFitter;
import io.kindred.clv.FitOptions;
import io.kindred.clv.HoldoutSample;
import io.kindred.clv.PeriodUnit;
import io.kindred.clv.PurchaseModel;
import io.kindred.clv.PurchaseModelSelection;
import io.kindred.clv.RfmTriples;
import io.kindred.clv.SpendModel;
import io.kindred.clv.SpendSummaries;
import io.kindred.clv.TransactionModel;
import io.kindred.lake.DeltaWrites;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.Tables;
import io.kindred.ops.RunMetrics;
import io.kindred.ops.Steps;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A night's CLV fits on the lakehouse ({@link #fit}): the purchase model fitted as configured or chosen on the
 * holdout window, Gamma-Gamma, the calibration/holdout table ({@link Tables#GOLD_CLV_HOLDOUT}); and the record of
 * every fit ({@link Tables#GOLD_CLV_MODELS}, {@link #recordFits}). The Spark inputs of the fits are {@link ClvFeatures}'; the
 * models and their selection are {@code io.kindred.clv}'s.
 *
 * <p>The steps run and log through the given {@link Steps} and logger (the job's), so that a night's log reads as
 * one story.
 */
public final class ClvFits {

  private final SparkSession spark;
  private final Lakehouse lake;
  private final Steps steps;
  private final Logger log;
  private final String runId;

  /** The purchase model that scores the night, its fit, and with {@code auto} the comparison that chose it. */
  public record PurchaseChoice(PurchaseModel model, ClvFit<? extends TransactionModel> fit,
      PurchaseModelSelection.Selection selection) {
  }

  /** One row of gold/clv_models: a fit and, for a candidate of {@code auto}, its holdout figures (else nulls). */
  public record RecordedFit(ClvFit<?> fit, Double holdoutMae, Double holdoutCurveError, Boolean selected) {

    public RecordedFit(ClvFit<?> fit) {
      this(fit, null, null, null);
    }
  }

  /**
   * What a night fitted: the purchase model that scores it, the Gamma-Gamma fit, every fit to record in
   * gold/clv_models (in order: the purchase model or the candidates of {@code auto}, then Gamma-Gamma) and the
   * calibration/holdout table (empty without a holdout end).
   */
  public record NightFits(PurchaseChoice purchases, ClvFit<? extends SpendModel> spend, List<RecordedFit> recorded,
      List<ClvFeatures.HoldoutRow> holdout) {
  }

  /** @param runId the run that fits, recorded with each fit and holdout row */
  public ClvFits(SparkSession spark, Lakehouse lake, Steps steps, Logger log, String runId) {
    this.spark = spark;
    this.lake = lake;
    this.steps = steps;
    this.log = log;
    this.runId = runId;
  }

  /**
   * Fits the night's models on {@code cohort} (the fits' customers: everyone, or those whose first purchase is on or
   * after {@code calibrationStart}): the purchase model {@code model}, or with {@code model} null ({@code auto}) the
   * one selected on the holdout window (as-of, {@code holdoutEnd}]; then Gamma-Gamma. Warns of fits on a boundary
   * and, with a {@code holdoutEnd}, writes the calibration/holdout table. Records nothing in gold/clv_models: the
   * caller does that last ({@link #recordFits}), once every other write of the night succeeded.
   *
   * @param customers every customer of the night, for the log
   */
  public NightFits fit(RunMetrics m, LocalDate asOf, Dataset<Row> cohort, long customers, PurchaseModel model,
      LocalDate holdoutEnd, LocalDate calibrationStart, PeriodUnit clvUnit, FitOptions fitOptions) {
    List<RecordedFit> fits = new ArrayList<>();
    PurchaseChoice choice = model != null
        ? fitPurchaseModel(m, model, cohort, customers, clvUnit, fitOptions, calibrationStart, fits)
        : selectPurchaseModel(m, asOf, holdoutEnd, cohort, customers, clvUnit, fitOptions, calibrationStart, fits);
    SpendSummaries spend = steps.run("collect spend summaries", () -> ClvFeatures.spendSummaries(cohort));
    ClvFit<? extends SpendModel> spendFit = steps.run("fit gamma-gamma",
        () -> ClvFitter.fitSpendModel(spend, fitOptions));
    fits.add(new RecordedFit(spendFit));
    warnOfBoundaries(m, fits);
    List<ClvFeatures.HoldoutRow> holdout = holdoutEnd == null ? List.of()
        : steps.run("calibration/holdout table", () -> holdoutTable(asOf, holdoutEnd, cohort,
            choice.fit().params(), clvUnit));
    return new NightFits(choice, spendFit, List.copyOf(fits), List.copyOf(holdout));
  }

  /**
   * Collects the cohort's triples and fits the configured purchase model on them; adds the fit to {@code fits}.
   *
   * @param calibrationStart the cohort's first purchase date (--calibration-start), null when every customer is
   *     fitted; only for the log
   */
  private PurchaseChoice fitPurchaseModel(RunMetrics m, PurchaseModel model, Dataset<Row> cohort, long customers,
      PeriodUnit clvUnit, FitOptions fitOptions, LocalDate calibrationStart, List<RecordedFit> fits) {
    RfmTriples triples = steps.run("collect rfm triples", () -> ClvFeatures.rfmTriples(cohort, clvUnit));
    logFitInput(m, triples, customers, calibrationStart);
    ClvFit<? extends TransactionModel> fit = steps.run("fit " + model.code(),
        () -> model.fit(triples, fitOptions));
    fits.add(new RecordedFit(fit));
    return new PurchaseChoice(model, fit, null);
  }

  /**
   * {@code auto}: collects the cohort's histories at the as-of date with their purchases in (as-of, --holdout-end]
   * (the split of the calibration/holdout table), fits every purchase model on the histories and keeps the one with
   * the lowest holdout MAE ({@link PurchaseModelSelection}). The calibration window is the night's whole history, so
   * the winner's fit is the night's fit: there is nothing to refit. Adds each candidate's fit to {@code fits}.
   */
  private PurchaseChoice selectPurchaseModel(RunMetrics m, LocalDate asOf, LocalDate holdoutEnd, Dataset<Row> cohort,
      long customers, PeriodUnit clvUnit, FitOptions fitOptions, LocalDate calibrationStart,
      List<RecordedFit> fits) {
    int holdoutDays = Math.toIntExact(ChronoUnit.DAYS.between(asOf, holdoutEnd));
    HoldoutSample sample = steps.run("collect calibration/holdout sample",
        () -> ClvFeatures.holdoutSample(cohort, holdoutWindow(asOf, holdoutEnd), asOf, clvUnit, holdoutDays));
    logFitInput(m, sample.calibration(), customers, calibrationStart);
    PurchaseModelSelection.Selection selection = steps.run("select purchase model",
        () -> PurchaseModelSelection.select(sample, fitOptions));
    for (PurchaseModelSelection.Candidate c : selection.candidates()) {
      if (c.fit() != null) {
        fits.add(new RecordedFit(c.fit(), c.mae(), c.curveError(), c == selection.winner()));
      }
    }
    log.info("purchase model {}: {}; fitted on the full history to {} (the calibration window), it scores "
        + "the night", PurchaseModel.AUTO, selection.describe(), asOf);
    m.detail("clv_model_selected", selection.winner().model().code())
        .detail("clv_holdout_mae", selection.winner().mae());
    return new PurchaseChoice(selection.winner().model(), selection.winner().fit(), selection);
  }

  private void logFitInput(RunMetrics m, RfmTriples triples, long customers, LocalDate calibrationStart) {
    log.info("{} distinct (x, t_x, T) triples, {} repeat buyers, {} customers in the fit{}",
        triples.size(), triples.repeatBuyers(), triples.customers(), calibrationStart == null ? ""
            : " (first purchase on or after " + calibrationStart + ", of " + customers + ")");
    m.detail("clv_fit_customers", triples.customers());
  }

  /**
   * Logs a warning, and records in the run's metrics ({@code clv_boundary}), each fit whose likelihood has its
   * supremum on a boundary (nobody drops out, or Gamma-Gamma's p -> infinity): the night scores with the limit.
   */
  private void warnOfBoundaries(RunMetrics m, List<RecordedFit> fits) {
    List<String> boundaries = new ArrayList<>();
    for (RecordedFit r : fits) {
      if (r.fit().boundary() != null) {
        boundaries.add(r.fit().model() + ": " + r.fit().boundary());
        log.warn("{} fit is on the boundary {} of its parameters (no interior maximum): the night records and"
            + " scores with the limiting model {}", r.fit().model(), r.fit().boundary(), r.fit().params().asMap());
      }
    }
    if (!boundaries.isEmpty()) {
      m.detail("clv_boundary", String.join("; ", boundaries));
    }
  }

  /**
   * Computes, logs and writes (replacing this as-of and holdout end) the calibration/holdout table of the fit's
   * customers.
   */
  private List<ClvFeatures.HoldoutRow> holdoutTable(LocalDate asOf, LocalDate holdoutEnd, Dataset<Row> summarised,
      TransactionModel model, PeriodUnit clvUnit) {
    Dataset<Row> window = holdoutWindow(asOf, holdoutEnd);
    double length = clvUnit.fromDays(ChronoUnit.DAYS.between(asOf, holdoutEnd));
    List<ClvFeatures.HoldoutRow> rows = ClvFeatures.holdoutTable(summarised, window, model, length, 7);
    log.info("calibration/holdout, {} .. {} ({} {}): x | customers | actual | predicted", asOf, holdoutEnd,
        length, clvUnit);
    List<Row> out = new ArrayList<>();
    for (ClvFeatures.HoldoutRow r : rows) {
      log.info(String.format(Locale.ROOT, "%3s | %7d | %.3f | %.3f", r.xGroup(), r.customers(),
          r.actualMean(), r.predictedMean()));
      out.add(RowFactory.create(Date.valueOf(asOf), Date.valueOf(holdoutEnd), r.xGroup(), r.customers(),
          r.actualMean(), r.predictedMean(), runId));
    }
    DeltaWrites.replace(spark, lake, Tables.GOLD_CLV_HOLDOUT, spark.createDataFrame(out,
            Tables.GOLD_CLV_HOLDOUT.schema()),
        Tables.ClvHoldoutColumns.AS_OF + " = DATE'" + asOf + "' AND " + Tables.ClvHoldoutColumns.HOLDOUT_END
            + " = DATE'" + holdoutEnd + "'");
    return rows;
  }

  /** The transactions of the holdout window (as-of, holdout end], whenever delivered (a backtest). */
  private Dataset<Row> holdoutWindow(LocalDate asOf, LocalDate holdoutEnd) {
    return lake.read(spark, Tables.SILVER_TRANSACTIONS)
        .filter(col(Tables.TransactionColumns.TRANSACTION_DATE).gt(lit(Date.valueOf(asOf)))
            .and(col(Tables.TransactionColumns.TRANSACTION_DATE).leq(lit(Date.valueOf(holdoutEnd)))));
  }

  /** Appends one row per fit to gold/clv_models; {@code calibrationStart} is null when every customer was fitted. */
  public void recordFits(LocalDate asOf, PeriodUnit unit, LocalDate calibrationStart, List<RecordedFit> fits) {
    List<Row> rows = new ArrayList<>();
    Timestamp now = Timestamp.from(Instant.now());
    for (RecordedFit recorded : fits) {
      ClvFit<?> fit = recorded.fit();
      rows.add(RowFactory.create(runId, Date.valueOf(asOf), fit.model(),
          unit.name().toLowerCase(Locale.ROOT), Date.valueOf(asOf),
          calibrationStart == null ? null : Date.valueOf(calibrationStart),
          scalaMap(fit.params().asMap()),
          scalaMap(fit.standardErrorMap()),
          fit.logLikelihood(), fit.customers(), fit.distinctRows(), fit.iterations(), fit.convergence(),
          fit.fitTime().toMillis(), now, fit.status().code(), fit.gradientNorm(), fit.newtonStep(),
          recorded.holdoutMae(), recorded.holdoutCurveError(), recorded.selected(), fit.boundary()));
    }
    Dataset<Row> frame = spark.createDataFrame(rows, Tables.GOLD_CLV_MODELS.schema());
    lake.createIfNotExists(spark, Tables.GOLD_CLV_MODELS);
    // mergeSchema: a table written before a column was added (calibration_start, status, holdout_mae, ...) gains it
    // instead of failing; its earlier rows read null there
    frame.write().format("delta").mode("append").option("mergeSchema", "true")
        .save(lake.location(Tables.GOLD_CLV_MODELS).uri());
  }

  private static scala.collection.Map<String, Double> scalaMap(java.util.Map<String, Double> map) {
    return CollectionConverters.asScala(new java.util.LinkedHashMap<>(map));
  }
}

package io.kindred.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import io.kindred.clv.ClvFit;
import io.kindred.clv.ClvFitter;
import io.kindred.clv.ClvHorizon;
import io.kindred.clv.ClvScorer;
import io.kindred.clv.PeriodUnit;
import io.kindred.clv.PurchaseModelSelection;
import io.kindred.clv.SpendModel;
import io.kindred.clv.TransactionModel;
import io.kindred.features.ChurnModels;
import io.kindred.features.ClvFeatures;
import io.kindred.features.ClvFits;
import io.kindred.features.CustomerState;
import io.kindred.features.CustomerStateStore;
import io.kindred.features.FeatureSettings;
import io.kindred.features.RfmFeatures;
import io.kindred.jobs.cli.CommonOptions;
import io.kindred.jobs.cli.JobContext;
import io.kindred.jobs.cli.KindredCommand;
import io.kindred.lake.DeltaWrites;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.CustomerFeatureColumns;
import io.kindred.ops.RunMetrics;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code kindred build-features}: per-customer features as of a date: RFM aggregates, quintile scores and segment,
 * lifetime value from BG/NBD (or MBG/NBD) and Gamma-Gamma fitted that night, and churn propensity from an MLlib
 * model trained that night (or reused from a recent night, see below).
 *
 * <p>Reads {@code silver/transactions}: rows dated on or before the as-of date and delivered ({@code ingest_day})
 * on or before it, so that a backfill for a past date gives what that night would have given
 * ({@code --any-delivery} drops the delivery condition, for history loaded after the fact such as CDNOW). By
 * default it reads only the rows delivered after the latest night of {@code gold/customer_state} before D and
 * folds them into that state ({@link CustomerState}), writing the state of night D and deleting the state
 * partitions dated {@code kindred.features.state-retention-nights} (35) or more days before D;
 * {@code --full-recompute} aggregates all of silver instead (same result).
 *
 * <p>Lifetime value: the purchase model {@code kindred.features.clv.model} ({@code bg_nbd}, the default,
 * {@code mbg_nbd}, {@code pareto_nbd}, or {@code auto}: all three, compared on the holdout window of
 * {@code --holdout-end}, which it needs; the lowest holdout MAE scores the night, see
 * {@link PurchaseModelSelection}) and Gamma-Gamma are fitted on every customer, or with
 * {@code --calibration-start C} only on those whose first purchase is on or after C (a cohort, as the CDNOW studies
 * fit the first-quarter 1997 cohort); every customer is scored either way. Churn: the model is retrained when the
 * latest one in {@code gold/churn_models} for the same horizon was trained
 * {@code kindred.features.churn.retrain-days} (7) or more days before D (or never, or with {@code --retrain-churn});
 * otherwise that model scores the night, which spares the two history scans of training.
 *
 * <p>Writes the snapshot {@code as_of = D} of {@code gold/customer_features} (one row per customer with a purchase
 * day by D), the partition {@code as_of = D} of {@code gold/customer_state}, one row per fit in
 * {@code gold/clv_models} (the purchase model, or with {@code auto} each candidate with its holdout figures and
 * whether it was selected, and Gamma-Gamma; each with its status), when it trains one the churn model under
 * {@code models/churn/<run id>} and its row in {@code gold/churn_models} (unless
 * {@code kindred.features.churn.enabled = false}), with
 * {@code --holdout-end} the calibration/holdout table in {@code gold/clv_holdout}, and one row of
 * {@code ops/run_metrics} (rows in = customers read, rows written = customers written).
 *
 * <p>A re-run is safe: it replaces the {@code as_of = D} snapshot and state partition in one Delta commit each
 * ({@code replaceWhere}), and appends its own fits (and churn model, when it trains one), each recorded with its run
 * id; the state retention only deletes partitions a later night never reads (a night whose prior state is gone
 * folds every delivery up to it, which gives the same state). A fit whose likelihood is highest on a boundary
 * (nobody drops out; Gamma-Gamma's p -> infinity) is recorded and scored as that limit, with a warning
 * ({@link ClvFitter#fitBgNbdOrLimit}, {@link ClvFitter#fitSpendModel}); a churn baseline that cannot be fitted is
 * recorded null with its reason. It fails, writing no snapshot and no fit (gold/clv_models is written last), when a
 * model cannot be fitted: too few repeat buyers (e.g. every customer bought once: the message names the count), an
 * optimiser that does not converge even to a boundary (breeze's reason), or a churn window with a single class
 * (history shorter than two churn horizons: the message names the cut-off dates, or the late delivery and
 * {@code --any-delivery}).
 *
 * <p>Example: {@code ./kindred build-features --as-of 2026-03-04}, or for a cohort fit with MBG/NBD:
 * {@code ./kindred build-features --as-of 2026-03-04 --calibration-start 2026-01-01 --set
 * kindred.features.clv.model=mbg_nbd}
 */
@Parameters(commandNames = "build-features", commandDescription = "Build gold/customer_features for an as-of "
    + "date: RFM scores and segment, purchase model (BG/NBD, MBG/NBD or Pareto/NBD) + Gamma-Gamma lifetime value.")
public final class BuildFeaturesCommand implements KindredCommand {

  @ParametersDelegate
  private final CommonOptions common = new CommonOptions();

  @Parameter(names = "--clv-unit", description = "Time unit of the CLV models' summary and fit: DAYS or WEEKS. "
      + "Default: kindred.features.clv.unit (weeks).")
  private PeriodUnit unit;

  @Parameter(names = "--any-delivery", description = "Use transactions dated up to the as-of date whenever they "
      + "were delivered (for history loaded after the fact, such as CDNOW); by default only rows delivered by the "
      + "as-of date count, so a backfill gives what that night gave.")
  private boolean anyDelivery;

  @Parameter(names = "--full-recompute", description = "Aggregate customers from all of silver/transactions "
      + "instead of folding the night's deliveries into gold/customer_state (the state is then left unchanged).")
  private boolean fullRecompute;

  @Parameter(names = "--holdout-end", description = "Also write the calibration/holdout table to "
      + "gold/clv_holdout: purchases in (as-of, holdout-end] against the purchase model's prediction (a backtest: it "
      + "reads transactions dated after the as-of date); kindred.features.clv.model = auto compares the models on it.")
  private LocalDate holdoutEnd;

  @Parameter(names = "--calibration-start", description = "Fit the CLV models only on customers whose first "
      + "purchase is on or after this date (a cohort); every customer is still scored. Default: every customer.")
  private LocalDate calibrationStart;

  @Parameter(names = "--retrain-churn", description = "Train a new churn model even when one trained less than "
      + "kindred.features.churn.retrain-days days before the as-of date could be reused.")
  private boolean retrainChurn;

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public List<String> upstream() {
    return List.of("clean-transactions");
  }

  public BuildFeaturesCommand unit(PeriodUnit value) {
    this.unit = value;
    return this;
  }

  public BuildFeaturesCommand anyDelivery(boolean value) {
    this.anyDelivery = value;
    return this;
  }

  public BuildFeaturesCommand holdoutEnd(LocalDate value) {
    this.holdoutEnd = value;
    return this;
  }

  public BuildFeaturesCommand calibrationStart(LocalDate value) {
    this.calibrationStart = value;
    return this;
  }

  public BuildFeaturesCommand retrainChurn(boolean value) {
    this.retrainChurn = value;
    return this;
  }

  @Override
  public void validate() {
    if (holdoutEnd != null && !holdoutEnd.isAfter(common.runDate())) {
      throw new com.beust.jcommander.ParameterException("--holdout-end " + holdoutEnd + " is not after the as-of date "
          + common.runDate() + "; expected a later date");
    }
    if (calibrationStart != null && calibrationStart.isAfter(common.runDate())) {
      throw new com.beust.jcommander.ParameterException("--calibration-start " + calibrationStart + " is after the "
          + "as-of date " + common.runDate() + "; expected a date on or before it");
    }
  }

  public BuildFeaturesCommand fullRecompute(boolean value) {
    this.fullRecompute = value;
    return this;
  }

  /**
   * What one run fitted, for callers (the demo, tests).
   *
   * @param churnModelVersion the churn model that scored the night (null when churn is disabled)
   * @param churnModelReused whether that model was reused from an earlier night rather than trained by this run
   */
  public record Result(RunMetrics metrics, ClvFit<? extends TransactionModel> purchases,
      ClvFit<? extends SpendModel> spend, List<ClvFeatures.HoldoutRow> holdout, String churnModelVersion,
      boolean churnModelReused, PurchaseModelSelection.Selection selection) {
  }

  @Override
  public void run(JobContext context) throws Exception {
    build(context);
  }

  /** Runs the job; returns its metrics and fits. */
  public Result build(JobContext context) throws Exception {
    SparkSession spark = context.spark();
    Lakehouse lake = context.lake();
    LocalDate asOf = context.runDate();
    FeatureSettings settings = FeatureSettings.fromConfig(context.config(), unit);
    settings.requireHoldoutForAuto(holdoutEnd != null);
    PeriodUnit clvUnit = settings.clvUnit();
    ClvHorizon horizon = settings.horizon();
    ClvFits clvFits = new ClvFits(spark, lake, context.steps(), context.log(), context.runId());
    ChurnModels churnModels = new ChurnModels(spark, lake, context.steps(), context.log());
    ClvFits.NightFits[] fitted = new ClvFits.NightFits[1];
    ChurnModels.Choice[] churn = new ChurnModels.Choice[1];
    RunMetrics metrics = context.accounted(m -> {
      m.detail("as_of", asOf).detail("clv_unit", clvUnit).detail("any_delivery", anyDelivery)
          .detail("clv_horizon_months", horizon.months()).detail("monthly_discount_rate",
              horizon.monthlyDiscountRate())
          .detail("clv_model", settings.purchaseModelName())
          .detail("gamma_gamma_shape_penalty", settings.fitOptions().gammaGammaShapePenalty())
          .detail("calibration_start", calibrationStart == null ? "none" : calibrationStart);
      Dataset<Row> aggregates = ClvFeatures.withClvSummary(customerAggregates(context, m, asOf,
          settings.stateRetentionNights()), clvUnit).persist(StorageLevel.MEMORY_AND_DISK());
      try {
        long customers = context.steps().run("aggregate customers", aggregates::count);
        context.log().info("{} customers with a purchase day by {}", customers, asOf);
        m.addRowsIn(customers);
        RfmFeatures.CutPoints cuts = context.steps().run("quintile cut points",
            () -> RfmFeatures.cutPoints(aggregates, settings.quantileAccuracy()));
        context.log().info("RFM cut points: {}", cuts);
        m.detail("rfm_cut_points", cuts);

        // the fits' customers: everyone, or the cohort whose first purchase is on or after --calibration-start
        Dataset<Row> cohort = calibrationStart == null ? aggregates : aggregates.filter(
            col(CustomerFeatureColumns.FIRST_PURCHASE_DATE).geq(lit(Date.valueOf(calibrationStart))));
        fitted[0] = clvFits.fit(m, asOf, cohort, customers, settings.purchaseModel(), holdoutEnd, calibrationStart,
            clvUnit, settings.fitOptions());
        ClvScorer scorer = new ClvScorer(fitted[0].purchases().fit().params(), fitted[0].spend().params(), clvUnit,
            horizon);

        Dataset<Row> features = ClvFeatures.withClvScores(RfmFeatures.withRfmSegment(
            RfmFeatures.withRfmScores(aggregates, cuts), settings.segments()), scorer)
            .withColumn(CustomerFeatureColumns.AS_OF, lit(Date.valueOf(asOf)))
            .withColumn(CustomerFeatureColumns.RUN_ID, lit(context.runId()));
        if (settings.churnEnabled()) {
          int horizonDays = settings.churnHorizonDays();
          ChurnModels.Choice reusable = churnModels.reusable(asOf, horizonDays, settings.churnRetrainDays(),
              retrainChurn);
          churn[0] = reusable != null ? reusable : new ChurnModels.Choice(churnModels.train(context.runId(), m,
              asOf, horizonDays, anyDelivery, clvUnit, settings.fitOptions(), fitted[0].purchases().model()), false);
          m.detail("churn_model_version", churn[0].version()).detail("churn_model_reused", churn[0].reused());
          features = churnModels.withChurnScores(features, churn[0].version());
        } else {
          context.log().info("churn model disabled ({} = false): churn_probability is null",
              FeatureSettings.CHURN_ENABLED_KEY);
          features = features.withColumn(CustomerFeatureColumns.CHURN_PROBABILITY, lit(null).cast("double"))
              .withColumn(CustomerFeatureColumns.CHURN_MODEL_VERSION, lit(null).cast("string"));
        }
        Dataset<Row> rows = DeltaWrites.conform(Tables.GOLD_CUSTOMER_FEATURES, features);
        long written = context.steps().run("write " + Tables.GOLD_CUSTOMER_FEATURES.relativePath(), () -> DeltaWrites
            .replace(spark, lake, Tables.GOLD_CUSTOMER_FEATURES, rows, CustomerFeatureColumns.AS_OF + " = DATE'" + asOf
                + "'"));
        m.addRowsWritten(written);
        // last, after every other write of the night succeeded: gold/clv_models never holds a fit of a failed run
        context.steps().run("record fits", () -> clvFits.recordFits(asOf, clvUnit, calibrationStart,
            fitted[0].recorded()));
      } finally {
        aggregates.unpersist();
      }
    });
    ClvFits.NightFits night = fitted[0];
    return new Result(metrics, night.purchases().fit(), night.spend(), night.holdout(),
        churn[0] == null ? null : churn[0].version(), churn[0] != null && churn[0].reused(),
        night.purchases().selection());
  }

  /**
   * The customers' RFM aggregates as of {@code asOf}: folded incrementally into gold/customer_state
   * ({@link CustomerStateStore#foldedAggregates}, which keeps {@code retentionNights} nights of it), or, with
   * {@code --full-recompute} or {@code --any-delivery}, from all of silver/transactions.
   */
  private Dataset<Row> customerAggregates(JobContext context, RunMetrics m, LocalDate asOf, int retentionNights) {
    if (fullRecompute || anyDelivery) {
      Dataset<Row> silver = context.lake().read(context.spark(), Tables.SILVER_TRANSACTIONS);
      m.detail("aggregation", "full recompute");
      return RfmFeatures.aggregatesAsOf(silver, asOf, anyDelivery);
    }
    return new CustomerStateStore(context.spark(), context.lake(), context.steps(), context.log())
        .foldedAggregates(m, asOf, retentionNights);
  }
}

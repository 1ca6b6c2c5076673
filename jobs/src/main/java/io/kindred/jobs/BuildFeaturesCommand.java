package io.kindred.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import io.kindred.clv.ClvFit;
import io.kindred.clv.ClvFitException;
import io.kindred.clv.ClvFitter;
import io.kindred.clv.ClvHorizon;
import io.kindred.clv.ClvScorer;
import io.kindred.clv.FitOptions;
import io.kindred.clv.SpendModel;
import io.kindred.clv.HoldoutSample;
import io.kindred.clv.PeriodUnit;
import io.kindred.clv.PurchaseModel;
import io.kindred.clv.PurchaseModelSelection;
import io.kindred.clv.RfmTriples;
import io.kindred.clv.SpendSummaries;
import io.kindred.clv.TransactionModel;
import io.kindred.features.Churn;
import io.kindred.features.ClvFeatures;
import io.kindred.features.CustomerState;
import io.kindred.features.RfmFeatures;
import io.kindred.features.RfmSegments;
import io.kindred.jobs.cli.CommonOptions;
import io.kindred.jobs.cli.JobContext;
import io.kindred.jobs.cli.KindredCommand;
import io.kindred.lake.DeltaWrites;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.Layer;
import io.kindred.lake.TableDef;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.ChurnModelColumns;
import io.kindred.lake.Tables.CustomerFeatureColumns;
import io.kindred.lake.Tables.CustomerStateColumns;
import io.kindred.lake.Tables.LineageColumns;
import io.kindred.ops.RunMetrics;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import scala.jdk.javaapi.CollectionConverters;

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

  /** Configuration keys. */
  public static final String SEGMENTS_KEY = "kindred.features.rfm-segments";
  public static final String ACCURACY_KEY = "features.quantile-accuracy";
  public static final String UNIT_KEY = "features.clv.unit";
  public static final String HORIZON_KEY = "features.clv.horizon-months";
  public static final String DISCOUNT_KEY = "features.clv.monthly-discount-rate";
  public static final String MIN_REPEAT_KEY = "features.clv.min-repeat-buyers";
  public static final String GG_SHAPE_PENALTY_KEY = "features.clv.gamma-gamma-shape-penalty";
  public static final String CHURN_ENABLED_KEY = "features.churn.enabled";
  public static final String CHURN_HORIZON_KEY = "features.churn.horizon-days";
  public static final String MODEL_KEY = "features.clv.model";
  public static final String CHURN_RETRAIN_KEY = "features.churn.retrain-days";
  public static final String STATE_RETENTION_KEY = "features.state-retention-nights";

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

  /** The purchase model that scores the night, its fit, and with {@code auto} the comparison that chose it. */
  private record PurchaseChoice(PurchaseModel model, ClvFit<? extends TransactionModel> fit,
      PurchaseModelSelection.Selection selection) {
  }

  /** One row of gold/clv_models: a fit and, for a candidate of {@code auto}, its holdout figures (else nulls). */
  record RecordedFit(ClvFit<?> fit, Double holdoutMae, Double holdoutCurveError, Boolean selected) {

    RecordedFit(ClvFit<?> fit) {
      this(fit, null, null, null);
    }
  }

  /** The churn model that scores a night: its version and whether an earlier night's model was reused. */
  private record ChurnChoice(String version, boolean reused) {
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
    PeriodUnit clvUnit = unit != null ? unit
        : PeriodUnit.valueOf(context.config().getString(UNIT_KEY).toUpperCase(Locale.ROOT));
    RfmSegments segments = RfmSegments.fromConfig(context.config().raw(), SEGMENTS_KEY);
    int accuracy = context.config().getInt(ACCURACY_KEY);
    ClvHorizon horizon = ClvHorizon.of(context.config().getInt(HORIZON_KEY),
        context.config().getDouble(DISCOUNT_KEY), clvUnit);
    double shapePenalty = context.config().getDouble(GG_SHAPE_PENALTY_KEY);
    if (!(shapePenalty >= 0) || !Double.isFinite(shapePenalty)) {
      throw new IllegalArgumentException("kindred." + GG_SHAPE_PENALTY_KEY + " must be a finite number >= 0, got "
          + shapePenalty);
    }
    FitOptions fitOptions = new FitOptions(FitOptions.DEFAULT.maxIterations(), FitOptions.DEFAULT.tolerance(),
        FitOptions.DEFAULT.memory(), context.config().getInt(MIN_REPEAT_KEY), shapePenalty);
    PurchaseModel purchaseModel = purchaseModel(context);
    if (purchaseModel == null && holdoutEnd == null) {
      throw new IllegalArgumentException("kindred." + MODEL_KEY + " = " + PurchaseModel.AUTO + " compares the purchase"
          + " models on the holdout window (as-of date, --holdout-end]: give --holdout-end, or name one of "
          + Arrays.stream(PurchaseModel.values()).map(PurchaseModel::code).toList());
    }
    int retentionNights = nonNegative(context, STATE_RETENTION_KEY);
    int retrainDays = nonNegative(context, CHURN_RETRAIN_KEY);
    List<RecordedFit> fits = new ArrayList<>();
    PurchaseChoice[] choice = new PurchaseChoice[1];
    List<ClvFeatures.HoldoutRow> holdout = new ArrayList<>();
    ChurnChoice[] churn = new ChurnChoice[1];
    RunMetrics metrics = context.accounted(m -> {
      m.detail("as_of", asOf).detail("clv_unit", clvUnit).detail("any_delivery", anyDelivery)
          .detail("clv_horizon_months", horizon.months()).detail("monthly_discount_rate",
              horizon.monthlyDiscountRate())
          .detail("clv_model", purchaseModel == null ? PurchaseModel.AUTO : purchaseModel.code())
          .detail("gamma_gamma_shape_penalty", shapePenalty)
          .detail("calibration_start", calibrationStart == null ? "none" : calibrationStart);
      Dataset<Row> aggregates = ClvFeatures.withClvSummary(customerAggregates(context, m, asOf, retentionNights),
              clvUnit)
          .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        long customers = context.steps().run("aggregate customers", aggregates::count);
        context.log().info("{} customers with a purchase day by {}", customers, asOf);
        m.addRowsIn(customers);
        RfmFeatures.CutPoints cuts = context.steps().run("quintile cut points",
            () -> RfmFeatures.cutPoints(aggregates, accuracy));
        context.log().info("RFM cut points: {}", cuts);
        m.detail("rfm_cut_points", cuts);

        // the fits' customers: everyone, or the cohort whose first purchase is on or after --calibration-start
        Dataset<Row> cohort = calibrationStart == null ? aggregates : aggregates.filter(
            col(CustomerFeatureColumns.FIRST_PURCHASE_DATE).geq(lit(Date.valueOf(calibrationStart))));
        choice[0] = purchaseModel != null
            ? fitPurchaseModel(context, m, purchaseModel, cohort, customers, clvUnit, fitOptions, fits)
            : selectPurchaseModel(context, m, asOf, cohort, customers, clvUnit, fitOptions, fits);
        ClvFit<? extends TransactionModel> purchases = choice[0].fit();
        SpendSummaries spend = context.steps().run("collect spend summaries",
            () -> ClvFeatures.spendSummaries(cohort));
        ClvFit<? extends SpendModel> spendFit = context.steps().run("fit gamma-gamma",
            () -> ClvFitter.fitSpendModel(spend, fitOptions));
        fits.add(new RecordedFit(spendFit));
        warnOfBoundaries(context, m, fits);
        if (holdoutEnd != null) {
          holdout.addAll(context.steps().run("calibration/holdout table", () -> holdoutTable(context, asOf,
              cohort, purchases.params(), clvUnit)));
        }
        ClvScorer scorer = new ClvScorer(purchases.params(), spendFit.params(), clvUnit, horizon);

        Dataset<Row> features = ClvFeatures.withClvScores(RfmFeatures.withRfmSegment(
            RfmFeatures.withRfmScores(aggregates, cuts), segments), scorer)
            .withColumn(CustomerFeatureColumns.AS_OF, lit(Date.valueOf(asOf)))
            .withColumn(CustomerFeatureColumns.RUN_ID, lit(context.runId()));
        if (context.config().getBoolean(CHURN_ENABLED_KEY)) {
          int horizonDays = context.config().getInt(CHURN_HORIZON_KEY);
          ChurnChoice reusable = reusableChurnModel(context, asOf, horizonDays, retrainDays);
          churn[0] = reusable != null ? reusable
              : new ChurnChoice(churnModel(context, m, asOf, horizonDays, clvUnit, fitOptions,
              choice[0].model()), false);
          String version = churn[0].version();
          m.detail("churn_model_version", version).detail("churn_model_reused", churn[0].reused());
          PipelineModel model = PipelineModel.load(lake.location(Layer.MODELS, "churn/" + version).uri());
          features = Churn.withChurnProbability(model.transform(Churn.withDoubleFeatures(features)))
              .withColumn(CustomerFeatureColumns.CHURN_MODEL_VERSION, lit(version));
        } else {
          context.log().info("churn model disabled ({} = false): churn_probability is null", CHURN_ENABLED_KEY);
          features = features.withColumn(CustomerFeatureColumns.CHURN_PROBABILITY, lit(null).cast("double"))
              .withColumn(CustomerFeatureColumns.CHURN_MODEL_VERSION, lit(null).cast("string"));
        }
        Dataset<Row> rows = DeltaWrites.conform(Tables.GOLD_CUSTOMER_FEATURES, features);
        context.steps().run("write " + Tables.GOLD_CUSTOMER_FEATURES.relativePath(), () -> DeltaWrites.replace(spark, lake,
            Tables.GOLD_CUSTOMER_FEATURES, rows, CustomerFeatureColumns.AS_OF + " = DATE'" + asOf + "'"));
        long written = context.steps().run("count written", () -> lake.read(spark, Tables.GOLD_CUSTOMER_FEATURES)
            .filter(col(CustomerFeatureColumns.AS_OF).equalTo(lit(Date.valueOf(asOf)))).count());
        m.addRowsWritten(written);
        // last, after every other write of the night succeeded: gold/clv_models never holds a fit of a failed run
        context.steps().run("record fits", () -> recordFits(context, asOf, clvUnit, calibrationStart, fits));
      } finally {
        aggregates.unpersist();
      }
    });
    @SuppressWarnings("unchecked")
    Result result = new Result(metrics, choice[0].fit(), (ClvFit<? extends SpendModel>) fits.get(fits.size() - 1).fit(),
        List.copyOf(holdout), churn[0] == null ? null : churn[0].version(), churn[0] != null && churn[0].reused(),
        choice[0].selection());
    return result;
  }

  /**
   * Logs a warning, and records in the run's metrics ({@code clv_boundary}), each fit whose likelihood has its
   * supremum on a boundary (nobody drops out, or Gamma-Gamma's p -> infinity): the night scores with the limit.
   */
  private static void warnOfBoundaries(JobContext context, RunMetrics m, List<RecordedFit> fits) {
    List<String> boundaries = new ArrayList<>();
    for (RecordedFit r : fits) {
      if (r.fit().boundary() != null) {
        boundaries.add(r.fit().model() + ": " + r.fit().boundary());
        context.log().warn("{} fit is on the boundary {} of its parameters (no interior maximum): the night records and"
            + " scores with the limiting model {}", r.fit().model(), r.fit().boundary(), r.fit().params().asMap());
      }
    }
    if (!boundaries.isEmpty()) {
      m.detail("clv_boundary", String.join("; ", boundaries));
    }
  }

  /** The configured purchase model, null for {@code auto}; an unknown name fails before any data moves. */
  private static PurchaseModel purchaseModel(JobContext context) {
    String name = context.config().getString(MODEL_KEY);
    if (name.trim().equalsIgnoreCase(PurchaseModel.AUTO)) {
      return null;
    }
    try {
      return PurchaseModel.of(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("kindred." + MODEL_KEY + " is '" + name + "'; expected one of "
          + PurchaseModel.settingValues(), e);
    }
  }

  /** Collects the cohort's triples and fits the configured purchase model on them. */
  private PurchaseChoice fitPurchaseModel(JobContext context, RunMetrics m, PurchaseModel model,
      Dataset<Row> cohort, long customers, PeriodUnit clvUnit, FitOptions fitOptions, List<RecordedFit> fits) {
    RfmTriples triples = context.steps().run("collect rfm triples", () -> ClvFeatures.rfmTriples(cohort, clvUnit));
    logFitInput(context, m, triples, customers);
    ClvFit<? extends TransactionModel> fit = context.steps().run("fit " + model.code(),
        () -> model.fit(triples, fitOptions));
    fits.add(new RecordedFit(fit));
    return new PurchaseChoice(model, fit, null);
  }

  /**
   * {@code auto}: collects the cohort's histories at the as-of date with their purchases in (as-of, --holdout-end]
   * (the split of the calibration/holdout table), fits every purchase model on the histories and keeps the one with
   * the lowest holdout MAE ({@link PurchaseModelSelection}). The calibration window is the night's whole history, so
   * the winner's fit is the night's fit: there is nothing to refit.
   */
  private PurchaseChoice selectPurchaseModel(JobContext context, RunMetrics m, LocalDate asOf, Dataset<Row> cohort,
      long customers, PeriodUnit clvUnit, FitOptions fitOptions, List<RecordedFit> fits) {
    int holdoutDays = Math.toIntExact(ChronoUnit.DAYS.between(asOf, holdoutEnd));
    HoldoutSample sample = context.steps().run("collect calibration/holdout sample",
        () -> ClvFeatures.holdoutSample(cohort, holdoutWindow(context, asOf), asOf, clvUnit, holdoutDays));
    logFitInput(context, m, sample.calibration(), customers);
    PurchaseModelSelection.Selection selection = context.steps().run("select purchase model",
        () -> PurchaseModelSelection.select(sample, fitOptions));
    for (PurchaseModelSelection.Candidate c : selection.candidates()) {
      if (c.fit() != null) {
        fits.add(new RecordedFit(c.fit(), c.mae(), c.curveError(), c == selection.winner()));
      }
    }
    context.log().info("purchase model {}: {}; fitted on the full history to {} (the calibration window), it scores "
        + "the night", PurchaseModel.AUTO, selection.describe(), asOf);
    m.detail("clv_model_selected", selection.winner().model().code())
        .detail("clv_holdout_mae", selection.winner().mae());
    return new PurchaseChoice(selection.winner().model(), selection.winner().fit(), selection);
  }

  private void logFitInput(JobContext context, RunMetrics m, RfmTriples triples, long customers) {
    context.log().info("{} distinct (x, t_x, T) triples, {} repeat buyers, {} customers in the fit{}",
        triples.size(), triples.repeatBuyers(), triples.customers(), calibrationStart == null ? ""
            : " (first purchase on or after " + calibrationStart + ", of " + customers + ")");
    m.detail("clv_fit_customers", triples.customers());
  }

  private static int nonNegative(JobContext context, String key) {
    int value = context.config().getInt(key);
    if (value < 0) {
      throw new IllegalArgumentException("kindred." + key + " is " + value + "; expected 0 or more");
    }
    return value;
  }

  /**
   * The customers' RFM aggregates as of {@code asOf}: folded incrementally (the latest state before {@code asOf}
   * plus the silver rows delivered after it and by {@code asOf}, written as the state of {@code asOf}), or, with
   * {@code --full-recompute} or {@code --any-delivery}, from all of silver/transactions. After the state of
   * {@code asOf} is written, the partitions dated {@code retentionNights} or more days before it are deleted
   * ({@code 0}: none).
   */
  private Dataset<Row> customerAggregates(JobContext context, RunMetrics m, LocalDate asOf, int retentionNights) {
    SparkSession spark = context.spark();
    Lakehouse lake = context.lake();
    Dataset<Row> silver = lake.read(spark, Tables.SILVER_TRANSACTIONS);
    if (fullRecompute || anyDelivery) {
      m.detail("aggregation", "full recompute");
      return RfmFeatures.customerAggregates(RfmFeatures.customerDays(RfmFeatures.transactionsAsOf(silver, asOf,
          anyDelivery)), asOf);
    }
    TableDef stateTable = Tables.GOLD_CUSTOMER_STATE;
    Dataset<Row> states = lake.readOrEmpty(spark, stateTable);
    Column stateDate = col(CustomerStateColumns.AS_OF);
    Row latest = states.filter(stateDate.lt(lit(Date.valueOf(asOf)))).agg(functions.max(stateDate)).first();
    LocalDate priorNight = latest.isNullAt(0) ? null : latest.getDate(0).toLocalDate();
    Dataset<Row> prior = priorNight == null ? states.limit(0)
        : states.filter(stateDate.equalTo(lit(Date.valueOf(priorNight))));
    Column delivered = col(LineageColumns.INGEST_DAY).leq(lit(Date.valueOf(asOf)));
    if (priorNight != null) {
      delivered = delivered.and(col(LineageColumns.INGEST_DAY).gt(lit(Date.valueOf(priorNight))));
    }
    Dataset<Row> deliveries = silver.filter(delivered);
    m.detail("aggregation", "incremental").detail("state_prior_as_of", priorNight == null ? "none" : priorNight);
    context.log().info("folding deliveries after {} up to {} into the customer state of {}",
        priorNight == null ? "the beginning" : priorNight, asOf, priorNight == null ? "nobody" : priorNight);
    Dataset<Row> state = DeltaWrites.conform(stateTable, CustomerState.fold(prior, deliveries, asOf));
    context.steps().run("write " + stateTable.relativePath(), () -> DeltaWrites.replace(spark, lake, stateTable, state,
        CustomerStateColumns.AS_OF + " = DATE'" + asOf + "'"));
    // from the two states' counts (every transaction is a purchase or a return), not a second scan of silver
    long folded = context.steps().run("count folded transactions", () -> CustomerState.transactionsFolded(
        lake.read(spark, stateTable), priorNight, asOf));
    context.log().info("{} transactions delivered after {} folded into the state", folded,
        priorNight == null ? "the beginning" : priorNight);
    m.detail("transactions_folded", folded);
    if (retentionNights > 0) {
      context.steps().run("state retention", () -> m.detail("state_nights_deleted",
          deleteStateBefore(context, asOf.minusDays(retentionNights - 1L), retentionNights)));
    }
    return CustomerState.aggregates(lake.read(spark, stateTable).filter(stateDate.equalTo(lit(Date.valueOf(asOf)))),
        asOf);
  }

  /**
   * Deletes the {@code gold/customer_state} partitions dated before {@code keepFrom} (one Delta commit; their files
   * go with Delta's VACUUM); returns how many nights it deleted.
   */
  private static long deleteStateBefore(JobContext context, LocalDate keepFrom, int retentionNights) {
    SparkSession spark = context.spark();
    Column old = col(CustomerStateColumns.AS_OF).lt(lit(Date.valueOf(keepFrom)));
    List<Row> nights = context.lake().read(spark, Tables.GOLD_CUSTOMER_STATE).filter(old)
        .select(CustomerStateColumns.AS_OF).distinct().orderBy(CustomerStateColumns.AS_OF).collectAsList();
    if (nights.isEmpty()) {
      context.log().info("customer state: no night before {} to delete ({} = {})", keepFrom,
          "kindred." + STATE_RETENTION_KEY, retentionNights);
      return 0;
    }
    io.delta.tables.DeltaTable.forPath(spark, context.lake().location(Tables.GOLD_CUSTOMER_STATE).uri()).delete(old);
    context.log().info("customer state: deleted {} nights {} .. {} (keeping the {} nights from {}, {} = {})",
        nights.size(), nights.get(0).getDate(0), nights.get(nights.size() - 1).getDate(0), retentionNights,
        keepFrom, "kindred." + STATE_RETENTION_KEY, retentionNights);
    return nights.size();
  }

  /**
   * The latest churn model in gold/churn_models for {@code horizonDays} trained as of a night in
   * {@code (asOf - retrainDays, asOf]} whose folder still exists, or null when there is none or
   * {@code --retrain-churn} asks for a new one. Logs which model it reuses, or why it trains one.
   */
  private ChurnChoice reusableChurnModel(JobContext context, LocalDate asOf, int horizonDays, int retrainDays) {
    SparkSession spark = context.spark();
    Lakehouse lake = context.lake();
    if (retrainChurn) {
      context.log().info("churn: --retrain-churn given, training a new model");
      return null;
    }
    if (retrainDays == 0 || !lake.exists(spark, Tables.GOLD_CHURN_MODELS)) {
      context.log().info("churn: {}, training a new model", retrainDays == 0
          ? "kindred." + CHURN_RETRAIN_KEY + " = 0 (retrain every night)" : "no churn model trained yet");
      return null;
    }
    Column asOfColumn = col(ChurnModelColumns.AS_OF);
    List<Row> candidates = lake.read(spark, Tables.GOLD_CHURN_MODELS)
        .filter(col(ChurnModelColumns.HORIZON_DAYS).equalTo(horizonDays)
            .and(asOfColumn.leq(lit(Date.valueOf(asOf))))
            .and(asOfColumn.gt(lit(Date.valueOf(asOf.minusDays(retrainDays))))))
        .orderBy(asOfColumn.desc(), col(ChurnModelColumns.TRAINED_AT).desc())
        .select(ChurnModelColumns.VERSION, ChurnModelColumns.AS_OF, ChurnModelColumns.MODEL_PATH).collectAsList();
    for (Row r : candidates) {
      String version = r.getString(0);
      LocalDate trained = r.getDate(1).toLocalDate();
      if (!pathExists(spark, lake.location(Layer.MODELS, "churn/" + version).uri())) {
        context.log().warn("churn: model {} (as of {}) is recorded in {} but its folder {} is gone; skipping it",
            version, trained, Tables.GOLD_CHURN_MODELS.relativePath(), r.getString(2));
        continue;
      }
      context.log().info("churn: reusing model {} trained as of {} ({} days before {}; horizon {} days, "
              + "kindred.{} = {}): no retraining tonight", version, trained, ChronoUnit.DAYS.between(trained, asOf),
          asOf, horizonDays, CHURN_RETRAIN_KEY, retrainDays);
      return new ChurnChoice(version, true);
    }
    context.log().info("churn: no model of horizon {} days trained in the {} days up to {} (kindred.{}), training "
        + "a new one", horizonDays, retrainDays, asOf, CHURN_RETRAIN_KEY);
    return null;
  }

  private static boolean pathExists(SparkSession spark, String uri) {
    try {
      org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(uri);
      return path.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(path);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot check the churn model folder " + uri, e);
    }
  }

  /**
   * Trains the churn model on the temporal split of {@link Churn}, evaluates it beside the P(alive) baseline of the
   * purchase model on the later window, saves it under {@code models/churn/<version>} and records it in
   * gold/churn_models.
   *
   * @return the model's version (the run id)
   * @throws IllegalArgumentException when a window has no customers or a single class, naming the cut-off dates
   */
  private String churnModel(JobContext context, RunMetrics m, LocalDate asOf, int horizonDays, PeriodUnit clvUnit,
      FitOptions fitOptions, PurchaseModel purchaseModel) {
    SparkSession spark = context.spark();
    Lakehouse lake = context.lake();
    LocalDate trainCutoff = asOf.minusDays(2L * horizonDays);
    LocalDate evalCutoff = asOf.minusDays(horizonDays);
    Dataset<Row> known = RfmFeatures.transactionsAsOf(lake.read(spark, Tables.SILVER_TRANSACTIONS), asOf,
        anyDelivery);
    Dataset<Row> train = Churn.labelled(Churn.withDoubleFeatures(aggregatesAt(known, trainCutoff)), known,
        trainCutoff, horizonDays).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> eval = Churn.labelled(ClvFeatures.withClvSummary(aggregatesAt(known, evalCutoff), clvUnit),
        known, evalCutoff, horizonDays).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      double[] trainCounts = context.steps().run("churn training window", () -> classCounts(train, "training",
          trainCutoff, horizonDays, known));
      double[] evalCounts = context.steps().run("churn evaluation window", () -> classCounts(eval, "evaluation",
          evalCutoff, horizonDays, known));
      PipelineModel model = context.steps().run("train churn model", () -> Churn.pipeline().fit(train));
      String version = context.runId();
      String path = lake.location(Layer.MODELS, "churn/" + version).uri();
      context.steps().run("save churn model", () -> {
        try {
          model.write().overwrite().save(path);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException("Cannot save the churn model to " + path, e);
        }
      });
      String[] baselineFailure = new String[1];
      ClvFit<? extends TransactionModel> baselineFit = context.steps().run("fit " + purchaseModel.code()
          + " baseline at " + evalCutoff, () -> {
            RfmTriples triples = ClvFeatures.rfmTriples(eval, clvUnit);
            try {
              return purchaseModel.fit(triples, fitOptions);
            } catch (ClvFitException | IllegalArgumentException e) {
              baselineFailure[0] = e.getMessage();
              return null;
            }
          });
      if (baselineFit == null) {
        context.log().warn("churn: the {} P(alive) baseline could not be fitted at {}, so the churn model is "
            + "recorded without it (baseline null): {}", purchaseModel.code(), evalCutoff, baselineFailure[0]);
        m.detail("churn_baseline_failure", baselineFailure[0]);
      }
      Dataset<Row> withChurn = Churn.withChurnProbability(model.transform(Churn.withDoubleFeatures(eval)));
      Dataset<Row> scored = (baselineFit == null ? withChurn : ClvFeatures.withProbabilityAlive(withChurn,
              baselineFit.params(), "_p_alive").withColumn("_baseline", lit(1.0).minus(col("_p_alive"))))
          .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        Double[] metrics = context.steps().run("evaluate churn model", () -> new Double[] {
            Churn.auc(scored, Churn.PROBABILITY), Churn.precisionAtTopDecile(scored, Churn.PROBABILITY),
            baselineFit == null ? null : Churn.auc(scored, "_baseline"),
            baselineFit == null ? null : Churn.precisionAtTopDecile(scored, "_baseline")});
        context.log().info(String.format(Locale.ROOT, "churn model %s: AUC %.3f (%s P(alive) baseline %s), "
                + "precision at the top decile %.3f (baseline %s) on %d customers as of %s", version, metrics[0],
            purchaseModel.code(), readable(metrics[2]), metrics[1], readable(metrics[3]), (long) evalCounts[0],
            evalCutoff));
        m.detail("churn_auc", metrics[0]).detail("churn_precision_top_decile", metrics[1]);
        if (metrics[2] != null) {
          m.detail("churn_baseline_auc", metrics[2]);
        }
        Row row = RowFactory.create(context.runId(), Date.valueOf(asOf), version, path, horizonDays,
            Date.valueOf(trainCutoff), Date.valueOf(evalCutoff), (long) trainCounts[0], trainCounts[1],
            (long) evalCounts[0], evalCounts[1], metrics[0], metrics[1], metrics[2], metrics[3],
            Timestamp.from(Instant.now()), baselineFailure[0]);
        lake.createIfNotExists(spark, Tables.GOLD_CHURN_MODELS);
        spark.createDataFrame(List.of(row), Tables.GOLD_CHURN_MODELS.schema()).write().format("delta")
            .mode("append").save(lake.location(Tables.GOLD_CHURN_MODELS).uri());
      } finally {
        scored.unpersist();
      }
      return version;
    } finally {
      train.unpersist();
      eval.unpersist();
    }
  }

  /**
   * Computes, logs and writes (replacing this as-of and holdout end) the calibration/holdout table of the fit's
   * customers.
   */
  private List<ClvFeatures.HoldoutRow> holdoutTable(JobContext context, LocalDate asOf, Dataset<Row> summarised,
      TransactionModel model, PeriodUnit clvUnit) {
    SparkSession spark = context.spark();
    Lakehouse lake = context.lake();
    Dataset<Row> window = holdoutWindow(context, asOf);
    double length = clvUnit.fromDays(java.time.temporal.ChronoUnit.DAYS.between(asOf, holdoutEnd));
    List<ClvFeatures.HoldoutRow> rows = ClvFeatures.holdoutTable(summarised, window, model, length, 7);
    context.log().info("calibration/holdout, {} .. {} ({} {}): x | customers | actual | predicted", asOf, holdoutEnd,
        length, clvUnit);
    List<Row> out = new ArrayList<>();
    for (ClvFeatures.HoldoutRow r : rows) {
      context.log().info(String.format(Locale.ROOT, "%3s | %7d | %.3f | %.3f", r.xGroup(), r.customers(),
          r.actualMean(), r.predictedMean()));
      out.add(RowFactory.create(Date.valueOf(asOf), Date.valueOf(holdoutEnd), r.xGroup(), r.customers(),
          r.actualMean(), r.predictedMean(), context.runId()));
    }
    DeltaWrites.replace(spark, lake, Tables.GOLD_CLV_HOLDOUT, spark.createDataFrame(out, Tables.GOLD_CLV_HOLDOUT.schema()),
        Tables.ClvHoldoutColumns.AS_OF + " = DATE'" + asOf + "' AND " + Tables.ClvHoldoutColumns.HOLDOUT_END
            + " = DATE'" + holdoutEnd + "'");
    return rows;
  }

  /** The transactions of the holdout window (as-of, --holdout-end], whenever delivered (a backtest). */
  private Dataset<Row> holdoutWindow(JobContext context, LocalDate asOf) {
    return context.lake().read(context.spark(), Tables.SILVER_TRANSACTIONS)
        .filter(col(Tables.TransactionColumns.TRANSACTION_DATE).gt(lit(Date.valueOf(asOf)))
            .and(col(Tables.TransactionColumns.TRANSACTION_DATE).leq(lit(Date.valueOf(holdoutEnd)))));
  }

  /** Aggregates as of {@code cutoff} from the rows known then (point-in-time unless --any-delivery). */
  private Dataset<Row> aggregatesAt(Dataset<Row> known, LocalDate cutoff) {
    return RfmFeatures.customerAggregates(RfmFeatures.customerDays(RfmFeatures.transactionsAsOf(known, cutoff,
        anyDelivery)), cutoff);
  }

  private static String readable(Double value) {
    return value == null ? "none" : String.format(Locale.ROOT, "%.3f", value);
  }

  /**
   * {customers, churn rate} of a labelled window; fails unless it has customers of both classes. When the window has
   * no customer although {@code known} holds transactions dated by {@code cutoff} (all delivered after it, as
   * history loaded in one file is), the message says so and names {@code --any-delivery}.
   */
  private double[] classCounts(Dataset<Row> labelled, String window, LocalDate cutoff, int horizonDays,
      Dataset<Row> known) {
    Row r = labelled.agg(functions.count(lit(1)), functions.sum(col(Churn.LABEL))).first();
    long n = r.getLong(0);
    double churned = r.isNullAt(1) ? 0 : r.getDouble(1);
    if (n == 0 && !anyDelivery) {
      // the failure path only: how many transactions dated by the cut-off were delivered after it
      Row late = known.filter(col(Tables.TransactionColumns.TRANSACTION_DATE).leq(lit(Date.valueOf(cutoff)))
              .and(col(LineageColumns.INGEST_DAY).gt(lit(Date.valueOf(cutoff)))))
          .agg(functions.count(lit(1)), functions.min(col(LineageColumns.INGEST_DAY))).first();
      if (late.getLong(0) > 0) {
        throw new IllegalArgumentException("The churn " + window + " window (features as of " + cutoff
            + ", labels from the " + horizonDays + " days after) has 0 customers, though " + late.getLong(0)
            + " transactions are dated on or before " + cutoff + ": all were delivered after it (ingest_day from "
            + late.getDate(1) + "), and a night counts only the rows delivered by its date (the delivered-by-date"
            + " rule, so that a backfill gives what that night gave). For history delivered after the fact (e.g. in"
            + " one file), run with --any-delivery; or set kindred." + CHURN_ENABLED_KEY + "=false");
      }
    }
    if (n == 0 || churned == 0 || churned == n) {
      throw new IllegalArgumentException("The churn " + window + " window (features as of " + cutoff
          + ", labels from the " + horizonDays + " days after) has " + n + " customers, " + (long) churned
          + " of them churned: it needs customers of both classes. Shorten " + CHURN_HORIZON_KEY
          + " or set kindred." + CHURN_ENABLED_KEY + "=false when the history is shorter than two horizons");
    }
    return new double[] {n, churned / n};
  }

  /** Appends one row per fit to gold/clv_models; {@code calibrationStart} is null when every customer was fitted. */
  static void recordFits(JobContext context, LocalDate asOf, PeriodUnit unit, LocalDate calibrationStart,
      List<RecordedFit> fits) {
    SparkSession spark = context.spark();
    List<Row> rows = new ArrayList<>();
    Timestamp now = Timestamp.from(Instant.now());
    for (RecordedFit recorded : fits) {
      ClvFit<?> fit = recorded.fit();
      rows.add(RowFactory.create(context.runId(), Date.valueOf(asOf), fit.model(),
          unit.name().toLowerCase(Locale.ROOT), Date.valueOf(asOf),
          calibrationStart == null ? null : Date.valueOf(calibrationStart),
          scalaMap(fit.params().asMap()),
          scalaMap(fit.standardErrorMap()),
          fit.logLikelihood(), fit.customers(), fit.distinctRows(), fit.iterations(), fit.convergence(),
          fit.fitTime().toMillis(), now, fit.status().code(), fit.gradientNorm(), fit.newtonStep(),
          recorded.holdoutMae(), recorded.holdoutCurveError(), recorded.selected(), fit.boundary()));
    }
    Dataset<Row> frame = spark.createDataFrame(rows, Tables.GOLD_CLV_MODELS.schema());
    context.lake().createIfNotExists(spark, Tables.GOLD_CLV_MODELS);
    // mergeSchema: a table written before a column was added (calibration_start, status, holdout_mae, ...) gains it
    // instead of failing; its earlier rows read null there
    frame.write().format("delta").mode("append").option("mergeSchema", "true")
        .save(context.lake().location(Tables.GOLD_CLV_MODELS).uri());
  }

  private static scala.collection.Map<String, Double> scalaMap(java.util.Map<String, Double> map) {
    return CollectionConverters.asScala(new java.util.LinkedHashMap<>(map));
  }
}

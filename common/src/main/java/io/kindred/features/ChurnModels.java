package io.kindred.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.kindred.clv.ClvFit;
import io.kindred.clv.ClvFitException;
import io.kindred.clv.FitOptions;
import io.kindred.clv.PeriodUnit;
import io.kindred.clv.PurchaseModel;
import io.kindred.clv.RfmTriples;
import io.kindred.clv.TransactionModel;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.Layer;
import io.kindred.lake.Location;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.ChurnModelColumns;
import io.kindred.lake.Tables.CustomerFeatureColumns;
import io.kindred.lake.Tables.LineageColumns;
import io.kindred.ops.RunMetrics;
import io.kindred.ops.Steps;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
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
import org.slf4j.Logger;

/**
 * The churn model's lifecycle on the lakehouse: reuse a recent model recorded in {@link Tables#GOLD_CHURN_MODELS}
 * ({@link #reusable}), or train, evaluate, save and record one on the temporal split of {@link Churn}
 * ({@link #train}); score a night's customers with the chosen model ({@link #withChurnScores}). Models are saved
 * under {@code models/churn/<version>}, the version being the run id of the run that trained it.
 *
 * <p>The steps run and log through the given {@link Steps} and logger (the job's), so that a night's log reads as
 * one story.
 */
public final class ChurnModels {

  private final SparkSession spark;
  private final Lakehouse lake;
  private final Steps steps;
  private final Logger log;

  /** The churn model that scores a night: its version and whether an earlier night's model was reused. */
  public record Choice(String version, boolean reused) {
  }

  public ChurnModels(SparkSession spark, Lakehouse lake, Steps steps, Logger log) {
    this.spark = spark;
    this.lake = lake;
    this.steps = steps;
    this.log = log;
  }

  /** Where the model of {@code version} is saved. */
  public Location location(String version) {
    return lake.location(Layer.MODELS, "churn/" + version);
  }

  /**
   * The latest churn model in gold/churn_models for {@code horizonDays} trained as of a night in
   * {@code (asOf - retrainDays, asOf]} whose folder still exists, or null when there is none or
   * {@code retrainRequested} (--retrain-churn) asks for a new one. Logs which model it reuses, or why it trains one.
   */
  public Choice reusable(LocalDate asOf, int horizonDays, int retrainDays, boolean retrainRequested) {
    if (retrainRequested) {
      log.info("churn: --retrain-churn given, training a new model");
      return null;
    }
    if (retrainDays == 0 || !lake.exists(spark, Tables.GOLD_CHURN_MODELS)) {
      log.info("churn: {}, training a new model", retrainDays == 0
          ? "kindred." + FeatureSettings.CHURN_RETRAIN_KEY + " = 0 (retrain every night)"
          : "no churn model trained yet");
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
      if (!Lakehouse.pathExists(spark, location(version))) {
        log.warn("churn: model {} (as of {}) is recorded in {} but its folder {} is gone; skipping it",
            version, trained, Tables.GOLD_CHURN_MODELS.relativePath(), r.getString(2));
        continue;
      }
      log.info("churn: reusing model {} trained as of {} ({} days before {}; horizon {} days, "
              + "kindred.{} = {}): no retraining tonight", version, trained, ChronoUnit.DAYS.between(trained, asOf),
          asOf, horizonDays, FeatureSettings.CHURN_RETRAIN_KEY, retrainDays);
      return new Choice(version, true);
    }
    log.info("churn: no model of horizon {} days trained in the {} days up to {} (kindred.{}), training "
        + "a new one", horizonDays, retrainDays, asOf, FeatureSettings.CHURN_RETRAIN_KEY);
    return null;
  }

  /**
   * Trains the churn model on the temporal split of {@link Churn}, evaluates it beside the P(alive) baseline of the
   * purchase model on the later window, saves it under {@code models/churn/<version>} and records it in
   * gold/churn_models.
   *
   * @param runId the training run's id, which is also the model's version
   * @param anyDelivery whether the windows count every transaction dated by their cut-off, whenever delivered
   *     (--any-delivery), rather than only those delivered by it
   * @return the model's version (the run id)
   * @throws IllegalArgumentException when a window has no customers or a single class, naming the cut-off dates
   */
  public String train(String runId, RunMetrics m, LocalDate asOf, int horizonDays, boolean anyDelivery,
      PeriodUnit clvUnit, FitOptions fitOptions, PurchaseModel purchaseModel) {
    LocalDate trainCutoff = asOf.minusDays(2L * horizonDays);
    LocalDate evalCutoff = asOf.minusDays(horizonDays);
    Dataset<Row> known = RfmFeatures.transactionsAsOf(lake.read(spark, Tables.SILVER_TRANSACTIONS), asOf,
        anyDelivery);
    Dataset<Row> train = Churn.labelled(Churn.withDoubleFeatures(RfmFeatures.aggregatesAsOf(known, trainCutoff,
        anyDelivery)), known, trainCutoff, horizonDays).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> eval = Churn.labelled(ClvFeatures.withClvSummary(RfmFeatures.aggregatesAsOf(known, evalCutoff,
        anyDelivery), clvUnit), known, evalCutoff, horizonDays).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      double[] trainCounts = steps.run("churn training window", () -> classCounts(train, "training",
          trainCutoff, horizonDays, known, anyDelivery));
      double[] evalCounts = steps.run("churn evaluation window", () -> classCounts(eval, "evaluation",
          evalCutoff, horizonDays, known, anyDelivery));
      PipelineModel model = steps.run("train churn model", () -> Churn.pipeline().fit(train));
      String version = runId;
      String path = location(version).uri();
      steps.run("save churn model", () -> {
        try {
          model.write().overwrite().save(path);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException("Cannot save the churn model to " + path, e);
        }
      });
      String[] baselineFailure = new String[1];
      ClvFit<? extends TransactionModel> baselineFit = steps.run("fit " + purchaseModel.code()
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
        log.warn("churn: the {} P(alive) baseline could not be fitted at {}, so the churn model is "
            + "recorded without it (baseline null): {}", purchaseModel.code(), evalCutoff, baselineFailure[0]);
        m.detail("churn_baseline_failure", baselineFailure[0]);
      }
      Dataset<Row> withChurn = Churn.withChurnProbability(model.transform(Churn.withDoubleFeatures(eval)));
      Dataset<Row> scored = (baselineFit == null ? withChurn : ClvFeatures.withProbabilityAlive(withChurn,
              baselineFit.params(), "_p_alive").withColumn("_baseline", lit(1.0).minus(col("_p_alive"))))
          .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        Double[] metrics = steps.run("evaluate churn model", () -> new Double[] {
            Churn.auc(scored, Churn.PROBABILITY), Churn.precisionAtTopDecile(scored, Churn.PROBABILITY),
            baselineFit == null ? null : Churn.auc(scored, "_baseline"),
            baselineFit == null ? null : Churn.precisionAtTopDecile(scored, "_baseline")});
        log.info(String.format(Locale.ROOT, "churn model %s: AUC %.3f (%s P(alive) baseline %s), "
                + "precision at the top decile %.3f (baseline %s) on %d customers as of %s", version, metrics[0],
            purchaseModel.code(), readable(metrics[2]), metrics[1], readable(metrics[3]), (long) evalCounts[0],
            evalCutoff));
        m.detail("churn_auc", metrics[0]).detail("churn_precision_top_decile", metrics[1]);
        if (metrics[2] != null) {
          m.detail("churn_baseline_auc", metrics[2]);
        }
        Row row = RowFactory.create(runId, Date.valueOf(asOf), version, path, horizonDays,
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
   * Adds {@link CustomerFeatureColumns#CHURN_PROBABILITY} from the saved model of {@code version}, and
   * {@link CustomerFeatureColumns#CHURN_MODEL_VERSION}, to a night's feature rows (which hold {@link Churn#FEATURES}).
   */
  public Dataset<Row> withChurnScores(Dataset<Row> features, String version) {
    PipelineModel model = PipelineModel.load(location(version).uri());
    return Churn.withChurnProbability(model.transform(Churn.withDoubleFeatures(features)))
        .withColumn(CustomerFeatureColumns.CHURN_MODEL_VERSION, lit(version));
  }

  private static String readable(Double value) {
    return value == null ? "none" : String.format(Locale.ROOT, "%.3f", value);
  }

  /**
   * {customers, churn rate} of a labelled window; fails unless it has customers of both classes. When the window has
   * no customer although {@code known} holds transactions dated by {@code cutoff} (all delivered after it, as
   * history loaded in one file is), the message says so and names {@code --any-delivery}.
   */
  static double[] classCounts(Dataset<Row> labelled, String window, LocalDate cutoff, int horizonDays,
      Dataset<Row> known, boolean anyDelivery) {
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
            + " one file), run with --any-delivery; or set kindred." + FeatureSettings.CHURN_ENABLED_KEY + "=false");
      }
    }
    if (n == 0 || churned == 0 || churned == n) {
      throw new IllegalArgumentException("The churn " + window + " window (features as of " + cutoff
          + ", labels from the " + horizonDays + " days after) has " + n + " customers, " + (long) churned
          + " of them churned: it needs customers of both classes. Shorten " + FeatureSettings.CHURN_HORIZON_KEY
          + " or set kindred." + FeatureSettings.CHURN_ENABLED_KEY
          + "=false when the history is shorter than two horizons");
    }
    return new double[] {n, churned / n};
  }
}

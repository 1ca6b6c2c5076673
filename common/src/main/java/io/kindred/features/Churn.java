package io.kindred.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.kindred.lake.Tables.CustomerFeatureColumns;
import io.kindred.lake.Tables.TransactionColumns;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Churn propensity: a supervised model of "no purchase within the horizon" on RFM aggregates, trained and
 * evaluated on a temporal split.
 *
 * <ul>
 *   <li>{@link #labelled}: customers' aggregates as of a cut-off date {@code C} with the label {@code churned = 1}
 *       when they made no purchase dated in {@code (C, C + horizon]}.</li>
 *   <li>{@link #pipeline}: {@link VectorAssembler} over {@link #FEATURES} then {@link LogisticRegression}
 *       (standardised inside), a plain MLlib {@link Pipeline}.</li>
 *   <li>The job trains on cut-off {@code D - 2 horizon} (labels from the window ending {@code D - horizon}) and
 *       evaluates on cut-off {@code D - horizon} (labels from the window ending {@code D}): a later window no
 *       training label saw. {@link #auc} and {@link #precisionAtTopDecile} measure it.</li>
 * </ul>
 */
public final class Churn {

  /** The label column: 1.0 when the customer made no purchase within the horizon after the cut-off. */
  public static final String LABEL = "churned";
  /** The assembled feature vector. */
  public static final String FEATURE_VECTOR = "churn_features";
  /** P(churned) from the model's probability vector. */
  public static final String PROBABILITY = "churn_probability";
  private static final String RAW = "churn_raw";
  private static final String PROBABILITY_VECTOR = "churn_probability_vector";

  /** The model's inputs: columns of {@link RfmFeatures#customerAggregates}, as doubles. */
  public static final List<String> FEATURES = List.of(CustomerFeatureColumns.RECENCY_DAYS,
      CustomerFeatureColumns.TENURE_DAYS, CustomerFeatureColumns.PURCHASE_DAYS, CustomerFeatureColumns.TRANSACTIONS,
      CustomerFeatureColumns.RETURNS, CustomerFeatureColumns.GROSS_AMOUNT, CustomerFeatureColumns.RETURNED_AMOUNT,
      CustomerFeatureColumns.MONETARY_PER_DAY);

  private Churn() {
  }

  /** The assembler's input column of feature {@code f}: the feature as a double. */
  static String input(String f) {
    return "_churn_" + f;
  }

  /** Adds {@link #FEATURES} as doubles, the assembler's inputs (the originals keep their types). */
  public static Dataset<Row> withDoubleFeatures(Dataset<Row> aggregates) {
    Dataset<Row> out = aggregates;
    for (String f : FEATURES) {
      out = out.withColumn(input(f), col(f).cast(DataTypes.DoubleType));
    }
    return out;
  }

  /**
   * Adds {@link #LABEL} to aggregates as of {@code cutoff}: 1.0 when {@code transactions} holds no purchase (a
   * transaction that is not a return) of the customer dated in {@code (cutoff, cutoff + horizonDays]}, else 0.0.
   */
  public static Dataset<Row> labelled(Dataset<Row> aggregates, Dataset<Row> transactions, LocalDate cutoff,
      int horizonDays) {
    Dataset<Row> buyers = transactions
        .filter(col(TransactionColumns.TRANSACTION_DATE).gt(lit(cutoff))
            .and(col(TransactionColumns.TRANSACTION_DATE).leq(lit(cutoff.plusDays(horizonDays))))
            .and(functionsNot(col(TransactionColumns.IS_RETURN))))
        .select(col(TransactionColumns.CUSTOMER_ID).as("_buyer")).distinct();
    return aggregates.join(buyers, aggregates.col(CustomerFeatureColumns.CUSTOMER_ID).equalTo(buyers.col("_buyer")),
            "left_outer")
        .withColumn(LABEL, when(col("_buyer").isNull(), 1.0).otherwise(0.0))
        .drop("_buyer");
  }

  private static Column functionsNot(Column c) {
    return org.apache.spark.sql.functions.not(c);
  }

  /** VectorAssembler over {@link #FEATURES} and a logistic regression of {@link #LABEL}. */
  public static Pipeline pipeline() {
    VectorAssembler assembler = new VectorAssembler()
        .setInputCols(FEATURES.stream().map(Churn::input).toArray(String[]::new))
        .setOutputCol(FEATURE_VECTOR);
    LogisticRegression regression = new LogisticRegression()
        .setFeaturesCol(assembler.getOutputCol())
        .setLabelCol(LABEL)
        .setRawPredictionCol(RAW)
        .setProbabilityCol(PROBABILITY_VECTOR)
        .setPredictionCol("churn_prediction")
        .setMaxIter(100)
        .setRegParam(0.001);
    return new Pipeline().setStages(new PipelineStage[] {assembler, regression});
  }

  /** Adds {@link #PROBABILITY} (P(churned)) and drops the model's vectors, keeping the raw score for AUC. */
  public static Dataset<Row> withChurnProbability(Dataset<Row> transformed) {
    return transformed
        .withColumn(PROBABILITY, org.apache.spark.ml.functions.vector_to_array(col(PROBABILITY_VECTOR), "float64").getItem(1))
        .drop(FEATURE_VECTOR, PROBABILITY_VECTOR, "churn_prediction", RAW)
        .drop(FEATURES.stream().map(Churn::input).toArray(String[]::new));
  }

  /** Area under the ROC curve of {@code score} (higher = more likely churned) against {@link #LABEL}. */
  public static double auc(Dataset<Row> scored, String score) {
    return new BinaryClassificationEvaluator().setLabelCol(LABEL).setRawPredictionCol(score)
        .setMetricName("areaUnderROC").evaluate(scored.select(col(score).cast(DataTypes.DoubleType).as(score),
            col(LABEL)));
  }

  /**
   * Share of churned among the top {@code ceil(n / 10)} customers by {@code score} (ties broken by customer id,
   * ascending, so the result is deterministic).
   */
  public static double precisionAtTopDecile(Dataset<Row> scored, String score) {
    long n = scored.count();
    if (n == 0) {
      throw new IllegalArgumentException("No customers to evaluate the churn model on");
    }
    int top = (int) Math.ceil(n / 10.0);
    Row r = scored.orderBy(col(score).desc(), col(CustomerFeatureColumns.CUSTOMER_ID)).limit(top)
        .agg(org.apache.spark.sql.functions.sum(col(LABEL))).first();
    return r.getDouble(0) / top;
  }
}

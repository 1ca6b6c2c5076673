package io.kindred.features;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.kindred.clv.ClvScorer;
import io.kindred.clv.CustomerValue;
import io.kindred.clv.PeriodUnit;
import io.kindred.clv.RfmTriples;
import io.kindred.clv.SpendSummaries;
import io.kindred.lake.Tables.CustomerFeatureColumns;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF5;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The CLV models' per-customer summary and scores on Spark: {@link #withClvSummary} adds {@code (x, t_x, T, mbar)}
 * to {@link RfmFeatures#customerAggregates} rows, {@link #rfmTriples} and {@link #spendSummaries} collect the fits'
 * inputs to the driver (distinct rows with counts: small whatever the number of customers), and
 * {@link #withClvScores} scores every customer with a fitted {@link ClvScorer}.
 */
public final class ClvFeatures {

  /** Columns of the grouped fit inputs, in days before the unit conversion. */
  private static final String TX_DAYS = "_tx_days";
  private static final String T_DAYS = "_t_days";
  private static final String SCORES = "_clv";

  private ClvFeatures() {
  }

  /**
   * Adds {@code clv_x}, {@code clv_t_x}, {@code clv_t} (in {@code unit}), {@code clv_mbar} and {@code clv_unit} to
   * {@link RfmFeatures#customerAggregates} rows computed for {@code asOf} (the calibration end, inclusive).
   */
  public static Dataset<Row> withClvSummary(Dataset<Row> aggregates, PeriodUnit unit) {
    Column x = col(CustomerFeatureColumns.REPEAT_PURCHASE_DAYS);
    return aggregates
        .withColumn(CustomerFeatureColumns.CLV_X, x)
        .withColumn(CustomerFeatureColumns.CLV_T_X, datediff(col(CustomerFeatureColumns.LAST_PURCHASE_DATE),
            col(CustomerFeatureColumns.FIRST_PURCHASE_DATE)).cast(DataTypes.DoubleType).divide(unit.days()))
        .withColumn(CustomerFeatureColumns.CLV_T, col(CustomerFeatureColumns.TENURE_DAYS).cast(DataTypes.DoubleType)
            .divide(unit.days()))
        .withColumn(CustomerFeatureColumns.CLV_MBAR, when(x.gt(0),
            col(RfmFeatures.REPEAT_AMOUNT).cast(DataTypes.DoubleType).divide(x)).otherwise(lit(0.0)))
        .withColumn(CustomerFeatureColumns.CLV_UNIT, lit(unit.name().toLowerCase(Locale.ROOT)));
  }

  /**
   * The BG/NBD fit's input: distinct {@code (x, t_x, T)} with customer counts, grouped in whole days on the
   * executors and converted to {@code unit} on the driver (so equal histories share a row exactly).
   */
  public static RfmTriples rfmTriples(Dataset<Row> aggregates, PeriodUnit unit) {
    List<Row> rows = aggregates.groupBy(
            col(CustomerFeatureColumns.REPEAT_PURCHASE_DAYS),
            datediff(col(CustomerFeatureColumns.LAST_PURCHASE_DATE), col(CustomerFeatureColumns.FIRST_PURCHASE_DATE))
                .as(TX_DAYS),
            col(CustomerFeatureColumns.TENURE_DAYS).as(T_DAYS))
        .count().collectAsList();
    int n = rows.size();
    int[] x = new int[n];
    double[] tx = new double[n];
    double[] age = new double[n];
    long[] counts = new long[n];
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      x[i] = r.getInt(0);
      tx[i] = r.getInt(1) / unit.days();
      age[i] = r.getInt(2) / unit.days();
      counts[i] = r.getLong(3);
    }
    return RfmTriples.of(x, tx, age, counts);
  }

  /**
   * The Gamma-Gamma fit's input: {@code (x, mbar)} of repeat buyers with customer counts, from
   * {@link #withClvSummary} rows. Repeat buyers whose repeat purchases were all free ({@code mbar = 0}) are left
   * out of the fit (the model's values are positive); they are still scored.
   */
  public static SpendSummaries spendSummaries(Dataset<Row> summarised) {
    List<Row> rows = summarised.filter(col(CustomerFeatureColumns.CLV_X).gt(0)
            .and(col(CustomerFeatureColumns.CLV_MBAR).gt(0)))
        .groupBy(col(CustomerFeatureColumns.CLV_X), col(CustomerFeatureColumns.CLV_MBAR)).count().collectAsList();
    int n = rows.size();
    int[] x = new int[n];
    double[] mbar = new double[n];
    long[] counts = new long[n];
    for (int i = 0; i < n; i++) {
      x[i] = rows.get(i).getInt(0);
      mbar[i] = rows.get(i).getDouble(1);
      counts[i] = rows.get(i).getLong(2);
    }
    return SpendSummaries.of(x, mbar, counts);
  }

  private static final StructType SCORE_TYPE = new StructType()
      .add(CustomerFeatureColumns.PROBABILITY_ALIVE, DataTypes.DoubleType, false)
      .add(CustomerFeatureColumns.EXPECTED_PURCHASES_30D, DataTypes.DoubleType, false)
      .add(CustomerFeatureColumns.EXPECTED_PURCHASES_90D, DataTypes.DoubleType, false)
      .add(CustomerFeatureColumns.EXPECTED_PURCHASES_365D, DataTypes.DoubleType, false)
      .add(CustomerFeatureColumns.EXPECTED_AVERAGE_SPEND, DataTypes.DoubleType, false)
      .add(CustomerFeatureColumns.CLV, DataTypes.DoubleType, false);

  /**
   * Adds probability alive, expected purchases in 30/90/365 days, expected average spend and CLV to
   * {@link #withClvSummary} rows. A customer whose prediction is not a finite number fails the job with the
   * customer's summary (never NaN in the table).
   */
  public static Dataset<Row> withClvScores(Dataset<Row> summarised, ClvScorer scorer) {
    UDF5<String, Integer, Double, Double, Double, Row> score = new Score(scorer);
    UserDefinedFunction udf = functions.udf(score, SCORE_TYPE).asNonNullable();
    Dataset<Row> scored = summarised.withColumn(SCORES, udf.apply(col(CustomerFeatureColumns.CUSTOMER_ID),
        col(CustomerFeatureColumns.CLV_X), col(CustomerFeatureColumns.CLV_T_X), col(CustomerFeatureColumns.CLV_T),
        col(CustomerFeatureColumns.CLV_MBAR)));
    for (String field : SCORE_TYPE.fieldNames()) {
      scored = scored.withColumn(field, col(SCORES).getField(field));
    }
    return scored.drop(SCORES);
  }

  /**
   * Adds {@code column}: P(alive) under {@code model} of each {@link #withClvSummary} row (the BG/NBD baseline of
   * the churn model).
   */
  public static Dataset<Row> withProbabilityAlive(Dataset<Row> summarised, io.kindred.clv.TransactionModel model,
      String column) {
    UserDefinedFunction alive = functions.udf(
        (org.apache.spark.sql.api.java.UDF3<Integer, Double, Double, Double>) (x, tx, age) ->
            model.probabilityAlive(x, tx, age), DataTypes.DoubleType).asNonNullable();
    return summarised.withColumn(column, alive.apply(col(CustomerFeatureColumns.CLV_X),
        col(CustomerFeatureColumns.CLV_T_X), col(CustomerFeatureColumns.CLV_T)));
  }

  /** One row of the calibration/holdout table: customers with {@code x} repeat purchases (the last group is x or more). */
  public record HoldoutRow(String xGroup, long customers, double actualMean, double predictedMean)
      implements java.io.Serializable {
  }

  /**
   * The calibration/holdout table (Fader, Hardie &amp; Lee 2005, figure 4): customers summarised at the calibration
   * end grouped by repeat purchases {@code x = 0 .. maxGroup - 1} and {@code maxGroup+}, with the mean number of
   * purchase days they made in the holdout window {@code (calibration end, holdout end]} (repeat purchases, same
   * day rule as x) beside the mean that {@code model} predicted for a window of that length.
   *
   * @param summarised {@link #withClvSummary} rows at the calibration end
   * @param holdout transactions dated in the holdout window (others are ignored by the caller's filter)
   * @param holdoutLength the holdout window's length in the model's unit
   */
  public static List<HoldoutRow> holdoutTable(Dataset<Row> summarised, Dataset<Row> holdout,
      io.kindred.clv.TransactionModel model, double holdoutLength, int maxGroup) {
    Dataset<Row> actual = holdout.filter(functions.not(col(io.kindred.lake.Tables.TransactionColumns.IS_RETURN)))
        .groupBy(col(io.kindred.lake.Tables.TransactionColumns.CUSTOMER_ID).as("_h_customer"))
        .agg(functions.countDistinct(col(io.kindred.lake.Tables.TransactionColumns.TRANSACTION_DATE)).as("_actual"));
    UserDefinedFunction predicted = functions.udf(
        (org.apache.spark.sql.api.java.UDF3<Integer, Double, Double, Double>) (x, tx, age) ->
            model.expectedPurchases(holdoutLength, x, tx, age), DataTypes.DoubleType).asNonNullable();
    Column x = col(CustomerFeatureColumns.CLV_X);
    List<Row> rows = summarised.join(actual, col(CustomerFeatureColumns.CUSTOMER_ID).equalTo(col("_h_customer")),
            "left_outer")
        .groupBy(when(x.geq(maxGroup), maxGroup).otherwise(x).as("_group"))
        .agg(functions.count(lit(1)), functions.avg(coalesce(col("_actual"), lit(0L)).cast(DataTypes.DoubleType)),
            functions.avg(predicted.apply(x, col(CustomerFeatureColumns.CLV_T_X), col(CustomerFeatureColumns.CLV_T))))
        .orderBy("_group").collectAsList();
    return rows.stream().map(r -> new HoldoutRow(r.getInt(0) == maxGroup ? maxGroup + "+" : String.valueOf(r.getInt(0)),
        r.getLong(1), r.getDouble(2), r.getDouble(3))).toList();
  }

  /**
   * The comparison data of kindred.features.clv.model = auto, over the same calibration/holdout split as
   * {@link #holdoutTable}: the customers of {@code summarised} (their histories at the calibration end) as distinct
   * {@code (x, t_x, T, holdout purchase days)} rows with counts, and the cohort's cumulative holdout purchase days at
   * the end of each week of the holdout and at its end. Grouped on the executors; only those small rows reach the
   * driver.
   *
   * @param summarised     {@link #withClvSummary} rows at {@code calibrationEnd}
   * @param holdout        transactions dated in the holdout window {@code (calibrationEnd, calibrationEnd +
   *                       holdoutDays]}
   * @param holdoutDays    the holdout window's length in days, {@code >= 1}
   */
  public static io.kindred.clv.HoldoutSample holdoutSample(Dataset<Row> summarised, Dataset<Row> holdout,
      java.time.LocalDate calibrationEnd, PeriodUnit unit, int holdoutDays) {
    Dataset<Row> days = holdout.filter(functions.not(col(io.kindred.lake.Tables.TransactionColumns.IS_RETURN)))
        .select(col(io.kindred.lake.Tables.TransactionColumns.CUSTOMER_ID).as("_h_customer"),
            col(io.kindred.lake.Tables.TransactionColumns.TRANSACTION_DATE).as("_h_date"))
        .distinct()
        .join(summarised.select(col(CustomerFeatureColumns.CUSTOMER_ID)),
            col("_h_customer").equalTo(col(CustomerFeatureColumns.CUSTOMER_ID)), "left_semi");
    Dataset<Row> actual = days.groupBy(col("_h_customer")).agg(functions.count(lit(1)).as("_actual"));
    List<Row> rows = summarised.join(actual, col(CustomerFeatureColumns.CUSTOMER_ID).equalTo(col("_h_customer")),
            "left_outer")
        .groupBy(col(CustomerFeatureColumns.REPEAT_PURCHASE_DAYS),
            datediff(col(CustomerFeatureColumns.LAST_PURCHASE_DATE), col(CustomerFeatureColumns.FIRST_PURCHASE_DATE)),
            col(CustomerFeatureColumns.TENURE_DAYS), coalesce(col("_actual"), lit(0L)))
        .count().collectAsList();
    int n = rows.size();
    int[] x = new int[n];
    double[] tx = new double[n];
    double[] age = new double[n];
    int[] purchases = new int[n];
    long[] counts = new long[n];
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      x[i] = r.getInt(0);
      tx[i] = r.getInt(1) / unit.days();
      age[i] = r.getInt(2) / unit.days();
      purchases[i] = Math.toIntExact(r.getLong(3));
      counts[i] = r.getLong(4);
    }
    long[] daily = new long[holdoutDays + 1];
    for (Row r : days.groupBy(datediff(col("_h_date"), lit(java.sql.Date.valueOf(calibrationEnd)))).count()
        .collectAsList()) {
      int day = r.getInt(0);
      if (day < 1 || day > holdoutDays) {
        throw new IllegalArgumentException("holdout transactions must be dated in (" + calibrationEnd + ", "
            + calibrationEnd.plusDays(holdoutDays) + "], got one " + day + " days after the calibration end");
      }
      daily[day] = r.getLong(1);
    }
    int points = (holdoutDays + 6) / 7;
    double[] times = new double[points];
    double[] cumulative = new double[points];
    long sum = 0;
    for (int d = 1, k = 0; d <= holdoutDays; d++) {
      sum += daily[d];
      if (d % 7 == 0 || d == holdoutDays) {
        times[k] = d / unit.days();
        cumulative[k++] = sum;
      }
    }
    return io.kindred.clv.HoldoutSample.of(x, tx, age, purchases, counts, holdoutDays / unit.days(), times,
        cumulative);
  }

  /** The scoring function: one customer's summary to its predictions. */
  private static final class Score implements UDF5<String, Integer, Double, Double, Double, Row> {
    private static final long serialVersionUID = 1L;
    private final ClvScorer scorer;

    Score(ClvScorer scorer) {
      this.scorer = scorer;
    }

    @Override
    public Row call(String customer, Integer x, Double tx, Double age, Double mbar) {
      CustomerValue v = scorer.score(x, tx, age, mbar);
      double[] values = {v.probabilityAlive(), v.expectedPurchases30(), v.expectedPurchases90(),
          v.expectedPurchases365(), v.expectedAverageSpend(), v.clv()};
      for (int i = 0; i < values.length; i++) {
        if (!Double.isFinite(values[i])) {
          throw new IllegalStateException("CLV " + SCORE_TYPE.fieldNames()[i] + " of customer " + customer
              + " is " + values[i] + " (x = " + x + ", t_x = " + tx + ", T = " + age + ", mbar = " + mbar + ")");
        }
      }
      return RowFactory.create(v.probabilityAlive(), v.expectedPurchases30(), v.expectedPurchases90(),
          v.expectedPurchases365(), v.expectedAverageSpend(), v.clv());
    }
  }
}

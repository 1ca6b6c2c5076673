package io.kindred.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.kindred.lake.Tables;
import io.kindred.lake.Tables.CustomerFeatureColumns;
import io.kindred.lake.Tables.LineageColumns;
import io.kindred.lake.Tables.TransactionColumns;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * RFM features as pure transformations: silver transactions up to an as-of date, then per customer and day, then
 * per customer (recency, frequency, monetary, tenure and the CLV models' summary), then quintile scores and the
 * named segment.
 *
 * <h2>Definitions</h2>
 * <ul>
 *   <li>A <b>purchase day</b> is a UTC day with at least one purchase (a transaction that is not a return); several
 *       purchases on one day are one purchase day, as in the CLV models. A day with only returns is not a purchase
 *       day.</li>
 *   <li><b>Returns</b> are netted out of monetary on the day they are posted, whatever day the returned purchase
 *       was: {@code monetary = gross_amount + returned_amount} over every transaction up to as-of (returns are
 *       negative in silver). So a return never moves a purchase day, recency or frequency, and a snapshot only
 *       sees returns known by its as-of date (point-in-time). {@code monetary} can be negative when a customer
 *       returns purchases made before the data begins.</li>
 *   <li>The CLV summary follows the {@code io.kindred.clv} definition exactly: {@code x} = purchase days - 1,
 *       {@code t_x} = last - first purchase day, {@code T} = as-of - first purchase day (as-of inclusive), and
 *       {@code mbar} = mean gross purchase value of the {@code x} repeat days (purchases only: the spend model
 *       describes what a purchase is worth; returns are in monetary), 0 when {@code x = 0}.</li>
 *   <li>Customers whose transactions up to as-of are all returns have no purchase day and are left out.</li>
 * </ul>
 *
 * <h2>Scores and their tie rule</h2>
 * For each of recency (days), frequency (purchase days) and monetary (net), four cut points {@code c1 <= c2 <= c3 <=
 * c4} are the lower 20/40/60/80% quantiles: {@code c_k} is the smallest value {@code v} such that at least
 * {@code k/5} of the customers have a value {@code <= v} (the order statistic of rank {@code ceil(k n / 5)};
 * Spark's {@code percentile_approx}, exact for inputs smaller than its accuracy, within {@code 1/accuracy} in rank
 * beyond). A value's bucket is {@code 1 + (number of cut points strictly below it)}, so equal values always get
 * equal scores, whatever their order or partitioning; when a value is shared by more than a fifth of the customers
 * some scores are skipped rather than ties split arbitrarily. {@code F = bucket(purchase_days)},
 * {@code M = bucket(monetary)}, {@code R = 6 - bucket(recency_days)} (recent is better).
 */
public final class RfmFeatures {

  /** Columns of the per-customer-day frame, {@link #customerDays}. */
  public static final String DAY = "day";
  public static final String DAY_PURCHASES = "day_purchases";
  public static final String DAY_RETURNS = "day_returns";
  public static final String DAY_PURCHASE_AMOUNT = "day_purchase_amount";
  public static final String DAY_RETURN_AMOUNT = "day_return_amount";
  /**
   * Value of the repeat purchase days net of returns ({@link #netRepeatAmount}), an intermediate of
   * {@link #customerAggregates}: the spend model's input.
   */
  public static final String REPEAT_AMOUNT = "repeat_amount";

  /**
   * The rule by which returns reach value (issue 17): the repeat days' value net of every return, whatever day the
   * return falls on: {@code max(0, gross + returned - first purchase day's gross)}, i.e. the customer's net spend
   * less the first purchase day's value, floored at 0. A return is not linked to the order it cancels, so it nets
   * against the customer's total spend and is charged to the repeat days first; a customer whose returns exceed
   * their repeat purchases has repeat value 0 ({@code clv_mbar = 0}: left out of the Gamma-Gamma fit, and scored
   * with the spend model's expectation at a mean of 0), so a cancelled big order never makes a customer valuable.
   * Without returns it is the repeat days' gross value, as in Fader, Hardie &amp; Lee. The one home of the rule:
   * the full recompute and {@link CustomerState#aggregates} both call it.
   */
  public static Column netRepeatAmount(Column gross, Column returned, Column firstDayGross) {
    return functions.greatest(lit(0).cast(Tables.AMOUNT), gross.plus(returned).minus(firstDayGross))
        .cast(Tables.AMOUNT);
  }

  /** The quintile levels of the four cut points. */
  public static final double[] QUINTILES = {0.2, 0.4, 0.6, 0.8};

  private RfmFeatures() {
  }

  /**
   * Transactions known as of {@code asOf}: dated on or before it and, unless {@code anyDelivery}, delivered
   * ({@code ingest_day}) on or before it, so that a backfill sees what that night saw. {@code anyDelivery} is for
   * history loaded after the fact (a file such as CDNOW delivered once, later than the dates it covers).
   */
  public static Dataset<Row> transactionsAsOf(Dataset<Row> transactions, LocalDate asOf, boolean anyDelivery) {
    Column dated = col(TransactionColumns.TRANSACTION_DATE).leq(lit(asOf));
    return transactions.filter(anyDelivery ? dated : dated.and(col(LineageColumns.INGEST_DAY).leq(lit(asOf))));
  }

  /**
   * One row per customer and day with transactions: {@code customer_id, day, day_purchases, day_returns,
   * day_purchase_amount, day_return_amount} (amounts DECIMAL(18,2); return amounts zero or negative).
   */
  public static Dataset<Row> customerDays(Dataset<Row> transactions) {
    Column isReturn = col(TransactionColumns.IS_RETURN);
    Column amount = col(TransactionColumns.AMOUNT);
    return transactions.groupBy(col(TransactionColumns.CUSTOMER_ID), col(TransactionColumns.TRANSACTION_DATE).as(DAY))
        .agg(sum(when(isReturn, 0L).otherwise(1L)).as(DAY_PURCHASES),
            sum(when(isReturn, 1L).otherwise(0L)).as(DAY_RETURNS),
            sum(when(isReturn, lit(0).cast(Tables.AMOUNT)).otherwise(amount)).cast(Tables.AMOUNT)
                .as(DAY_PURCHASE_AMOUNT),
            sum(when(isReturn, amount).otherwise(lit(0).cast(Tables.AMOUNT))).cast(Tables.AMOUNT)
                .as(DAY_RETURN_AMOUNT));
  }

  /**
   * Per customer with a purchase day up to {@code asOf}, from {@link #customerDays} rows dated up to
   * {@code asOf}: the RFM aggregates ({@link CustomerFeatureColumns}: first and last purchase date, recency,
   * tenure, purchase days, repeat purchase days, transactions, returns, gross, returned, monetary, monetary per
   * day) and {@link #REPEAT_AMOUNT}.
   */
  public static Dataset<Row> customerAggregates(Dataset<Row> customerDays, LocalDate asOf) {
    Column purchaseDay = col(DAY_PURCHASES).gt(0);
    Column purchaseDate = when(purchaseDay, col(DAY));
    Dataset<Row> perCustomer = customerDays.filter(col(DAY).leq(lit(asOf)))
        .groupBy(col(TransactionColumns.CUSTOMER_ID))
        .agg(min(purchaseDate).as(CustomerFeatureColumns.FIRST_PURCHASE_DATE),
            max(purchaseDate).as(CustomerFeatureColumns.LAST_PURCHASE_DATE),
            sum(when(purchaseDay, 1).otherwise(0)).cast(DataTypes.IntegerType)
                .as(CustomerFeatureColumns.PURCHASE_DAYS),
            sum(col(DAY_PURCHASES)).cast(DataTypes.LongType).as(CustomerFeatureColumns.TRANSACTIONS),
            sum(col(DAY_RETURNS)).cast(DataTypes.LongType).as(CustomerFeatureColumns.RETURNS),
            sum(col(DAY_PURCHASE_AMOUNT)).as("_gross"),
            sum(col(DAY_RETURN_AMOUNT)).as("_returned"),
            // the earliest purchase day's value: min over (day, amount) structs orders by day
            min(when(purchaseDay, struct(col(DAY), col(DAY_PURCHASE_AMOUNT)))).getField(DAY_PURCHASE_AMOUNT)
                .as("_first_day_amount"))
        .filter(col(CustomerFeatureColumns.FIRST_PURCHASE_DATE).isNotNull());
    Column monetary = col("_gross").plus(col("_returned"));
    return perCustomer.select(
        col(TransactionColumns.CUSTOMER_ID),
        col(CustomerFeatureColumns.FIRST_PURCHASE_DATE),
        col(CustomerFeatureColumns.LAST_PURCHASE_DATE),
        datediff(lit(asOf), col(CustomerFeatureColumns.LAST_PURCHASE_DATE)).as(CustomerFeatureColumns.RECENCY_DAYS),
        datediff(lit(asOf), col(CustomerFeatureColumns.FIRST_PURCHASE_DATE)).as(CustomerFeatureColumns.TENURE_DAYS),
        col(CustomerFeatureColumns.PURCHASE_DAYS),
        col(CustomerFeatureColumns.PURCHASE_DAYS).minus(1).as(CustomerFeatureColumns.REPEAT_PURCHASE_DAYS),
        col(CustomerFeatureColumns.TRANSACTIONS),
        col(CustomerFeatureColumns.RETURNS),
        col("_gross").cast(Tables.AMOUNT).as(CustomerFeatureColumns.GROSS_AMOUNT),
        col("_returned").cast(Tables.AMOUNT).as(CustomerFeatureColumns.RETURNED_AMOUNT),
        monetary.cast(Tables.AMOUNT).as(CustomerFeatureColumns.MONETARY),
        functions.round(monetary.divide(col(CustomerFeatureColumns.PURCHASE_DAYS)), 2).cast(Tables.AMOUNT)
            .as(CustomerFeatureColumns.MONETARY_PER_DAY),
        netRepeatAmount(col("_gross"), col("_returned"), col("_first_day_amount")).as(REPEAT_AMOUNT));
  }

  /**
   * {@link #customerAggregates} as of {@code asOf} from the rows of {@code transactions} known then
   * ({@link #transactionsAsOf}: point-in-time unless {@code anyDelivery}).
   */
  public static Dataset<Row> aggregatesAsOf(Dataset<Row> transactions, LocalDate asOf, boolean anyDelivery) {
    return customerAggregates(customerDays(transactionsAsOf(transactions, asOf, anyDelivery)), asOf);
  }

  /**
   * The four cut points of recency, frequency and monetary (see the class documentation).
   *
   * @param recency cut points of {@code recency_days}
   * @param frequency cut points of {@code purchase_days}
   * @param monetary cut points of {@code monetary}
   */
  public record CutPoints(double[] recency, double[] frequency, double[] monetary) implements java.io.Serializable {

    public CutPoints {
      for (double[] c : List.of(recency, frequency, monetary)) {
        if (c.length != QUINTILES.length) {
          throw new IllegalArgumentException("expected " + QUINTILES.length + " cut points, got " + c.length);
        }
        for (int i = 1; i < c.length; i++) {
          if (!(c[i - 1] <= c[i])) {
            throw new IllegalArgumentException("cut points must be finite and ascending, got " + Arrays.toString(c));
          }
        }
      }
      recency = recency.clone();
      frequency = frequency.clone();
      monetary = monetary.clone();
    }

    @Override
    public String toString() {
      return "recency " + Arrays.toString(recency) + ", frequency " + Arrays.toString(frequency) + ", monetary "
          + Arrays.toString(monetary);
    }
  }

  /**
   * Computes the cut points of {@link #customerAggregates} rows with {@code percentile_approx} at {@code accuracy}
   * (one pass, one row back).
   *
   * @throws IllegalArgumentException when there are no customers (nothing to score)
   */
  public static CutPoints cutPoints(Dataset<Row> aggregates, int accuracy) {
    Column levels = functions.array(Arrays.stream(QUINTILES).mapToObj(functions::lit).toArray(Column[]::new));
    Row row = aggregates.agg(
        functions.percentile_approx(col(CustomerFeatureColumns.RECENCY_DAYS).cast("double"), levels, lit(accuracy)),
        functions.percentile_approx(col(CustomerFeatureColumns.PURCHASE_DAYS).cast("double"), levels,
            lit(accuracy)),
        functions.percentile_approx(col(CustomerFeatureColumns.MONETARY).cast("double"), levels, lit(accuracy)))
        .first();
    if (row.isNullAt(0)) {
      throw new IllegalArgumentException("No customer has a purchase day: cannot compute RFM quintiles");
    }
    return new CutPoints(doubles(row.getList(0)), doubles(row.getList(1)), doubles(row.getList(2)));
  }

  private static double[] doubles(List<Object> values) {
    return values.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
  }

  /** {@code 1 + (number of cut points strictly below value)}: 1..5. */
  static Column bucket(Column value, double[] cuts) {
    Column out = lit(1);
    for (double cut : cuts) {
      out = out.plus(when(value.cast("double").gt(cut), 1).otherwise(0));
    }
    return out;
  }

  /** Adds {@code r_score}, {@code f_score}, {@code m_score} (1..5) to {@link #customerAggregates} rows. */
  public static Dataset<Row> withRfmScores(Dataset<Row> aggregates, CutPoints cuts) {
    return aggregates
        .withColumn(CustomerFeatureColumns.R_SCORE,
            lit(6).minus(bucket(col(CustomerFeatureColumns.RECENCY_DAYS), cuts.recency())))
        .withColumn(CustomerFeatureColumns.F_SCORE, bucket(col(CustomerFeatureColumns.PURCHASE_DAYS),
            cuts.frequency()))
        .withColumn(CustomerFeatureColumns.M_SCORE, bucket(col(CustomerFeatureColumns.MONETARY), cuts.monetary()));
  }

  /** Adds {@code rfm_segment}, the segment of each row's (R, F) cell. */
  public static Dataset<Row> withRfmSegment(Dataset<Row> scored, RfmSegments segments) {
    return scored.withColumn(CustomerFeatureColumns.RFM_SEGMENT,
        segments.segmentColumn(CustomerFeatureColumns.R_SCORE, CustomerFeatureColumns.F_SCORE));
  }
}

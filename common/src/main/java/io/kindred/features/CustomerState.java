package io.kindred.features;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.kindred.lake.Tables;
import io.kindred.lake.Tables.CustomerFeatureColumns;
import io.kindred.lake.Tables.CustomerStateColumns;
import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * The incremental form of {@link RfmFeatures#customerAggregates}: a per-customer state
 * ({@link Tables#GOLD_CUSTOMER_STATE}) that a night folds its deliveries into, so that a night reads the previous
 * state and the new rows instead of all history.
 *
 * <p>The state holds what does not depend on the as-of date: the distinct purchase days (so that a late purchase
 * on a day already counted does not count again, and a late purchase on an earlier day becomes the first), the
 * first purchase day's gross value, and the running counts and sums. Recency, tenure and T are derived from it for
 * the as-of date ({@link #aggregates}). For every night D, folding the deliveries of nights in (P, D] into the state
 * of night P gives exactly the aggregates of a full recompute over rows delivered by D (checked by
 * {@code CustomerStateTest}); a customer whose rows so far are all returns is kept in the state (a later purchase
 * may follow) and left out of the aggregates, as in the full recompute.
 */
public final class CustomerState {

  private static final String P_CUSTOMER = "_p_customer";
  private static final String D_CUSTOMER = "_d_customer";
  private static final String NEW_DAYS = "_new_days";
  private static final String NEW_FIRST = "_new_first";
  private static final String D_TRANSACTIONS = "_d_transactions";
  private static final String D_RETURNS = "_d_returns";
  private static final String D_GROSS = "_d_gross";
  private static final String D_RETURNED = "_d_returned";

  private CustomerState() {
  }

  /**
   * Folds {@code deliveries} (silver transactions delivered after the night of {@code prior} and by
   * {@code asOf}) into {@code prior} (state rows of one night, possibly none), giving the state of night
   * {@code asOf}.
   */
  public static Dataset<Row> fold(Dataset<Row> prior, Dataset<Row> deliveries, LocalDate asOf) {
    Column purchaseDay = col(RfmFeatures.DAY_PURCHASES).gt(0);
    Dataset<Row> delta = RfmFeatures.customerDays(deliveries)
        .groupBy(col(CustomerStateColumns.CUSTOMER_ID))
        .agg(collect_list(when(purchaseDay, col(RfmFeatures.DAY))).as(NEW_DAYS),
            min(when(purchaseDay, struct(col(RfmFeatures.DAY), col(RfmFeatures.DAY_PURCHASE_AMOUNT)))).as(NEW_FIRST),
            sum(col(RfmFeatures.DAY_PURCHASES)).as(D_TRANSACTIONS),
            sum(col(RfmFeatures.DAY_RETURNS)).as(D_RETURNS),
            sum(col(RfmFeatures.DAY_PURCHASE_AMOUNT)).as(D_GROSS),
            sum(col(RfmFeatures.DAY_RETURN_AMOUNT)).as(D_RETURNED));
    // distinct names on both sides: prior and deliveries may share lineage (a self-join for the analyzer)
    Dataset<Row> joined = prior.drop(CustomerStateColumns.AS_OF)
        .withColumnRenamed(CustomerStateColumns.CUSTOMER_ID, P_CUSTOMER)
        .join(delta.withColumnRenamed(CustomerStateColumns.CUSTOMER_ID, D_CUSTOMER),
            col(P_CUSTOMER).equalTo(col(D_CUSTOMER)), "full_outer")
        .withColumn(CustomerStateColumns.CUSTOMER_ID, coalesce(col(P_CUSTOMER), col(D_CUSTOMER)));

    Column emptyDays = functions.array().cast(DataTypes.createArrayType(DataTypes.DateType));
    Column priorDays = coalesce(col(CustomerStateColumns.PURCHASE_DAY_LIST), emptyDays);
    Column days = array_sort(array_distinct(concat(priorDays, coalesce(col(NEW_DAYS), emptyDays))));
    Column priorFirst = try_element_at(priorDays, lit(1));
    Column newFirstDay = col(NEW_FIRST).getField(RfmFeatures.DAY);
    Column newFirstAmount = col(NEW_FIRST).getField(RfmFeatures.DAY_PURCHASE_AMOUNT);
    Column priorAmount = coalesce(col(CustomerStateColumns.FIRST_DAY_AMOUNT), zero());
    // the first day's value: unchanged unless the deliveries bring a purchase on the first day or before it
    Column firstDayAmount = when(col(NEW_FIRST).isNull(), priorAmount)
        .when(priorFirst.isNull().or(newFirstDay.lt(priorFirst)), newFirstAmount)
        .when(newFirstDay.equalTo(priorFirst), priorAmount.plus(newFirstAmount))
        .otherwise(priorAmount);
    return joined.select(
        lit(Date.valueOf(asOf)).as(CustomerStateColumns.AS_OF),
        col(CustomerStateColumns.CUSTOMER_ID),
        days.as(CustomerStateColumns.PURCHASE_DAY_LIST),
        firstDayAmount.cast(Tables.AMOUNT).as(CustomerStateColumns.FIRST_DAY_AMOUNT),
        plus(CustomerStateColumns.TRANSACTIONS, D_TRANSACTIONS, lit(0L)).cast(DataTypes.LongType)
            .as(CustomerStateColumns.TRANSACTIONS),
        plus(CustomerStateColumns.RETURNS, D_RETURNS, lit(0L)).cast(DataTypes.LongType)
            .as(CustomerStateColumns.RETURNS),
        plus(CustomerStateColumns.GROSS_AMOUNT, D_GROSS, zero()).cast(Tables.AMOUNT)
            .as(CustomerStateColumns.GROSS_AMOUNT),
        plus(CustomerStateColumns.RETURNED_AMOUNT, D_RETURNED, zero()).cast(Tables.AMOUNT)
            .as(CustomerStateColumns.RETURNED_AMOUNT));
  }

  /**
   * How many transactions the fold of night {@code asOf} took in: the transactions and returns its state counts
   * less those of the state of {@code priorNight} (null: none), from the two partitions of {@code states}.
   */
  public static long transactionsFolded(Dataset<Row> states, LocalDate priorNight, LocalDate asOf) {
    Column night = col(CustomerStateColumns.AS_OF);
    Column counted = col(CustomerStateColumns.TRANSACTIONS).plus(col(CustomerStateColumns.RETURNS));
    Column tonight = night.equalTo(lit(Date.valueOf(asOf)));
    Column nights = priorNight == null ? tonight : tonight.or(night.equalTo(lit(Date.valueOf(priorNight))));
    Row sum = states.filter(nights).agg(sum(when(tonight, counted).otherwise(counted.multiply(-1)))).first();
    return sum.isNullAt(0) ? 0 : sum.getLong(0);
  }

  private static Column zero() {
    return lit(0).cast(Tables.AMOUNT);
  }

  private static Column plus(String priorColumn, String deltaColumn, Column zero) {
    return coalesce(col(priorColumn), zero).plus(coalesce(col(deltaColumn), zero));
  }

  /**
   * The {@link RfmFeatures#customerAggregates} of a state for {@code asOf} (same columns and types): customers
   * with at least one purchase day.
   */
  public static Dataset<Row> aggregates(Dataset<Row> state, LocalDate asOf) {
    Column days = col(CustomerStateColumns.PURCHASE_DAY_LIST);
    Column first = try_element_at(days, lit(1));
    Column last = try_element_at(days, lit(-1));
    Column purchaseDays = size(days);
    Column monetary = col(CustomerStateColumns.GROSS_AMOUNT).plus(col(CustomerStateColumns.RETURNED_AMOUNT));
    return state.filter(purchaseDays.gt(0)).select(
        col(CustomerStateColumns.CUSTOMER_ID),
        first.as(CustomerFeatureColumns.FIRST_PURCHASE_DATE),
        last.as(CustomerFeatureColumns.LAST_PURCHASE_DATE),
        datediff(lit(asOf), last).as(CustomerFeatureColumns.RECENCY_DAYS),
        datediff(lit(asOf), first).as(CustomerFeatureColumns.TENURE_DAYS),
        purchaseDays.as(CustomerFeatureColumns.PURCHASE_DAYS),
        purchaseDays.minus(1).as(CustomerFeatureColumns.REPEAT_PURCHASE_DAYS),
        col(CustomerStateColumns.TRANSACTIONS),
        col(CustomerStateColumns.RETURNS),
        col(CustomerStateColumns.GROSS_AMOUNT),
        col(CustomerStateColumns.RETURNED_AMOUNT),
        monetary.cast(Tables.AMOUNT).as(CustomerFeatureColumns.MONETARY),
        functions.round(monetary.divide(purchaseDays), 2).cast(Tables.AMOUNT)
            .as(CustomerFeatureColumns.MONETARY_PER_DAY),
        RfmFeatures.netRepeatAmount(col(CustomerStateColumns.GROSS_AMOUNT),
            col(CustomerStateColumns.RETURNED_AMOUNT), col(CustomerStateColumns.FIRST_DAY_AMOUNT))
            .as(RfmFeatures.REPEAT_AMOUNT));
  }
}

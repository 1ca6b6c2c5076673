package io.kindred.measure;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.kindred.lake.Tables.AudienceMembershipColumns;
import io.kindred.lake.Tables.CustomerFeatureColumns;
import io.kindred.lake.Tables.TransactionColumns;
import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What the customers of each audience cohort did after entering it: the sums a lift is computed from.
 *
 * <p>A cohort is the customers who entered an audience on one night (a stay of gold/audience_membership beginning
 * then), split by their group. Each customer's outcomes count from the day after entry to the night measured,
 * whether or not the customer is still in the audience: the comparison is by assignment (intention to treat), so
 * treatment and control are compared over the same days and a campaign that moves customers out of an audience
 * (an at-risk customer who buys again) does not bias it.
 */
public final class AudienceOutcomes {

  /** Columns of {@link #cohortSums}. */
  public static final String CUSTOMERS = "customers";
  public static final String CONVERTED = "converted";
  public static final String PURCHASES = "purchases";
  public static final String PURCHASES_SQUARED = "purchases_squared";
  public static final String REVENUE = "revenue";
  public static final String REVENUE_SQUARED = "revenue_squared";
  public static final String CLV_CUSTOMERS = "clv_customers";
  public static final String CLV_CHANGE = "clv_change";
  public static final String CLV_CHANGE_SQUARED = "clv_change_squared";

  private AudienceOutcomes() {
  }

  /**
   * Per audience, cohort night ({@code from_date}) and group: the customers, those who bought at least once
   * (converted), and the sum and sum of squares of each customer's purchases (transactions that are not returns)
   * and net revenue (purchases less returns, in USD), over the days {@code from_date + 1 .. asOf}; and, over the
   * customers with features on both nights, the count, sum and sum of squares of the change in CLV from the night
   * of entry to {@code asOf}. Cohorts are the nights {@code asOf - windowDays .. asOf - 1}: each has at least one
   * day observed.
   *
   * @param membership gold/audience_membership
   * @param transactions silver/transactions
   * @param features gold/customer_features (every night)
   */
  public static Dataset<Row> cohortSums(Dataset<Row> membership, Dataset<Row> transactions, Dataset<Row> features,
      LocalDate asOf, int windowDays) {
    Column first = lit(Date.valueOf(asOf.minusDays(windowDays)));
    Column last = lit(Date.valueOf(asOf));
    Dataset<Row> cohorts = membership
        .filter(col(AudienceMembershipColumns.FROM_DATE).geq(first).and(col(AudienceMembershipColumns.FROM_DATE)
            .lt(last)))
        .select(col(AudienceMembershipColumns.CUSTOMER_ID).as("m_customer"), col(AudienceMembershipColumns.AUDIENCE),
            col(AudienceMembershipColumns.AUDIENCE_GROUP), col(AudienceMembershipColumns.FROM_DATE));
    // one row per customer and day before the join: a day's purchases and net revenue
    Dataset<Row> days = transactions
        .filter(col(TransactionColumns.TRANSACTION_DATE).gt(first).and(col(TransactionColumns.TRANSACTION_DATE)
            .leq(last)))
        .groupBy(col(TransactionColumns.CUSTOMER_ID), col(TransactionColumns.TRANSACTION_DATE))
        .agg(count(when(not(col(TransactionColumns.IS_RETURN)), lit(1))).as(PURCHASES),
            sum(col(TransactionColumns.AMOUNT)).cast("double").as(REVENUE));
    Dataset<Row> perCustomer = cohorts.join(days, col("m_customer").equalTo(col(TransactionColumns.CUSTOMER_ID))
            .and(col(TransactionColumns.TRANSACTION_DATE).gt(col(AudienceMembershipColumns.FROM_DATE))), "left")
        .groupBy(col(AudienceMembershipColumns.AUDIENCE), col(AudienceMembershipColumns.FROM_DATE),
            col(AudienceMembershipColumns.AUDIENCE_GROUP), col("m_customer"))
        .agg(coalesce(sum(col(PURCHASES)), lit(0L)).cast("double").as(PURCHASES),
            coalesce(sum(col(REVENUE)), lit(0.0)).as(REVENUE));
    // CLV on the night of entry and on the night measured: the features of those nights alone are read
    Dataset<Row> clv = features.filter(col(CustomerFeatureColumns.AS_OF).geq(first).and(col(CustomerFeatureColumns
        .AS_OF).leq(last))).select(col(CustomerFeatureColumns.CUSTOMER_ID).as("f_customer"),
            col(CustomerFeatureColumns.AS_OF).as("f_as_of"), col(CustomerFeatureColumns.CLV).as("f_clv"));
    Dataset<Row> atEntry = clv.select(col("f_customer").as("e_customer"), col("f_as_of").as("e_as_of"),
        col("f_clv").as("e_clv"));
    Dataset<Row> atEnd = clv.filter(col("f_as_of").equalTo(last)).select(col("f_customer").as("d_customer"),
        col("f_clv").as("d_clv"));
    Dataset<Row> withClv = perCustomer
        .join(atEntry, col("m_customer").equalTo(col("e_customer"))
            .and(col(AudienceMembershipColumns.FROM_DATE).equalTo(col("e_as_of"))), "left")
        .join(atEnd, col("m_customer").equalTo(col("d_customer")), "left")
        .withColumn(CLV_CHANGE, col("d_clv").minus(col("e_clv")));
    return withClv.groupBy(col(AudienceMembershipColumns.AUDIENCE), col(AudienceMembershipColumns.FROM_DATE),
            col(AudienceMembershipColumns.AUDIENCE_GROUP))
        .agg(count(lit(1)).as(CUSTOMERS), count(when(col(PURCHASES).gt(0), lit(1))).as(CONVERTED),
            sum(col(PURCHASES)).as(PURCHASES), sum(col(PURCHASES).multiply(col(PURCHASES))).as(PURCHASES_SQUARED),
            sum(col(REVENUE)).as(REVENUE), sum(col(REVENUE).multiply(col(REVENUE))).as(REVENUE_SQUARED),
            count(col(CLV_CHANGE)).as(CLV_CUSTOMERS), coalesce(sum(col(CLV_CHANGE)), lit(0.0)).as(CLV_CHANGE),
            coalesce(sum(col(CLV_CHANGE).multiply(col(CLV_CHANGE))), lit(0.0)).as(CLV_CHANGE_SQUARED));
  }
}

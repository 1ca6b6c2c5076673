package io.kindred.jobs;

import static org.apache.spark.sql.functions.col;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import io.kindred.jobs.cli.CommonOptions;
import io.kindred.jobs.cli.JobContext;
import io.kindred.jobs.cli.KindredCommand;
import io.kindred.lake.DeltaWrites;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.TableDef;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.AudienceColumns;
import io.kindred.lake.Tables.AudienceLiftColumns;
import io.kindred.lake.Tables.AudienceMembershipColumns;
import io.kindred.measure.AudienceOutcomes;
import io.kindred.measure.Lift;
import io.kindred.ops.RunMetrics;
import java.sql.Date;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;

/**
 * {@code kindred measure-audiences}: the lift each audience earned, its treatment group against its control group.
 *
 * <p>Reads {@code gold/audience_membership} (kept by publish-audiences), {@code silver/transactions} and
 * {@code gold/customer_features} (CLV on the night of entry and on D). For each
 * audience and each cohort (the customers who entered it on one of the {@code --window} nights before the run date),
 * compares treatment with control over the same days, from the day after entry to the run date (by assignment: see
 * {@link AudienceOutcomes}), on four metrics: conversion rate (bought at least once), purchases per customer, net
 * revenue per customer (USD) and the change in CLV per customer (USD, from the night of entry to D). Absolute and
 * relative lift with their intervals and the p-value are {@link Lift}'s: Newcombe's hybrid score interval and Katz's
 * log interval for the rate, Welch's t and the delta method for the means. A metric of a cohort whose treatment or
 * control group has fewer than {@code kindred.audiences.measure.min-group-customers} customers with a value of it
 * is written with {@code status = too_small} and no lift: an interval from a handful of customers would mislead.
 *
 * <p>Writes the {@code as_of = D} partition of {@code gold/audience_lift} (replaced in one commit; one row per
 * audience, cohort and metric) and one row of {@code ops/run_metrics} (rows in = lift rows computed = rows written).
 * A re-run of the same date is safe: it replaces that date's rows.
 *
 * <p>Example: {@code ./kindred measure-audiences --run-date 2026-03-31 --window 30}
 */
@Parameters(commandNames = "measure-audiences", commandDescription = "Measure each audience's lift for a run date: "
    + "treatment against control for the cohorts that entered it in the window, written to gold/audience_lift.")
public final class MeasureAudiencesCommand implements KindredCommand {

  /** The metrics measured, in the order of each cohort's rows. */
  static final List<String> METRICS = List.of(AudienceLiftColumns.CONVERSION_RATE,
      AudienceLiftColumns.PURCHASES_PER_CUSTOMER, AudienceLiftColumns.NET_REVENUE_PER_CUSTOMER,
      AudienceLiftColumns.CLV_CHANGE_PER_CUSTOMER);

  @ParametersDelegate
  private final CommonOptions common = new CommonOptions();

  @Parameter(names = "--window", description = "Cohorts measured: customers who entered an audience on one of this "
      + "many nights before the run date (default: kindred.audiences.measure.window-days).")
  private Integer window;

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public List<String> upstream() {
    return List.of("clean-transactions", "build-features", "publish-audiences");
  }

  /** Sets {@code --window}. */
  public MeasureAudiencesCommand window(int days) {
    this.window = days;
    return this;
  }

  @Override
  public void run(JobContext context) throws Exception {
    measure(context);
  }

  /** Runs the job; returns its metrics. */
  public RunMetrics measure(JobContext context) throws Exception {
    SparkSession spark = context.spark();
    Lakehouse lake = context.lake();
    LocalDate date = context.runDate();
    int days = window != null ? window : context.config().getInt("audiences.measure.window-days");
    if (days < 1) {
      throw new IllegalArgumentException("--window is " + days + "; expected at least 1 night");
    }
    int minGroup = context.config().getInt("audiences.measure.min-group-customers");
    double confidence = context.config().getDouble("audiences.measure.confidence");
    return context.accounted(m -> {
      Map<TableDef, String> makers = new java.util.LinkedHashMap<>();
      makers.put(Tables.GOLD_AUDIENCE_MEMBERSHIP, "publish-audiences");
      makers.put(Tables.SILVER_TRANSACTIONS, "clean-transactions");
      makers.put(Tables.GOLD_CUSTOMER_FEATURES, "build-features");
      for (Map.Entry<TableDef, String> e : makers.entrySet()) {
        if (!lake.exists(spark, e.getKey())) {
          throw new IllegalStateException(e.getKey().relativePath() + " does not exist in " + lake + ": run "
              + e.getValue() + " first");
        }
      }
      Dataset<Row> sums = AudienceOutcomes.cohortSums(lake.read(spark, Tables.GOLD_AUDIENCE_MEMBERSHIP),
          lake.read(spark, Tables.SILVER_TRANSACTIONS), lake.read(spark, Tables.GOLD_CUSTOMER_FEATURES), date, days);
      List<Row> groups = context.steps().run("sum outcomes of the cohorts of " + date.minusDays(days) + " .. "
          + date.minusDays(1), () -> sums.orderBy(col(AudienceMembershipColumns.AUDIENCE),
              col(AudienceMembershipColumns.FROM_DATE)).collectAsList());
      Map<String, Row[]> cohorts = new TreeMap<>();
      long customers = 0;
      for (Row r : groups) {
        String key = r.getAs(AudienceMembershipColumns.AUDIENCE) + "\u0001"
            + r.getAs(AudienceMembershipColumns.FROM_DATE);
        boolean control = AudienceColumns.CONTROL.equals(r.getAs(AudienceMembershipColumns.AUDIENCE_GROUP));
        cohorts.computeIfAbsent(key, k -> new Row[2])[control ? 1 : 0] = r;
        customers += r.<Long>getAs(AudienceOutcomes.CUSTOMERS);
      }
      List<Row> rows = new ArrayList<>();
      int measured = 0;
      for (Row[] pair : cohorts.values()) {
        List<Row> lifts = liftRows(pair[0], pair[1], date, minGroup, confidence, context.runId());
        rows.addAll(lifts);
        if (AudienceLiftColumns.MEASURED.equals(lifts.get(0).getAs(AudienceLiftColumns.STATUS))) {
          measured++;
        }
        logCohort(context, lifts, confidence);
      }
      Dataset<Row> out = spark.createDataFrame(rows, Tables.GOLD_AUDIENCE_LIFT.schema());
      context.steps().run("write " + Tables.GOLD_AUDIENCE_LIFT.relativePath(), () -> DeltaWrites.replace(
          spark, lake, Tables.GOLD_AUDIENCE_LIFT, out, AudienceLiftColumns.AS_OF + " = DATE'" + date + "'"));
      long audiences = cohorts.keySet().stream().map(k -> k.substring(0, k.indexOf('\u0001'))).distinct().count();
      context.log().info(String.format(java.util.Locale.ROOT, "%,d cohorts of %,d audiences measured over the nights "
          + "%s .. %s (%,d customers); %,d too small to measure (a group under %,d customers)", cohorts.size(),
          audiences, date.minusDays(days), date.minusDays(1), customers, cohorts.size() - measured, minGroup));
      m.addRowsIn(rows.size()).addRowsWritten(rows.size()).detail("cohorts", cohorts.size())
          .detail("cohorts_too_small", cohorts.size() - measured).detail("customers", customers)
          .detail("window_days", days);
    });
  }

  /** The rows of one cohort, one per metric; {@code treatment} or {@code control} null when that group is empty. */
  static List<Row> liftRows(Row treatment, Row control, LocalDate asOf, int minGroup, double confidence,
      String runId) {
    Row any = treatment != null ? treatment : control;
    String audience = any.getAs(AudienceMembershipColumns.AUDIENCE);
    Date cohort = any.getAs(AudienceMembershipColumns.FROM_DATE);
    int observed = (int) ChronoUnit.DAYS.between(cohort.toLocalDate(), asOf);
    List<Row> rows = new ArrayList<>();
    for (String metric : METRICS) {
      String counted = metric.equals(AudienceLiftColumns.CLV_CHANGE_PER_CUSTOMER) ? AudienceOutcomes.CLV_CUSTOMERS
          : AudienceOutcomes.CUSTOMERS;
      long nT = count(treatment, counted);
      long nC = count(control, counted);
      boolean enough = nT >= minGroup && nC >= minGroup;
      Double valueT = value(treatment, metric);
      Double valueC = value(control, metric);
      Lift.Estimate e = null;
      if (enough) {
        e = switch (metric) {
          case AudienceLiftColumns.CONVERSION_RATE -> Lift.proportions(count(treatment, AudienceOutcomes.CONVERTED),
              nT, count(control, AudienceOutcomes.CONVERTED), nC, confidence);
          case AudienceLiftColumns.PURCHASES_PER_CUSTOMER -> Lift.means(nT,
              sum(treatment, AudienceOutcomes.PURCHASES), sum(treatment, AudienceOutcomes.PURCHASES_SQUARED), nC,
              sum(control, AudienceOutcomes.PURCHASES), sum(control, AudienceOutcomes.PURCHASES_SQUARED), confidence);
          case AudienceLiftColumns.NET_REVENUE_PER_CUSTOMER -> Lift.means(nT, sum(treatment, AudienceOutcomes.REVENUE),
              sum(treatment, AudienceOutcomes.REVENUE_SQUARED), nC, sum(control, AudienceOutcomes.REVENUE),
              sum(control, AudienceOutcomes.REVENUE_SQUARED), confidence);
          default -> Lift.means(nT, sum(treatment, AudienceOutcomes.CLV_CHANGE),
              sum(treatment, AudienceOutcomes.CLV_CHANGE_SQUARED), nC, sum(control, AudienceOutcomes.CLV_CHANGE),
              sum(control, AudienceOutcomes.CLV_CHANGE_SQUARED), confidence);
        };
      }
      rows.add(new GenericRowWithSchema(new Object[] {Date.valueOf(asOf), audience, cohort, observed, metric, nT, nC,
          valueT, valueC,
          e == null ? null : finite(e.absolute()), e == null ? null : finite(e.absoluteLow()),
          e == null ? null : finite(e.absoluteHigh()), e == null ? null : finite(e.relative()),
          e == null ? null : finite(e.relativeLow()), e == null ? null : finite(e.relativeHigh()),
          e == null ? null : finite(e.pValue()), enough ? AudienceLiftColumns.MEASURED : AudienceLiftColumns.TOO_SMALL,
          runId}, Tables.GOLD_AUDIENCE_LIFT.schema()));
    }
    return rows;
  }

  private static long count(Row group, String column) {
    return group == null ? 0 : group.<Long>getAs(column);
  }

  private static double sum(Row group, String column) {
    return group == null ? 0 : group.<Double>getAs(column);
  }

  /** A group's value of the metric: its rate or mean; null for a group without a value of it. */
  private static Double value(Row group, String metric) {
    long n = count(group, AudienceOutcomes.CUSTOMERS);
    long withClv = count(group, AudienceOutcomes.CLV_CUSTOMERS);
    return switch (metric) {
      case AudienceLiftColumns.CONVERSION_RATE -> n == 0 ? null
          : (double) count(group, AudienceOutcomes.CONVERTED) / n;
      case AudienceLiftColumns.PURCHASES_PER_CUSTOMER -> n == 0 ? null : sum(group, AudienceOutcomes.PURCHASES) / n;
      case AudienceLiftColumns.NET_REVENUE_PER_CUSTOMER -> n == 0 ? null : sum(group, AudienceOutcomes.REVENUE) / n;
      default -> withClv == 0 ? null : sum(group, AudienceOutcomes.CLV_CHANGE) / withClv;
    };
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  private static void logCohort(JobContext context, List<Row> rows, double confidence) {
    Row conversion = rows.get(0);
    Row revenue = rows.get(2);
    String audience = conversion.getAs(AudienceLiftColumns.AUDIENCE);
    Object cohort = conversion.getAs(AudienceLiftColumns.COHORT_DATE);
    long nT = conversion.getAs(AudienceLiftColumns.TREATMENT_CUSTOMERS);
    long nC = conversion.getAs(AudienceLiftColumns.CONTROL_CUSTOMERS);
    if (!AudienceLiftColumns.MEASURED.equals(conversion.getAs(AudienceLiftColumns.STATUS))) {
      context.log().info("audience \"{}\", cohort {}: {} treatment and {} control customers, too few to measure",
          audience, cohort, nT, nC);
      return;
    }
    context.log().info(String.format(java.util.Locale.ROOT, "audience \"%s\", cohort %s (%d days): %,d treatment, "
        + "%,d control customers; conversion %.1f%% vs %.1f%% (%+.1f points, %.0f%% interval %+.1f to %+.1f); net "
        + "revenue per customer $%,.2f vs $%,.2f", audience, cohort, conversion.<Integer>getAs(
            AudienceLiftColumns.DAYS_OBSERVED), nT, nC,
        100 * conversion.<Double>getAs(AudienceLiftColumns.TREATMENT_VALUE),
        100 * conversion.<Double>getAs(AudienceLiftColumns.CONTROL_VALUE),
        100 * conversion.<Double>getAs(AudienceLiftColumns.ABSOLUTE_LIFT), 100 * confidence,
        100 * conversion.<Double>getAs(AudienceLiftColumns.ABSOLUTE_LIFT_LOW),
        100 * conversion.<Double>getAs(AudienceLiftColumns.ABSOLUTE_LIFT_HIGH),
        revenue.<Double>getAs(AudienceLiftColumns.TREATMENT_VALUE),
        revenue.<Double>getAs(AudienceLiftColumns.CONTROL_VALUE)));
  }
}

package io.kindred.report;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.kindred.lake.Tables;
import io.kindred.lake.Tables.AudienceLiftColumns;
import io.kindred.lake.Tables.ChurnModelColumns;
import io.kindred.lake.Tables.ClvHoldoutColumns;
import io.kindred.lake.Tables.ClvModelColumns;
import io.kindred.lake.Tables.CustomerFeatureColumns;
import io.kindred.lake.Tables.CustomerSegmentColumns;
import io.kindred.lake.Tables.MembershipChangeColumns;
import io.kindred.lake.Tables.RunMetricsColumns;
import io.kindred.lake.Tables.SegmentProfileColumns;
import io.kindred.lake.Tables.SocialFeatureColumns;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The report's sections, each from the rows of the tables it reads (filtered to the night by the caller). Spark
 * aggregates each table down to a handful of rows (per segment, per RFM cell, per run); only those reach the driver.
 */
public final class ReportSections {

  /** The reporting currency of every amount in the gold tables. */
  public static final String CURRENCY = "USD";

  private ReportSections() {
  }

  private static double min(double[] values) {
    return java.util.Arrays.stream(values).filter(v -> !Double.isNaN(v)).min().orElse(Double.NaN);
  }

  /** A double column's value, NaN when null (shown as "-"). */
  private static double value(Row row, String column) {
    Object v = row.getAs(column);
    return v == null ? Double.NaN : ((Number) v).doubleValue();
  }

  /** Segments of the night: size, revenue share, value, and a profile of each (gold/segment_profiles at D). */
  public static Section segments(Dataset<Row> profiles) {
    Section section = new Section("segments", "Segments", "Every customer with a purchase is in one segment. The "
        + "bars compare the segments' size, their share of revenue and the lifetime value (CLV) of their average "
        + "customer; the table shows what sets each segment apart. A segment's name says its value and its "
        + "activity, the two things its customers have most in common.");
    List<Row> rows = profiles.orderBy(col(SegmentProfileColumns.CUSTOMERS).desc()).collectAsList();
    if (rows.isEmpty()) {
      return section.paragraph("No segment profiles for this night: run score-segments first.");
    }
    List<String> names = new ArrayList<>();
    double[] customers = new double[rows.size()];
    double[] revenueShare = new double[rows.size()];
    double[] clv = new double[rows.size()];
    List<String> customerText = new ArrayList<>();
    List<String> revenueText = new ArrayList<>();
    List<String> clvText = new ArrayList<>();
    List<List<String>> table = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      names.add(r.getAs(SegmentProfileColumns.SEGMENT_NAME));
      customers[i] = r.<Long>getAs(SegmentProfileColumns.CUSTOMERS);
      revenueShare[i] = value(r, SegmentProfileColumns.REVENUE_SHARE);
      clv[i] = value(r, SegmentProfileColumns.CLV_MEAN);
      customerText.add(Readable.count((long) customers[i]) + " (" + Readable.percent(
          value(r, SegmentProfileColumns.CUSTOMER_SHARE)) + ")");
      revenueText.add(Readable.percent(revenueShare[i]));
      clvText.add(Readable.money(clv[i], CURRENCY));
      table.add(List.of(names.get(i), Readable.count((long) customers[i]),
          Readable.percent(value(r, SegmentProfileColumns.PROBABILITY_ALIVE_MEAN)),
          Readable.percent(value(r, SegmentProfileColumns.CHURN_PROBABILITY_MEAN)),
          Readable.number(value(r, SegmentProfileColumns.RECENCY_DAYS_MEAN), 0),
          Readable.number(value(r, SegmentProfileColumns.PURCHASE_DAYS_MEAN), 1),
          Readable.money(value(r, SegmentProfileColumns.MONETARY_PER_DAY_MEAN), CURRENCY),
          Readable.percent(value(r, SegmentProfileColumns.RETURN_RATE))));
    }
    return section
        .chart("Customers per segment (share of all scored customers).",
            Svg.bars("Customers per segment", names, customers, customerText, Svg.PALETTE.get(0)))
        .chart("Share of the revenue to date that each segment's customers brought.",
            Svg.bars("Revenue share per segment", names, revenueShare, revenueText, Svg.PALETTE.get(1)))
        .chart("Predicted lifetime value of the average customer of each segment.",
            Svg.bars("Mean CLV per segment", names, clv, clvText, Svg.PALETTE.get(2)))
        .table(List.of("Segment", "Customers", "Still active (P alive)", "Churn probability", "Days since last "
            + "purchase", "Purchase days", "Spend per purchase day", "Return rate"), table);
  }

  /** The RFM grid: customers and revenue per recency x frequency score (gold/customer_features at D). */
  public static Section rfm(Dataset<Row> features) {
    Section section = new Section("rfm", "RFM: recency and frequency", "Each customer scores 1 to 5 on recency (5: "
        + "bought most recently) and frequency (5: buys most often), by quintiles of the night's customers. Each "
        + "cell shows its most common RFM segment, its customers and their revenue to date; the darker the cell, "
        + "the more customers. Champions sit top right, customers slipping away bottom right.");
    List<Row> cells = features.groupBy(col(CustomerFeatureColumns.R_SCORE), col(CustomerFeatureColumns.F_SCORE),
            col(CustomerFeatureColumns.RFM_SEGMENT))
        .agg(count(lit(1)).as("customers"), sum(col(CustomerFeatureColumns.MONETARY)).cast("double").as("revenue"))
        .collectAsList();
    if (cells.isEmpty()) {
      return section.paragraph("No customer features for this night: run build-features first.");
    }
    double[][] customers = new double[5][5];
    double[][] revenue = new double[5][5];
    Map<String, Long> bestCount = new TreeMap<>();
    String[][] name = new String[5][5];
    for (Row r : cells) {
      int row = 5 - r.<Integer>getAs(CustomerFeatureColumns.R_SCORE);
      int column = r.<Integer>getAs(CustomerFeatureColumns.F_SCORE) - 1;
      long n = r.getAs("customers");
      customers[row][column] += n;
      revenue[row][column] += r.<Double>getAs("revenue");
      String key = row + "," + column;
      if (n > bestCount.getOrDefault(key, -1L)) {
        bestCount.put(key, n);
        name[row][column] = Readable.words(r.getAs(CustomerFeatureColumns.RFM_SEGMENT));
      }
    }
    String[][] texts = new String[5][5];
    for (int row = 0; row < 5; row++) {
      for (int column = 0; column < 5; column++) {
        texts[row][column] = customers[row][column] == 0 ? "" : name[row][column] + "\n"
            + Readable.count((long) customers[row][column]) + " · " + Readable.money(revenue[row][column], CURRENCY);
      }
    }
    return section.chart("Customers per recency (rows) and frequency (columns) score, with their revenue. Equal "
        + "values share a score, so a score nobody has (many customers with the same number of purchase days) leaves "
        + "its row or column empty.",
        Svg.heatMap("RFM grid", "Recency", List.of("5 (recent)", "4", "3", "2", "1 (long ago)"), "Frequency",
            List.of("1 (rarely)", "2", "3", "4", "5 (often)"), customers, texts));
  }

  /**
   * Moves between segments over the last 7 and 30 nights (gold/segment_membership_changes up to D), and the customers
   * who entered the RFM segment {@code atRisk} in the 7 nights to D (gold/customer_features at D and 7 nights before;
   * none when {@code atRisk} is null).
   */
  public static Section movement(Dataset<Row> changes, Dataset<Row> features, Dataset<Row> weekBefore, String atRisk,
      LocalDate day) {
    Section section = movement(changes, day);
    if (atRisk == null) {
      return section;
    }
    if (weekBefore.isEmpty()) {
      return section.paragraph("No customer features of " + day.minusDays(7) + " to compare with: who entered \""
          + Readable.words(atRisk) + "\" this week shows from the eighth night on.");
    }
    Dataset<Row> entered = features.where(col(CustomerFeatureColumns.RFM_SEGMENT).equalTo(atRisk)).alias("now")
        .join(weekBefore.select(col(CustomerFeatureColumns.CUSTOMER_ID),
                col(CustomerFeatureColumns.RFM_SEGMENT).as("before")),
            CustomerFeatureColumns.CUSTOMER_ID, "left")
        .where(col("before").isNull().or(col("before").notEqual(atRisk)));
    Row totals = entered.agg(count(lit(1)), sum(col(CustomerFeatureColumns.CLV))).first();
    long n = totals.getLong(0);
    if (n == 0) {
      return section.paragraph("No customer entered \"" + Readable.words(atRisk) + "\" in the 7 nights to " + day
          + ".");
    }
    List<List<String>> rows = new ArrayList<>();
    for (Row r : entered.orderBy(col(CustomerFeatureColumns.CLV).desc_nulls_last(),
        col(CustomerFeatureColumns.CUSTOMER_ID)).limit(10).collectAsList()) {
      rows.add(List.of(r.getAs(CustomerFeatureColumns.CUSTOMER_ID), r.getAs("before") == null ? "new customer"
          : Readable.words(r.getAs("before")), Readable.money(value(r, CustomerFeatureColumns.CLV), CURRENCY),
          Readable.percent(value(r, CustomerFeatureColumns.PROBABILITY_ALIVE))));
    }
    return section.paragraph(Readable.count(n) + " customers entered \"" + Readable.words(atRisk) + "\" in the 7 "
            + "nights to " + day + ", worth " + Readable.money(totals.isNullAt(1) ? 0 : totals.getDouble(1), CURRENCY)
            + " in predicted lifetime value; the ten most valuable:")
        .table(List.of("Customer", "RFM segment a week before", "CLV", "Still active (P alive)"), rows);
  }

  /** Moves between segments over the last 7 and 30 nights (gold/segment_membership_changes up to D). */
  public static Section movement(Dataset<Row> changes, LocalDate day) {
    Section section = new Section("movement", "Movement between segments", "Each night, customers whose segment "
        + "changed are recorded. In the flow chart each band leads from the segment customers came from (left; "
        + "\"New\": a first purchase) to the one they went to (right), as wide as the number of moves over the "
        + "window. The matrix below it counts the same moves: rows are where they came from, columns where they "
        + "went. Staying is not a move, so no segment flows into itself and the diagonal is empty.");
    for (int window : new int[] {7, 30}) {
      List<Row> moves = changes.where(col(MembershipChangeColumns.CHANGE_DATE).gt(lit(java.sql.Date.valueOf(
              day.minusDays(window)))).and(col(MembershipChangeColumns.CHANGE_DATE).leq(lit(java.sql.Date.valueOf(
              day)))).and(col(MembershipChangeColumns.TO_SEGMENT_NAME).isNotNull()))
          .groupBy(coalesce(col(MembershipChangeColumns.FROM_SEGMENT_NAME), lit("New")).as("from"),
              col(MembershipChangeColumns.TO_SEGMENT_NAME).as("to"))
          .agg(count(lit(1)).as("moves")).collectAsList();
      if (moves.isEmpty()) {
        section.paragraph("No moves in the " + window + " nights to " + day + ".");
        continue;
      }
      TreeSet<String> from = new TreeSet<>();
      TreeSet<String> to = new TreeSet<>();
      moves.forEach(r -> {
        from.add(r.getString(0));
        to.add(r.getString(1));
      });
      List<String> rows = new ArrayList<>(from);
      List<String> columns = new ArrayList<>(to);
      double[][] values = new double[rows.size()][columns.size()];
      String[][] texts = new String[rows.size()][columns.size()];
      for (String[] t : texts) {
        java.util.Arrays.fill(t, "");
      }
      long total = 0;
      for (Row r : moves) {
        int i = rows.indexOf(r.getString(0));
        int j = columns.indexOf(r.getString(1));
        values[i][j] = r.getLong(2);
        texts[i][j] = Readable.count(r.getLong(2));
        total += r.getLong(2);
      }
      // the flow chart: the same segments in the same order on both sides, first purchases last on the left
      List<String> sources = new ArrayList<>(from);
      if (sources.remove("New")) {
        sources.add("New");
      }
      double[][] flows = new double[sources.size()][columns.size()];
      for (Row r : moves) {
        flows[sources.indexOf(r.getString(0))][columns.indexOf(r.getString(1))] = r.getLong(2);
      }
      section.chart("Where the " + Readable.count(total) + " moves in the " + window + " nights to " + day + " came "
              + "from and went to: each band is as wide as its number of moves (numbers on the bands wide enough to "
              + "hold them; point at a band for its own).",
          Svg.flows("Flows between segments over " + window + " nights", "From", sources, "To", columns, flows,
              v -> Readable.count((long) v)));
      section.chart(Readable.count(total) + " moves in the " + window + " nights to " + day + ".",
          Svg.heatMap("Moves over " + window + " nights", "From", rows, "To", columns, values, texts));
    }
    return section;
  }

  /** A CLV model's name as the literature writes it: {@code bg_nbd} gives {@code BG/NBD}. */
  static String modelName(String code) {
    return switch (code) {
      case io.kindred.clv.BgNbdParams.MODEL -> "BG/NBD";
      case io.kindred.clv.ModifiedBgNbdParams.MODEL -> "MBG/NBD";
      case io.kindred.clv.ParetoNbdParams.MODEL -> "Pareto/NBD";
      case io.kindred.clv.GammaGammaParams.MODEL -> "Gamma-Gamma";
      default -> Readable.words(code);
    };
  }

  /**
   * Lifetime value: its spread within each segment (gold/customer_segments), the purchase model's latest
   * calibration/holdout check (gold/clv_holdout up to D), the probability of being alive over frequency and recency
   * (gold/customer_features at D) and the fitted purchase and spend models over the runs (gold/clv_models).
   */
  public static Section lifetimeValue(Dataset<Row> segments, Dataset<Row> clvModels, Dataset<Row> features,
      Dataset<Row> holdout) {
    Section section = new Section("clv", "Lifetime value", "Each customer's lifetime value (CLV) is the spend "
        + "expected from them over the horizon, from a model of how often they buy and whether they are still active "
        + "(BG/NBD family) and one of how much they spend (Gamma-Gamma). The boxes show the middle half of each "
        + "segment's customers, the lines reach from the 10th to the 90th percentile. The holdout chart checks the "
        + "purchase model on a past period it did not see: the closer its two lines, the better it forecasts. The "
        + "grid shows how likely customers are still active, from how often they bought and how long ago they last "
        + "did. The table lists the models fitted night by night: stable parameters mean stable behaviour.");
    List<Row> spread = segments.groupBy(col(CustomerSegmentColumns.SEGMENT_NAME))
        .agg(expr("percentile_approx(" + CustomerSegmentColumns.CLV + ", array(0.1, 0.25, 0.5, 0.75, 0.9), 1000)")
            .as("q"), count(lit(1)).as("n"))
        .orderBy(col(CustomerSegmentColumns.SEGMENT_NAME)).collectAsList();
    if (!spread.isEmpty()) {
      List<String> names = new ArrayList<>();
      double[][] quantiles = new double[spread.size()][];
      for (int i = 0; i < spread.size(); i++) {
        names.add(spread.get(i).getString(0));
        List<Double> q = spread.get(i).getList(1);
        quantiles[i] = q.stream().mapToDouble(Double::doubleValue).toArray();
      }
      section.chart("CLV per segment: 10th, 25th, 50th (median), 75th and 90th percentile of its customers.",
          Svg.boxes("CLV per segment", names, quantiles, v -> Readable.money(v, CURRENCY)));
    }
    calibration(section, holdout);
    probabilityAlive(section, features);
    List<Row> fits = clvModels.orderBy(col(ClvModelColumns.AS_OF).desc(), col(ClvModelColumns.MODEL))
        .limit(20).collectAsList();
    List<List<String>> table = new ArrayList<>();
    for (Row r : fits) {
      Map<String, Double> params = r.getJavaMap(r.fieldIndex(ClvModelColumns.PARAMETERS));
      StringBuilder text = new StringBuilder();
      new TreeMap<>(params).forEach((k, v) -> text.append(text.length() == 0 ? "" : ", ").append(k).append(" ")
          .append(String.format(java.util.Locale.ROOT, "%.4g", v)));
      table.add(List.of(r.getAs(ClvModelColumns.AS_OF).toString(), modelName(r.getAs(ClvModelColumns.MODEL)),
          Readable.words(r.getAs(ClvModelColumns.STATUS)), Readable.count(r.getAs(ClvModelColumns.CUSTOMERS)),
          text.toString()));
    }
    if (!table.isEmpty()) {
      section.table(List.of("Night", "Model", "Fit", "Customers", "Parameters"), table);
    }
    return section;
  }

  /**
   * The latest calibration/holdout check of the purchase model (the latest as-of, then holdout end, of
   * {@code holdout}): mean actual and predicted purchases in the holdout per number of repeat purchases before it,
   * as two lines and a table, like lifetimes' plot_calibration_purchases_vs_holdout_purchases.
   */
  private static void calibration(Section section, Dataset<Row> holdout) {
    List<Row> latest = holdout.select(ClvHoldoutColumns.AS_OF, ClvHoldoutColumns.HOLDOUT_END)
        .orderBy(col(ClvHoldoutColumns.AS_OF).desc(), col(ClvHoldoutColumns.HOLDOUT_END).desc()).limit(1)
        .collectAsList();
    if (latest.isEmpty()) {
      section.paragraph("No check of the purchase model against a holdout period yet: build-features with "
          + "--holdout-end makes one.");
      return;
    }
    LocalDate asOf = latest.get(0).getDate(0).toLocalDate();
    LocalDate end = latest.get(0).getDate(1).toLocalDate();
    List<Row> rows = new ArrayList<>(holdout.where(col(ClvHoldoutColumns.AS_OF).equalTo(lit(java.sql.Date.valueOf(
            asOf))).and(col(ClvHoldoutColumns.HOLDOUT_END).equalTo(lit(java.sql.Date.valueOf(end)))))
        .select(ClvHoldoutColumns.X_GROUP, ClvHoldoutColumns.CUSTOMERS, ClvHoldoutColumns.ACTUAL_MEAN,
            ClvHoldoutColumns.PREDICTED_MEAN).collectAsList());
    rows.sort(java.util.Comparator.comparing(r -> groupOrder(r.getString(0))));
    List<String> groups = new ArrayList<>();
    double[] actual = new double[rows.size()];
    double[] predicted = new double[rows.size()];
    List<List<String>> table = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      groups.add(r.getString(0));
      actual[i] = r.getDouble(2);
      predicted[i] = r.getDouble(3);
      table.add(List.of(r.getString(0), Readable.count(r.getLong(1)), Readable.number(actual[i], 2),
          Readable.number(predicted[i], 2)));
    }
    String period = asOf.plusDays(1) + " to " + end;
    section.chart("Customers grouped by their repeat purchases up to " + asOf + ": the mean number of days they bought "
            + "on from " + period + " (actual) beside what the purchase model, fitted up to " + asOf + ", predicted. "
            + "Predicted above actual: the model expects too much of that group.",
        Svg.lines("Predicted and actual purchases in the holdout", "Repeat purchases up to " + asOf,
            "Mean purchases per customer", groups, List.of(new Svg.Series("Actual", actual),
                new Svg.Series("Predicted by the model", predicted)), v -> Readable.number(v, 2), 0, Double.NaN))
        .table(List.of("Repeat purchases up to " + asOf, "Customers", "Actual purchases (mean)",
            "Predicted purchases (mean)"), table);
  }

  /** {@code "3"} before {@code "7+"} before {@code "12"}: a group's number, a "+" group after the plain number. */
  private static double groupOrder(String group) {
    String digits = group.replaceAll("[^0-9].*$", "");
    return digits.isEmpty() ? Double.MAX_VALUE : Integer.parseInt(digits) + (group.endsWith("+") ? 0.5 : 0);
  }

  /** Frequency bins of the P(alive) grid: repeat purchases from each lower bound up to the next. */
  static final int[] FREQUENCY_FROM = {0, 1, 2, 3, 4, 6, 10, 20};
  static final List<String> FREQUENCY_LABELS = List.of("None", "1", "2", "3", "4 to 5", "6 to 9", "10 to 19",
      "20 or more");
  /** Recency bins of the P(alive) grid: days since the last purchase from each lower bound up to the next. */
  static final int[] RECENCY_FROM = {0, 7, 14, 30, 60, 90, 180, 365};
  static final List<String> RECENCY_LABELS = List.of("Under a week", "1 to 2 weeks", "2 weeks to a month",
      "1 to 2 months", "2 to 3 months", "3 to 6 months", "6 to 12 months", "A year or more");

  /** The bin of {@code value}: the index of the last lower bound it reaches. */
  private static org.apache.spark.sql.Column bin(org.apache.spark.sql.Column value, int[] from) {
    org.apache.spark.sql.Column out = lit(0);
    for (int k = 1; k < from.length; k++) {
      out = org.apache.spark.sql.functions.when(value.geq(from[k]), k).otherwise(out);
    }
    return out;
  }

  /**
   * The mean probability of being alive per frequency (repeat purchases, rows) and recency (time since the last
   * purchase, columns) bin of the night's customers, like lifetimes' plot_probability_alive_matrix on the customers
   * themselves: Spark groups them into at most 64 cells.
   */
  private static void probabilityAlive(Section section, Dataset<Row> features) {
    // time since the last purchase, T - t_x, in days: whole days in any unit
    org.apache.spark.sql.Column unitDays = lit(1.0);
    for (io.kindred.clv.PeriodUnit unit : io.kindred.clv.PeriodUnit.values()) {
      unitDays = org.apache.spark.sql.functions.when(col(CustomerFeatureColumns.CLV_UNIT)
          .equalTo(unit.name().toLowerCase(java.util.Locale.ROOT)), unit.days()).otherwise(unitDays);
    }
    org.apache.spark.sql.Column sinceLast = org.apache.spark.sql.functions.round(
        col(CustomerFeatureColumns.CLV_T).minus(col(CustomerFeatureColumns.CLV_T_X)).multiply(unitDays));
    List<Row> cells = features.groupBy(bin(col(CustomerFeatureColumns.CLV_X), FREQUENCY_FROM).as("f"),
            bin(sinceLast, RECENCY_FROM).as("r"))
        .agg(org.apache.spark.sql.functions.avg(col(CustomerFeatureColumns.PROBABILITY_ALIVE)).as("alive"),
            count(lit(1)).as("customers"))
        .collectAsList();
    if (cells.isEmpty()) {
      return;
    }
    int rows = cells.stream().mapToInt(r -> r.getInt(0)).max().getAsInt() + 1;
    int columns = cells.stream().mapToInt(r -> r.getInt(1)).max().getAsInt() + 1;
    double[][] values = new double[rows][columns];
    String[][] texts = new String[rows][columns];
    for (int f = 0; f < rows; f++) {
      java.util.Arrays.fill(values[f], Double.NaN);
      java.util.Arrays.fill(texts[f], "");
    }
    for (Row r : cells) {
      values[r.getInt(0)][r.getInt(1)] = r.getDouble(2);
      texts[r.getInt(0)][r.getInt(1)] = Readable.percent(r.getDouble(2)) + "\n(" + Readable.count(r.getLong(3))
          + ")";
    }
    boolean oneTimeAlive = java.util.Arrays.stream(values[0]).anyMatch(v -> !Double.isNaN(v))
        && java.util.Arrays.stream(values[0]).allMatch(v -> Double.isNaN(v) || v >= 0.9995);
    section.chart("Mean probability that a customer is still active (P alive) per number of repeat purchases "
            + "(rows) and time since the last purchase (columns), with the cell's customers in brackets; the darker "
            + "the cell, the likelier. The model expects a frequent buyer to come back soon, so a long silence "
            + "weighs more on the frequent rows; a blank cell has no customers."
            + (oneTimeAlive ? " Customers who never came back count as active: the model (BG/NBD) sees a customer "
            + "leave only after a repeat purchase." : ""),
        Svg.heatMap("Probability alive by frequency and recency", "Repeat purchases", FREQUENCY_LABELS.subList(0,
            rows), "Time since the last purchase", RECENCY_LABELS.subList(0, columns), values, texts));
  }

  /** The churn model's quality night by night, beside the P(alive) baseline (gold/churn_models). */
  public static Section churn(Dataset<Row> churnModels) {
    Section section = new Section("churn", "Churn", "The churn probability published for each customer comes from "
        + "a model trained on past nights and checked on the customers of a later night: AUC is the chance it ranks "
        + "a customer who left above one who stayed (0.5 is a coin toss, 1 is perfect), precision at the top decile the share of "
        + "leavers among the 10% it scores highest. The baseline is 1 - P(alive) of the lifetime-value model.");
    List<Row> runs = churnModels.orderBy(col(ChurnModelColumns.AS_OF)).collectAsList();
    if (runs.isEmpty()) {
      return section.paragraph("No churn model evaluated yet: the history is shorter than two horizons.");
    }
    List<String> nights = new ArrayList<>();
    double[] auc = new double[runs.size()];
    double[] baseline = new double[runs.size()];
    double[] precision = new double[runs.size()];
    double[] baselinePrecision = new double[runs.size()];
    for (int i = 0; i < runs.size(); i++) {
      Row r = runs.get(i);
      nights.add(r.getAs(ChurnModelColumns.AS_OF).toString());
      auc[i] = value(r, ChurnModelColumns.AUC);
      baseline[i] = value(r, ChurnModelColumns.BASELINE_AUC);
      precision[i] = value(r, ChurnModelColumns.PRECISION_TOP_DECILE);
      baselinePrecision[i] = value(r, ChurnModelColumns.BASELINE_PRECISION_TOP_DECILE);
    }
    Row last = runs.get(runs.size() - 1);
    return section
        .chart("AUC of the churn model and of the baseline, by the night the model was trained.",
            Svg.lines("Churn AUC", nights, List.of(new Svg.Series("Churn model", auc),
                new Svg.Series("Baseline: 1 - P(alive)", baseline)), v -> Readable.number(v, 2),
                Math.min(0.5, Math.min(min(auc), min(baseline))), 1.0))
        .chart("Share of leavers among the top 10% of scores.",
            Svg.lines("Precision at the top decile", nights, List.of(new Svg.Series("Churn model", precision),
                new Svg.Series("Baseline: 1 - P(alive)", baselinePrecision)), Readable::percent, true))
        .paragraph("Published: churn model " + last.getAs(ChurnModelColumns.VERSION) + " (AUC "
            + Readable.number(value(last, ChurnModelColumns.AUC), 3) + ", baseline "
            + Readable.number(value(last, ChurnModelColumns.BASELINE_AUC), 3) + "), evaluated on "
            + Readable.count(last.getAs(ChurnModelColumns.EVAL_CUSTOMERS)) + " customers."
            + (value(last, ChurnModelColumns.AUC) < value(last, ChurnModelColumns.BASELINE_AUC)
                ? " On that evaluation the baseline ranked leavers better than the model: read its scores with care."
                : ""));
  }

  /** Cohorts the lift chart shows at most: the largest. */
  static final int MAX_LIFT_ROWS = 25;

  /**
   * What each audience earned (gold/audience_lift as of D): its treatment group against its control group, per
   * cohort of customers who entered it on one night.
   *
   * @param confidence the intervals' level (kindred.audiences.measure.confidence), for the text
   */
  public static Section audienceLift(Dataset<Row> lift, double confidence) {
    String level = Readable.number(100 * confidence, 0) + "%";
    Section section = new Section("lift", "What audiences earned", "Each audience keeps a control group that is "
        + "not contacted. A cohort is the customers who entered an audience on one night; its treatment and control "
        + "groups are compared over the same days since then. Lift is how much more the treatment group bought: "
        + "the line is the " + level + " interval, the range the true lift lies in with that confidence. An interval "
        + "that crosses the dashed line (no effect) is no evidence the audience earned anything yet. With many "
        + "audiences, about one in twenty shows a lift outside its " + level + " interval by chance alone: look "
        + "for lifts that hold night after night.");
    Map<String, Map<String, Row>> cohorts = new TreeMap<>();
    for (Row r : lift.collectAsList()) {
      cohorts.computeIfAbsent(r.getAs(AudienceLiftColumns.AUDIENCE) + "\u0001" + r.getAs(
          AudienceLiftColumns.COHORT_DATE), k -> new TreeMap<>()).put(r.getAs(AudienceLiftColumns.METRIC), r);
    }
    if (cohorts.isEmpty()) {
      return section.paragraph("No audience measured for this night: measure-audiences compares an audience's "
          + "groups once its customers have been in it for at least a day.");
    }
    List<Map<String, Row>> measured = new ArrayList<>();
    List<String> tooSmall = new ArrayList<>();
    for (Map<String, Row> cohort : cohorts.values()) {
      Row any = cohort.values().iterator().next();
      if (AudienceLiftColumns.MEASURED.equals(any.getAs(AudienceLiftColumns.STATUS))) {
        measured.add(cohort);
      } else {
        tooSmall.add(any.getAs(AudienceLiftColumns.AUDIENCE) + " (" + any.getAs(AudienceLiftColumns.COHORT_DATE)
            + ": " + Readable.count(any.getAs(AudienceLiftColumns.TREATMENT_CUSTOMERS)) + " and "
            + Readable.count(any.getAs(AudienceLiftColumns.CONTROL_CUSTOMERS)) + ")");
      }
    }
    List<Map<String, Row>> shown = measured.stream().sorted(java.util.Comparator.comparingLong(
        (Map<String, Row> c) -> -c.get(AudienceLiftColumns.PURCHASES_PER_CUSTOMER).<Long>getAs(
            AudienceLiftColumns.TREATMENT_CUSTOMERS))).limit(MAX_LIFT_ROWS).toList();
    if (!shown.isEmpty()) {
      List<String> labels = new ArrayList<>();
      double[] point = new double[shown.size()];
      double[] low = new double[shown.size()];
      double[] high = new double[shown.size()];
      // the night of entry in the labels only when the cohorts entered on more than one night
      boolean oneNight = shown.stream().map(c -> c.get(AudienceLiftColumns.PURCHASES_PER_CUSTOMER)
          .getAs(AudienceLiftColumns.COHORT_DATE)).distinct().count() == 1;
      for (int i = 0; i < shown.size(); i++) {
        Row r = shown.get(i).get(AudienceLiftColumns.PURCHASES_PER_CUSTOMER);
        labels.add(r.getAs(AudienceLiftColumns.AUDIENCE) + (oneNight ? "" : ", " + r.getAs(
            AudienceLiftColumns.COHORT_DATE)));
        point[i] = value(r, AudienceLiftColumns.RELATIVE_LIFT);
        low[i] = value(r, AudienceLiftColumns.RELATIVE_LIFT_LOW);
        high[i] = value(r, AudienceLiftColumns.RELATIVE_LIFT_HIGH);
      }
      section.chart("Lift in purchases per customer, treatment over control, with its " + level + " interval"
          + (oneNight ? ", of the customers who entered on " + shown.get(0).get(
              AudienceLiftColumns.PURCHASES_PER_CUSTOMER).getAs(AudienceLiftColumns.COHORT_DATE) : "")
          + (measured.size() > shown.size() ? "; the " + shown.size() + " largest of " + measured.size()
          + " cohorts." : "."), Svg.intervals("Lift in purchases per customer", labels, point, low, high,
              v -> (v > 0 ? "+" : "") + Readable.percent(v)));
      List<List<String>> table = new ArrayList<>();
      for (Map<String, Row> c : shown) {
        Row conversion = c.get(AudienceLiftColumns.CONVERSION_RATE);
        Row purchases = c.get(AudienceLiftColumns.PURCHASES_PER_CUSTOMER);
        Row revenue = c.get(AudienceLiftColumns.NET_REVENUE_PER_CUSTOMER);
        Row clv = c.get(AudienceLiftColumns.CLV_CHANGE_PER_CUSTOMER);
        table.add(List.of(purchases.getAs(AudienceLiftColumns.AUDIENCE),
            purchases.getAs(AudienceLiftColumns.COHORT_DATE).toString(),
            Readable.count(purchases.<Integer>getAs(AudienceLiftColumns.DAYS_OBSERVED)),
            Readable.count(purchases.getAs(AudienceLiftColumns.TREATMENT_CUSTOMERS)) + " / "
                + Readable.count(purchases.getAs(AudienceLiftColumns.CONTROL_CUSTOMERS)),
            Readable.percent(value(conversion, AudienceLiftColumns.TREATMENT_VALUE)) + " / "
                + Readable.percent(value(conversion, AudienceLiftColumns.CONTROL_VALUE)),
            Readable.number(value(purchases, AudienceLiftColumns.TREATMENT_VALUE), 2) + " / "
                + Readable.number(value(purchases, AudienceLiftColumns.CONTROL_VALUE), 2),
            signedPercent(value(purchases, AudienceLiftColumns.RELATIVE_LIFT)) + " ("
                + signedPercent(value(purchases, AudienceLiftColumns.RELATIVE_LIFT_LOW)) + " to "
                + signedPercent(value(purchases, AudienceLiftColumns.RELATIVE_LIFT_HIGH)) + ")",
            pValue(value(purchases, AudienceLiftColumns.P_VALUE)),
            Readable.money(value(revenue, AudienceLiftColumns.TREATMENT_VALUE), CURRENCY) + " / "
                + Readable.money(value(revenue, AudienceLiftColumns.CONTROL_VALUE), CURRENCY),
            clv == null ? "-" : Readable.money(value(clv, AudienceLiftColumns.TREATMENT_VALUE), CURRENCY) + " / "
                + Readable.money(value(clv, AudienceLiftColumns.CONTROL_VALUE), CURRENCY)));
      }
      section.table(List.of("Audience", "Entered", "Days", "Customers (treatment / control)",
          "Bought (treatment / control)", "Purchases per customer", "Lift in purchases (" + level + " interval)",
          "p-value", "Net revenue per customer", "Change in CLV per customer"), table);
    }
    if (!tooSmall.isEmpty()) {
      section.paragraph(Readable.count(tooSmall.size()) + " cohorts too small to measure (treatment and control "
          + "customers): " + String.join("; ", tooSmall.subList(0, Math.min(10, tooSmall.size())))
          + (tooSmall.size() > 10 ? "; ..." : "") + ".");
    }
    return section;
  }

  private static String pValue(double p) {
    return p < 0.001 ? "< 0.001" : Readable.number(p, 3);
  }

  private static String signedPercent(double share) {
    return (share > 0 ? "+" : "") + Readable.percent(share);
  }

  /** Opinion leaders, communities and referrals of the night (gold/social_features at D). */
  public static Section social(Dataset<Row> social) {
    Section section = new Section("social", "Social", "Customers talk to each other. Opinion leaders are the users "
        + "whose follows and engagement reach furthest (influence, a PageRank over who follows and engages whom); "
        + "communities are groups that interact mostly among themselves, numbered by size; referrals are the "
        + "customers who brought others in.");
    // one pass for the night's counts and sums
    Row totals = social.agg(count(lit(1)), count(org.apache.spark.sql.functions.when(
            col(SocialFeatureColumns.OPINION_LEADER), lit(1))),
        sum(col(SocialFeatureColumns.REFERRALS_MADE)).cast("long"),
        sum(col(SocialFeatureColumns.REFERRALS_CONVERTED)).cast("long"),
        sum(col(SocialFeatureColumns.REFERRAL_REVENUE_90D)).cast("double")).first();
    if (totals.getLong(0) == 0) {
      return section.paragraph("No social features for this night: run build-social-features first.");
    }
    long leaderCount = totals.getLong(1);
    List<Row> leaders = social.where(col(SocialFeatureColumns.OPINION_LEADER))
        .orderBy(col(SocialFeatureColumns.INFLUENCE).desc(), col(SocialFeatureColumns.USER_ID)).limit(10)
        .collectAsList();
    List<List<String>> leaderRows = new ArrayList<>();
    for (Row r : leaders) {
      leaderRows.add(List.of(r.getAs(SocialFeatureColumns.USER_ID),
          r.<Boolean>getAs(SocialFeatureColumns.IS_CUSTOMER) ? "yes" : "not yet",
          Readable.count(r.<Integer>getAs(SocialFeatureColumns.FOLLOWERS)),
          Readable.percent(value(r, SocialFeatureColumns.INFLUENCE_PERCENTILE))));
    }
    section.paragraph(Readable.count(leaderCount) + " opinion leaders this night; the ten most influential:")
        .table(List.of("User", "Customer", "Followers", "Influence percentile"), leaderRows);
    List<Row> communities = social.where(col(SocialFeatureColumns.COMMUNITY_ID).isNotNull())
        .groupBy(col(SocialFeatureColumns.COMMUNITY_ID))
        .agg(count(lit(1)).as("members"), sum(col(SocialFeatureColumns.SPEND_90D)).cast("double").as("spend"))
        .orderBy(col("members").desc(), col(SocialFeatureColumns.COMMUNITY_ID)).limit(10).collectAsList();
    if (!communities.isEmpty()) {
      List<String> names = new ArrayList<>();
      double[] members = new double[communities.size()];
      List<String> texts = new ArrayList<>();
      for (int i = 0; i < communities.size(); i++) {
        Row r = communities.get(i);
        names.add("Community " + (i + 1));
        members[i] = r.getLong(1);
        texts.add(Readable.count(r.getLong(1)) + " members, " + Readable.money(r.isNullAt(2) ? 0 : r.getDouble(2),
            CURRENCY) + " spent in 90 days");
      }
      section.chart("The ten largest communities: members and what they spent in the last 90 days.",
          Svg.bars("Largest communities", names, members, texts, Svg.PALETTE.get(4)));
    }
    long made = totals.isNullAt(2) ? 0 : totals.getLong(2);
    long converted = totals.isNullAt(3) ? 0 : totals.getLong(3);
    return section.paragraph("Referrals: " + Readable.count(made) + " made, " + Readable.count(converted)
        + " converted into a purchase (" + Readable.percent(made == 0 ? Double.NaN : (double) converted / made)
        + "), bringing " + Readable.money(totals.isNullAt(4) ? 0 : totals.getDouble(4), CURRENCY)
        + " in the last 90 days.");
  }

  /** What the cleaning runs read, wrote and rejected over the last 30 nights (ops/run_metrics). */
  public static Section dataQuality(Dataset<Row> runMetrics, LocalDate day) {
    Section section = new Section("quality", "Data quality", "Every night each feed is cleaned: rows that break a "
        + "rule are set aside (quarantined) with their reason instead of reaching the tables above. A rising "
        + "quarantine share means a feed changed or broke upstream.");
    Dataset<Row> cleaning = runMetrics.where(col(RunMetricsColumns.JOB).startsWith("clean-")
        .and(col(RunMetricsColumns.STATUS).equalTo("succeeded"))
        .and(col(RunMetricsColumns.RUN_DATE).gt(lit(java.sql.Date.valueOf(day.minusDays(30)))))
        .and(col(RunMetricsColumns.RUN_DATE).leq(lit(java.sql.Date.valueOf(day)))));
    // the latest successful run of each job and night
    List<Row> runs = cleaning.orderBy(col(RunMetricsColumns.RUN_DATE), col(RunMetricsColumns.STARTED_AT))
        .select(RunMetricsColumns.JOB, RunMetricsColumns.RUN_DATE, RunMetricsColumns.ROWS_IN,
            RunMetricsColumns.ROWS_QUARANTINED, RunMetricsColumns.QUARANTINED_BY_REASON)
        .collectAsList();
    if (runs.isEmpty()) {
      return section.paragraph("No cleaning runs in the 30 nights to " + day + ".");
    }
    Map<String, Map<String, Row>> byJob = new TreeMap<>();
    TreeSet<String> nights = new TreeSet<>();
    for (Row r : runs) {
      String night = r.getDate(1).toString();
      nights.add(night);
      byJob.computeIfAbsent(r.getString(0), j -> new LinkedHashMap<>()).put(night, r);
    }
    List<String> x = new ArrayList<>(nights);
    List<Svg.Series> shares = new ArrayList<>();
    List<List<String>> table = new ArrayList<>();
    for (Map.Entry<String, Map<String, Row>> job : byJob.entrySet()) {
      double[] share = new double[x.size()];
      for (int i = 0; i < x.size(); i++) {
        Row r = job.getValue().get(x.get(i));
        share[i] = r == null || r.getLong(2) == 0 ? Double.NaN : (double) r.getLong(3) / r.getLong(2);
      }
      shares.add(new Svg.Series(Readable.words(job.getKey().replace("clean-", "")), share));
      Row latest = job.getValue().get(day.toString());
      if (latest != null) {
        Map<String, Long> reasons = latest.getJavaMap(4);
        StringBuilder text = new StringBuilder();
        reasons.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .forEach(e -> text.append(text.length() == 0 ? "" : ", ").append(Readable.words(e.getKey()))
                .append(" ").append(Readable.count(e.getValue())));
        table.add(List.of(Readable.words(job.getKey().replace("clean-", "")), Readable.count(latest.getLong(2)),
            Readable.count(latest.getLong(3)), Readable.percent(latest.getLong(2) == 0 ? Double.NaN
                : (double) latest.getLong(3) / latest.getLong(2)), text.length() == 0 ? "none" : text.toString()));
      }
    }
    section.chart("Share of each feed's rows quarantined, night by night.",
        Svg.lines("Quarantined share per feed", x, shares, Readable::percent, true));
    if (!table.isEmpty()) {
      section.paragraph("The night of " + day + ":").table(List.of("Feed", "Rows in", "Quarantined", "Share",
          "Reasons"), table);
    }
    return section;
  }
}

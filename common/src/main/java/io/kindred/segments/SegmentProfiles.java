package io.kindred.segments;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.kindred.lake.Tables.CustomerFeatureColumns;
import io.kindred.lake.Tables.CustomerSegmentColumns;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Per-segment profiles of a features snapshot whose customers carry a {@code segment_id}: counts, revenue, CLV,
 * churn, the naming figures and the means of the model's features. One pass over the snapshot; the k rows are
 * collected to the driver.
 */
public final class SegmentProfiles {

  private SegmentProfiles() {
  }

  /**
   * One segment's profile (or the whole snapshot's, with segment id 0).
   *
   * @param segmentId the segment, 0 for the snapshot
   * @param customers customers in it
   * @param revenue net spend to date (sum of monetary), USD
   * @param clvSum sum of CLV
   * @param churnProbabilityMean mean churn probability, null when churn is not modelled
   * @param probabilityAliveMean mean P(alive)
   * @param purchaseDaysMean mean purchase days
   * @param monetaryPerDayMean mean spend per purchase day
   * @param stats the figures names are made from
   * @param featureMeans the model's features' means (nulls skipped; null when a feature is null throughout)
   */
  public record Profile(int segmentId, long customers, BigDecimal revenue, double clvSum, Double churnProbabilityMean,
      double probabilityAliveMean, double purchaseDaysMean, double monetaryPerDayMean, SegmentNames.Stats stats,
      Map<String, Double> featureMeans) {

    public double clvMean() {
      return stats.clvMean();
    }
  }

  /** The profile of every segment of {@code segmented}, ascending by id, and of the whole snapshot (id 0) first. */
  public static List<Profile> profiles(Dataset<Row> segmented, List<String> modelFeatures) {
    List<Column> aggregates = new ArrayList<>(List.of(
        count(lit(1)).as("customers"),
        sum(col(CustomerFeatureColumns.MONETARY)).as("revenue"),
        sum(col(CustomerFeatureColumns.CLV)).as("clv_sum"),
        avg(col(CustomerFeatureColumns.CLV)).as("clv_mean"),
        avg(col(CustomerFeatureColumns.CHURN_PROBABILITY)).as("churn"),
        avg(col(CustomerFeatureColumns.PROBABILITY_ALIVE)).as("alive"),
        avg(col(CustomerFeatureColumns.TENURE_DAYS)).as("tenure"),
        avg(col(CustomerFeatureColumns.RECENCY_DAYS)).as("recency"),
        avg(col(CustomerFeatureColumns.PURCHASE_DAYS)).as("purchase_days"),
        avg(col(CustomerFeatureColumns.MONETARY_PER_DAY).cast("double")).as("monetary_per_day"),
        avg(col(CustomerFeatureColumns.INFLUENCE)).as("influence"),
        sum(col(CustomerFeatureColumns.RETURNS)).as("returns"),
        sum(col(CustomerFeatureColumns.TRANSACTIONS)).as("transactions")));
    for (int i = 0; i < modelFeatures.size(); i++) {
      aggregates.add(avg(col(modelFeatures.get(i)).cast("double")).as("_feature_" + i));
    }
    Column[] rest = aggregates.subList(1, aggregates.size()).toArray(Column[]::new);
    List<Profile> out = new ArrayList<>();
    out.add(profile(0, segmented.agg(aggregates.get(0), rest).first(), modelFeatures, 0));
    List<Row> rows = segmented.groupBy(col(CustomerSegmentColumns.SEGMENT_ID)).agg(aggregates.get(0), rest)
        .orderBy(col(CustomerSegmentColumns.SEGMENT_ID)).collectAsList();
    for (Row r : rows) {
      out.add(profile(r.getInt(0), r, modelFeatures, 1));
    }
    return out;
  }

  /** Rows of gold/segment_profiles: the whole snapshot's profile (first) gives the shares. */
  public static List<Row> rows(String runId, LocalDate asOf, String version, List<Profile> profiles,
      Map<Integer, String> names) {
    Profile all = profiles.get(0);
    List<Row> out = new ArrayList<>();
    for (Profile p : profiles.subList(1, profiles.size())) {
      double revenueShare = all.revenue().signum() == 0 ? 0
          : p.revenue().divide(all.revenue(), 10, RoundingMode.HALF_UP).doubleValue();
      out.add(RowFactory.create(Date.valueOf(asOf), version, p.segmentId(), names.get(p.segmentId()), p.customers(),
          (double) p.customers() / all.customers(), p.revenue().setScale(2, RoundingMode.HALF_UP), revenueShare,
          p.clvSum(), p.clvMean(), p.churnProbabilityMean(), p.probabilityAliveMean(), p.stats().recencyMean(),
          p.stats().tenureMean(), p.purchaseDaysMean(), p.monetaryPerDayMean(), p.stats().returnRate(),
          p.stats().influenceMean(), CollectionConverters.asScala(p.featureMeans()), runId));
    }
    return out;
  }

  private static Profile profile(int id, Row r, List<String> features, int offset) {
    long customers = r.getLong(offset);
    BigDecimal revenue = r.isNullAt(offset + 1) ? BigDecimal.ZERO : r.getDecimal(offset + 1);
    long transactions = r.isNullAt(offset + 12) ? 0 : r.getLong(offset + 12);
    long returns = r.isNullAt(offset + 11) ? 0 : r.getLong(offset + 11);
    SegmentNames.Stats stats = new SegmentNames.Stats(r.getDouble(offset + 3), r.getDouble(offset + 6),
        r.getDouble(offset + 7), r.isNullAt(offset + 10) ? null : r.getDouble(offset + 10),
        transactions == 0 ? 0 : (double) returns / transactions);
    Map<String, Double> means = new LinkedHashMap<>();
    for (int i = 0; i < features.size(); i++) {
      int at = offset + 13 + i;
      means.put(features.get(i), r.isNullAt(at) ? null : r.getDouble(at));
    }
    return new Profile(id, customers, revenue, r.getDouble(offset + 2), r.isNullAt(offset + 4) ? null
        : r.getDouble(offset + 4), r.getDouble(offset + 5), r.getDouble(offset + 8), r.getDouble(offset + 9), stats,
        means);
  }
}

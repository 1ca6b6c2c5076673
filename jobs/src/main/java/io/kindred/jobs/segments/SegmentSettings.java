package io.kindred.jobs.segments;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import io.kindred.config.KindredConfig;
import io.kindred.segments.Audiences;
import io.kindred.segments.ClusteringAlgorithm;
import io.kindred.segments.SegmentNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code kindred.segments} and {@code kindred.audiences} sections of the configuration, read and checked once.
 * A bad value fails with a message naming the key, the value and what was expected.
 *
 * @param features columns of gold/customer_features to cluster on
 * @param logFeatures those transformed with log1p
 * @param algorithm the clustering stage
 * @param kMin smallest k tried
 * @param kMax largest k tried
 * @param minSegmentShare smallest share of the training customers a segment may hold
 * @param maxTrainingCustomers training sample size above which the snapshot is sampled
 * @param seed random seed (sampling and clustering)
 * @param maxIterations iteration limit of the clustering stage
 * @param restarts fits per k from different seeds, the best (lowest cost, highest likelihood) kept
 * @param maxMatchDistance identity matching's distance limit, in standard deviations
 * @param retrainIntervalDays age of the latest model, in days of snapshot, at which --if-due retrains
 * @param names configured names by segment id
 * @param naming naming thresholds
 * @param scoreDecimals decimals of probabilities and influence in gold/customer_segments
 * @param clvDecimals decimals of CLV in gold/customer_segments
 * @param filters filter audiences: name -> condition, by name
 * @param control how each audience's control group (and the global holdout) is drawn
 */
public record SegmentSettings(List<String> features, List<String> logFeatures, ClusteringAlgorithm algorithm,
    int kMin, int kMax, double minSegmentShare, long maxTrainingCustomers, long seed, int maxIterations,
    int restarts, double maxMatchDistance, int retrainIntervalDays, Map<Integer, String> names, SegmentNames.Thresholds naming,
    int scoreDecimals, int clvDecimals, Map<String, String> filters, Audiences.ControlGroups control) {

  /** Configuration sections. */
  public static final String SEGMENTS = "kindred.segments";
  public static final String AUDIENCES = "kindred.audiences";

  /** How control groups are drawn (kindred.audiences.control), for a command that needs nothing else of these. */
  public static Audiences.ControlGroups controlGroups(KindredConfig config) {
    return control(config.raw());
  }

  /** The control groups' settings (their ranges are checked with every setting's, by SettingRules). */
  private static Audiences.ControlGroups control(Config c) {
    String k = AUDIENCES + ".control.";
    Map<String, Double> shares = new TreeMap<>();
    Config byAudience = c.getConfig(k + "shares");
    for (String audience : byAudience.root().keySet()) {
      // getDouble: a value set on the command line (--set) is a string until read as a number
      shares.put(audience, byAudience.getDouble(com.typesafe.config.ConfigUtil.joinPath(audience)));
    }
    return new Audiences.ControlGroups(c.getDouble(k + "share"), shares, c.getDouble(k + "global-holdout"),
        c.getString(k + "salt"));
  }

  /** Reads and checks both sections. */
  public static SegmentSettings from(KindredConfig config) {
    Config c = config.raw();
    try {
      String s = SEGMENTS + ".";
      List<String> features = c.getStringList(s + "features");
      List<String> logFeatures = c.getStringList(s + "log-features");
      List<String> notListed = logFeatures.stream().filter(f -> !features.contains(f)).toList();
      if (!notListed.isEmpty()) {
        throw new IllegalArgumentException(s + "log-features names " + notListed + ", which " + s
            + "features " + features + " does not list");
      }
      int kMin = c.getInt(s + "k-min");
      int kMax = c.getInt(s + "k-max");
      if (kMin < 2 || kMax < kMin) {
        throw new IllegalArgumentException(s + "k-min = " + kMin + " and " + s + "k-max = " + kMax
            + "; expected 2 <= k-min <= k-max");
      }
      double share = c.getDouble(s + "min-segment-share");
      if (share < 0 || share * kMin > 1) {
        throw new IllegalArgumentException(s + "min-segment-share = " + share + "; expected 0 .. 1/k-min ("
            + 1.0 / kMin + ")");
      }
      long maxTraining = c.getLong(s + "max-training-customers");
      if (maxTraining < kMax) {
        throw new IllegalArgumentException(s + "max-training-customers = " + maxTraining + "; expected at least "
            + s + "k-max (" + kMax + ")");
      }
      double maxDistance = c.getDouble(s + "max-match-distance");
      if (!(maxDistance >= 0)) {
        throw new IllegalArgumentException(s + "max-match-distance = " + maxDistance + "; expected >= 0");
      }
      Map<Integer, String> names = new TreeMap<>();
      for (Map.Entry<String, ConfigValue> e : c.getConfig(s + "names").root().entrySet()) {
        try {
          names.put(Integer.parseInt(e.getKey().trim()), String.valueOf(e.getValue().unwrapped()));
        } catch (NumberFormatException ex) {
          throw new IllegalArgumentException(s + "names has the key '" + e.getKey() + "'; expected segment ids "
              + "(whole numbers), e.g. names { \"3\" = \"VIP\" }");
        }
      }
      String n = s + "naming.";
      SegmentNames.Thresholds naming = new SegmentNames.Thresholds(c.getDouble(n + "high-value"),
          c.getDouble(n + "low-value"), c.getDouble(n + "new"), c.getDouble(n + "active"), c.getDouble(n + "lapsed"),
          c.getDouble(n + "influential"), c.getDouble(n + "frequent-returns"));
      Map<String, String> filters = new TreeMap<>();
      for (Map.Entry<String, ConfigValue> e : c.getConfig(AUDIENCES + ".filters").root().entrySet()) {
        filters.put(e.getKey(), String.valueOf(e.getValue().unwrapped()));
      }
      int restarts = c.getInt(s + "restarts");
      if (restarts < 1) {
        throw new IllegalArgumentException("kindred.segments.restarts is " + restarts + "; expected at least 1");
      }
      return new SegmentSettings(features, logFeatures, ClusteringAlgorithm.ofCode(c.getString(s + "algorithm")),
          kMin, kMax, share, maxTraining, c.getLong(s + "seed"), c.getInt(s + "max-iterations"), restarts, maxDistance,
          c.getInt(s + "retrain-interval-days"), names, naming, c.getInt(s + "publish.score-decimals"),
          c.getInt(s + "publish.clv-decimals"), new LinkedHashMap<>(filters), control(c));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("Bad segmentation configuration: " + e.getMessage(), e);
    }
  }
}

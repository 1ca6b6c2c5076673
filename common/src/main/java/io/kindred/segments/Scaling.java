package io.kindred.segments;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a fitted segmentation model maps a feature from its original units to the space it clusters in: log1p for
 * its log features (negative values count as 0), then {@code (x - mean) / std}. Used to express cluster centres in
 * original units and to compare centres of two models in one space.
 *
 * @param features the model's features, in order
 * @param logFeatures those transformed with log1p
 * @param mean per feature, the mean of the (log-)transformed, imputed values (zeros for a model that does not
 *     centre)
 * @param std per feature, their standard deviation (0 for a constant feature)
 */
public record Scaling(List<String> features, List<String> logFeatures, double[] mean, double[] std) {

  public Scaling {
    features = List.copyOf(features);
    logFeatures = List.copyOf(logFeatures);
    if (mean.length != features.size() || std.length != features.size()) {
      throw new IllegalArgumentException("Scaling of " + features.size() + " features got " + mean.length
          + " means and " + std.length + " standard deviations");
    }
  }

  /** A point of the clustering space (one value per feature) in original units, by feature name. */
  public Map<String, Double> toOriginal(double[] scaled) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (int i = 0; i < features.size(); i++) {
      double transformed = mean[i] + std[i] * scaled[i];
      out.put(features.get(i), logFeatures.contains(features.get(i)) ? Math.expm1(transformed) : transformed);
    }
    return out;
  }

  /**
   * A point given in original units in the clustering space: NaN for a feature the point lacks, and 0 for a
   * constant feature (std 0), as MLlib's StandardScaler does.
   */
  public double[] toScaled(Map<String, Double> original) {
    double[] out = new double[features.size()];
    for (int i = 0; i < features.size(); i++) {
      Double value = original.get(features.get(i));
      if (value == null || value.isNaN()) {
        out[i] = Double.NaN;
        continue;
      }
      double transformed = logFeatures.contains(features.get(i)) ? Math.log1p(Math.max(value, 0)) : value;
      out[i] = std[i] == 0 ? 0 : (transformed - mean[i]) / std[i];
    }
    return out;
  }

  /**
   * Root mean square difference of two points of the clustering space over the features both have (not NaN), in
   * standard deviations; NaN when they share no feature.
   */
  public static double distance(double[] a, double[] b) {
    double sum = 0;
    int n = 0;
    for (int i = 0; i < a.length; i++) {
      if (!Double.isNaN(a[i]) && !Double.isNaN(b[i])) {
        sum += (a[i] - b[i]) * (a[i] - b[i]);
        n++;
      }
    }
    return n == 0 ? Double.NaN : Math.sqrt(sum / n);
  }
}

package io.kindred.segments;

import java.util.Arrays;
import java.util.Locale;

/** The MLlib clustering stage of a segmentation model. */
public enum ClusteringAlgorithm {
  /** {@code org.apache.spark.ml.clustering.KMeans} (k-means||, the default). */
  KMEANS,
  /** {@code org.apache.spark.ml.clustering.BisectingKMeans}. */
  BISECTING_KMEANS,
  /** {@code org.apache.spark.ml.clustering.GaussianMixture}: each customer goes to its most probable component. */
  GAUSSIAN_MIXTURE;

  /** The code used in configuration and tables, e.g. {@code bisecting-kmeans}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The algorithm with this code. */
  public static ClusteringAlgorithm ofCode(String code) {
    return Arrays.stream(values()).filter(a -> a.code().equals(code)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("Unknown clustering algorithm '" + code + "'; expected one of "
            + Arrays.stream(values()).map(ClusteringAlgorithm::code).toList()));
  }
}

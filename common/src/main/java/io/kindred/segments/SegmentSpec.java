package io.kindred.segments;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a segmentation model is made of: its features (columns of gold/customer_features, in order), the skewed
 * ones among them that go through log1p, the clustering algorithm, k, the seed and the iteration limit.
 *
 * @param features feature columns, distinct, at least one
 * @param logFeatures the features transformed with log1p before scaling (a subset of {@code features})
 * @param algorithm the clustering stage
 * @param k number of clusters, at least 2
 * @param seed random seed of the clustering stage
 * @param maxIterations iteration limit of the clustering stage
 */
public record SegmentSpec(List<String> features, List<String> logFeatures, ClusteringAlgorithm algorithm, int k,
    long seed, int maxIterations) {

  public SegmentSpec {
    features = List.copyOf(features);
    logFeatures = List.copyOf(logFeatures);
    Objects.requireNonNull(algorithm, "algorithm");
    if (features.isEmpty()) {
      throw new IllegalArgumentException("A segmentation model needs at least one feature");
    }
    if (new HashSet<>(features).size() != features.size()) {
      throw new IllegalArgumentException("Segmentation features " + features + " name a column twice");
    }
    List<String> unknown = new ArrayList<>(logFeatures);
    unknown.removeAll(features);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("Log features " + unknown + " are not among the features " + features);
    }
    if (k < 2) {
      throw new IllegalArgumentException("k is " + k + "; expected at least 2 segments");
    }
    if (maxIterations < 1) {
      throw new IllegalArgumentException("maxIterations is " + maxIterations + "; expected at least 1");
    }
  }

  /** Whether feature {@code f} goes through log1p. */
  public boolean isLog(String f) {
    return logFeatures.contains(f);
  }

  /** The same spec with another k. */
  public SegmentSpec withK(int otherK) {
    return new SegmentSpec(features, logFeatures, algorithm, otherK, seed, maxIterations);
  }

  /** The same spec with another seed (a restart of the clustering stage). */
  public SegmentSpec withSeed(long otherSeed) {
    return new SegmentSpec(features, logFeatures, algorithm, k, otherSeed, maxIterations);
  }

  /** The same spec without {@code dropped} (features and log features alike). */
  public SegmentSpec without(Set<String> dropped) {
    List<String> kept = new ArrayList<>(features);
    kept.removeAll(dropped);
    List<String> keptLog = new ArrayList<>(logFeatures);
    keptLog.removeAll(dropped);
    return new SegmentSpec(kept, keptLog, algorithm, k, seed, maxIterations);
  }
}

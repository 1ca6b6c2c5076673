package io.kindred.social;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The adjusted Rand index of two clusterings (Hubert and Arabie, 1985), for tests. */
public final class AdjustedRandIndex {

  private AdjustedRandIndex() {
  }

  /** ARI of two labelings of the same items, given in the same order. */
  public static <A, B> double of(List<A> truth, List<B> predicted) {
    if (truth.size() != predicted.size()) {
      throw new IllegalArgumentException("labelings differ in size: " + truth.size() + " vs " + predicted.size());
    }
    Map<A, Long> a = new HashMap<>();
    Map<B, Long> b = new HashMap<>();
    Map<List<Object>, Long> cells = new HashMap<>();
    for (int i = 0; i < truth.size(); i++) {
      a.merge(truth.get(i), 1L, Long::sum);
      b.merge(predicted.get(i), 1L, Long::sum);
      cells.merge(List.of(truth.get(i), predicted.get(i)), 1L, Long::sum);
    }
    double index = cells.values().stream().mapToDouble(AdjustedRandIndex::pairs).sum();
    double sumA = a.values().stream().mapToDouble(AdjustedRandIndex::pairs).sum();
    double sumB = b.values().stream().mapToDouble(AdjustedRandIndex::pairs).sum();
    double expected = sumA * sumB / pairs(truth.size());
    double max = (sumA + sumB) / 2;
    if (max == expected) {
      return 1.0;
    }
    return (index - expected) / (max - expected);
  }

  private static double pairs(long k) {
    return k * (k - 1) / 2.0;
  }
}

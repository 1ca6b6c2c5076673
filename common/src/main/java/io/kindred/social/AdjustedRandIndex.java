package io.kindred.social;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The adjusted Rand index of two clusterings of the same items (Hubert and Arabie, 1985): 1 when they group the
 * items alike (whatever the cluster names), about 0 for chance agreement, negative below chance. From the
 * contingency table n_ij (items in cluster i of the first and j of the second), with row sums a_i and column sums
 * b_j: {@code (sum C(n_ij,2) - E) / ((sum C(a_i,2) + sum C(b_j,2))/2 - E)}, {@code E = sum C(a_i,2) sum C(b_j,2) /
 * C(n,2)}; 1 when the denominator is 0 (both clusterings trivial and equal).
 */
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
      cells.merge(Arrays.asList(truth.get(i), predicted.get(i)), 1L, Long::sum);
    }
    return fromPairs(cells.values().stream().mapToDouble(AdjustedRandIndex::pairs).sum(),
        a.values().stream().mapToDouble(AdjustedRandIndex::pairs).sum(),
        b.values().stream().mapToDouble(AdjustedRandIndex::pairs).sum(), truth.size());
  }

  /**
   * ARI of the clusterings in columns {@code first} and {@code second} of {@code items} (one row per item, both
   * labels non-null), computed with three aggregations: nothing but the pair counts reaches the driver.
   */
  public static double of(Dataset<Row> items, String first, String second) {
    double cells = pairSum(items.groupBy(col(first), col(second)).agg(count(lit(1)).as("_n")));
    double a = pairSum(items.groupBy(col(first)).agg(count(lit(1)).as("_n")));
    double b = pairSum(items.groupBy(col(second)).agg(count(lit(1)).as("_n")));
    return fromPairs(cells, a, b, items.count());
  }

  private static double pairSum(Dataset<Row> counts) {
    Column n = col("_n").cast(DataTypes.DoubleType);
    Row row = counts.agg(sum(n.multiply(n.minus(1)).divide(2))).first();
    return row.isNullAt(0) ? 0 : row.getDouble(0);
  }

  private static double fromPairs(double index, double sumA, double sumB, long n) {
    double expected = sumA * sumB / pairs(n);
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

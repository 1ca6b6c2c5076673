package io.kindred.clv;

import java.io.Serializable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The input of the BG/NBD fits: distinct {@code (x, t_x, T)} triples with the number of customers that share each.
 * The likelihood is a sum over these rows weighted by their counts, so a fit costs in distinct triples, not
 * customers.
 *
 * <ul>
 *   <li>{@code x}: repeat purchases in the calibration window (purchases after the first; several on one day count
 *       once), an integer {@code >= 0};</li>
 *   <li>{@code t_x}: time from the first purchase to the last, {@code 0 <= t_x <= T}, and {@code 0} when
 *       {@code x = 0};</li>
 *   <li>{@code T}: time from the first purchase to the end of the calibration window, {@code >= 0}.</li>
 * </ul>
 * Times are in one unit for all rows (days or weeks, see {@link PeriodUnit}); the fitted {@code alpha} is in that
 * unit.
 */
public final class RfmTriples implements Serializable {

  private static final long serialVersionUID = 1L;

  private final int[] x;
  private final double[] tx;
  private final double[] age;
  private final long[] counts;
  private final long customers;
  private final long repeatBuyers;
  private final double maxAge;

  private RfmTriples(int[] x, double[] tx, double[] age, long[] counts) {
    this.x = x;
    this.tx = tx;
    this.age = age;
    this.counts = counts;
    long n = 0;
    long repeat = 0;
    double max = 0;
    for (int i = 0; i < x.length; i++) {
      check(i, x[i], tx[i], age[i], counts[i]);
      n = Math.addExact(n, counts[i]);
      if (x[i] > 0) {
        repeat += counts[i];
      }
      max = Math.max(max, age[i]);
    }
    this.customers = n;
    this.repeatBuyers = repeat;
    this.maxAge = max;
  }

  /**
   * Rows as collected from a grouped table: one per distinct triple with its customer count. Every row is checked;
   * the first invalid one fails with its index and values.
   */
  public static RfmTriples of(int[] x, double[] tx, double[] age, long[] counts) {
    int n = x.length;
    if (tx.length != n || age.length != n || counts.length != n) {
      throw new IllegalArgumentException("x, t_x, T and counts must have one length, got " + n + ", " + tx.length
          + ", " + age.length + ", " + counts.length);
    }
    return new RfmTriples(x.clone(), tx.clone(), age.clone(), counts.clone());
  }

  /** A builder that merges equal triples, for per-customer input. */
  public static Builder builder() {
    return new Builder();
  }

  private static void check(int row, int x, double tx, double age, long count) {
    String where = " (row " + row + ": x = " + x + ", t_x = " + tx + ", T = " + age + ", count = " + count + ")";
    if (x < 0) {
      throw new IllegalArgumentException("x must be >= 0, got " + x + where);
    }
    if (!Double.isFinite(age) || age < 0) {
      throw new IllegalArgumentException("T must be a finite number >= 0, got " + age + where);
    }
    if (!Double.isFinite(tx) || tx < 0 || tx > age) {
      throw new IllegalArgumentException("t_x must be a finite number in [0, T], got " + tx + where);
    }
    if (x == 0 && tx != 0) {
      throw new IllegalArgumentException("t_x must be 0 when x = 0, got " + tx + where);
    }
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, got " + count + where);
    }
  }

  public int size() {
    return x.length;
  }

  public int x(int i) {
    return x[i];
  }

  public double tx(int i) {
    return tx[i];
  }

  /** {@code T} of row {@code i}. */
  public double age(int i) {
    return age[i];
  }

  public long count(int i) {
    return counts[i];
  }

  /** The number of customers: the sum of the counts. */
  public long customers() {
    return customers;
  }

  /** Customers with {@code x >= 1}. */
  public long repeatBuyers() {
    return repeatBuyers;
  }

  /** The largest {@code T}. */
  public double maxAge() {
    return maxAge;
  }

  /** Distinct values of {@code x}, ascending, and for each row the index of its {@code x} in them. */
  int[][] distinctX() {
    int[] sorted = Arrays.stream(x).distinct().sorted().toArray();
    int[] index = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      index[i] = Arrays.binarySearch(sorted, x[i]);
    }
    return new int[][] {sorted, index};
  }

  /** Merges customers with equal {@code (x, t_x, T)}. Not thread-safe. */
  public static final class Builder {

    private record Key(int x, double tx, double age) {
    }

    private final Map<Key, long[]> counts = new HashMap<>();
    private long added;

    private Builder() {
    }

    /** Adds one customer. */
    public Builder add(int x, double tx, double age) {
      return add(x, tx, age, 1);
    }

    /** Adds {@code count} customers with one history. */
    public Builder add(int x, double tx, double age, long count) {
      check((int) Math.min(added, Integer.MAX_VALUE), x, tx, age, count);
      // +0.0 folds -0.0 into 0.0 so that equal values share a key.
      counts.computeIfAbsent(new Key(x, tx + 0.0, age + 0.0), k -> new long[1])[0] += count;
      added++;
      return this;
    }

    public RfmTriples build() {
      int n = counts.size();
      int[] x = new int[n];
      double[] tx = new double[n];
      double[] age = new double[n];
      long[] c = new long[n];
      int i = 0;
      for (Map.Entry<Key, long[]> e : counts.entrySet()) {
        x[i] = e.getKey().x();
        tx[i] = e.getKey().tx();
        age[i] = e.getKey().age();
        c[i] = e.getValue()[0];
        i++;
      }
      return new RfmTriples(x, tx, age, c);
    }
  }
}

package io.kindred.clv;

import java.io.Serializable;

/**
 * What the purchase models are compared on (kindred.features.clv.model = auto): the calibration-window histories
 * {@code (x, t_x, T)} of a cohort, each with the repeat purchases {@code actual} the customer made in the holdout
 * window {@code (calibration end, calibration end + length]}, as distinct rows with customer counts (small whatever
 * the number of customers), and the cohort's actual cumulative holdout purchases at a few times (the curve).
 *
 * <p>Times are in the unit of the triples. Purchases are counted as in {@code x}: purchase days, returns excluded.
 */
public final class HoldoutSample implements Serializable {

  private static final long serialVersionUID = 1L;

  private final int[] x;
  private final double[] tx;
  private final double[] age;
  private final int[] actual;
  private final long[] counts;
  private final double length;
  private final double[] curveTimes;
  private final double[] cumulativeActual;
  private final long customers;

  private HoldoutSample(int[] x, double[] tx, double[] age, int[] actual, long[] counts, double length,
      double[] curveTimes, double[] cumulativeActual) {
    this.x = x;
    this.tx = tx;
    this.age = age;
    this.actual = actual;
    this.counts = counts;
    this.length = length;
    this.curveTimes = curveTimes;
    this.cumulativeActual = cumulativeActual;
    long n = 0;
    for (long c : counts) {
      n = Math.addExact(n, c);
    }
    this.customers = n;
  }

  /**
   * The sample; checked row by row ({@link RfmTriples#of} names the first invalid triple).
   *
   * @param actual           repeat purchases in the holdout window of the customers of each row, {@code >= 0}
   * @param length           the holdout window's length, {@code > 0}
   * @param curveTimes       times in {@code (0, length]}, ascending, at which the curve is compared; the last is
   *                         {@code length}
   * @param cumulativeActual the cohort's actual repeat purchases in {@code (calibration end, calibration end + t]}
   *                         at each of {@code curveTimes}
   */
  public static HoldoutSample of(int[] x, double[] tx, double[] age, int[] actual, long[] counts, double length,
      double[] curveTimes, double[] cumulativeActual) {
    RfmTriples.of(x, tx, age, counts);
    if (actual.length != x.length) {
      throw new IllegalArgumentException("one holdout count per row expected: " + x.length + " rows, got "
          + actual.length);
    }
    for (int i = 0; i < actual.length; i++) {
      if (actual[i] < 0) {
        throw new IllegalArgumentException("holdout purchases must be >= 0, got " + actual[i] + " (row " + i + ")");
      }
    }
    if (!(length > 0) || !Double.isFinite(length)) {
      throw new IllegalArgumentException("the holdout length must be a finite number > 0, got " + length);
    }
    if (curveTimes.length == 0 || curveTimes.length != cumulativeActual.length
        || curveTimes[curveTimes.length - 1] != length) {
      throw new IllegalArgumentException("the curve needs one actual count per time and its last time at the holdout "
          + "length " + length + ", got times " + java.util.Arrays.toString(curveTimes) + " and counts "
          + java.util.Arrays.toString(cumulativeActual));
    }
    for (int k = 0; k < curveTimes.length; k++) {
      if (!(curveTimes[k] > (k == 0 ? 0 : curveTimes[k - 1])) || (k > 0
          && cumulativeActual[k] < cumulativeActual[k - 1])) {
        throw new IllegalArgumentException("curve times must ascend from > 0 and the cumulative counts must not "
            + "fall, got times " + java.util.Arrays.toString(curveTimes) + " and counts "
            + java.util.Arrays.toString(cumulativeActual));
      }
    }
    return new HoldoutSample(x.clone(), tx.clone(), age.clone(), actual.clone(), counts.clone(), length,
        curveTimes.clone(), cumulativeActual.clone());
  }

  /** The calibration histories alone, equal triples merged: what the candidates are fitted on. */
  public RfmTriples calibration() {
    RfmTriples.Builder b = RfmTriples.builder();
    for (int i = 0; i < x.length; i++) {
      b.add(x[i], tx[i], age[i], counts[i]);
    }
    return b.build();
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

  /** Holdout repeat purchases of each customer of row {@code i}. */
  public int actual(int i) {
    return actual[i];
  }

  public long count(int i) {
    return counts[i];
  }

  /** The number of customers: the sum of the counts. */
  public long customers() {
    return customers;
  }

  /** The holdout window's length. */
  public double length() {
    return length;
  }

  public double[] curveTimes() {
    return curveTimes.clone();
  }

  public double[] cumulativeActual() {
    return cumulativeActual.clone();
  }
}

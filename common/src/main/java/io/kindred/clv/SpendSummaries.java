package io.kindred.clv;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The input of the Gamma-Gamma fit: for each repeat buyer (or group of buyers with equal values), the number of
 * repeat transactions {@code x >= 1} and their mean value {@code mbar > 0}, with a customer count. Customers with
 * {@code x = 0} carry no information on spend variation and are not accepted: filter them out before.
 */
public final class SpendSummaries implements Serializable {

  private static final long serialVersionUID = 1L;

  private final int[] x;
  private final double[] mbar;
  private final long[] counts;
  private final long customers;

  private SpendSummaries(int[] x, double[] mbar, long[] counts) {
    this.x = x;
    this.mbar = mbar;
    this.counts = counts;
    long n = 0;
    for (int i = 0; i < x.length; i++) {
      String where = " (row " + i + ": x = " + x[i] + ", mbar = " + mbar[i] + ", count = " + counts[i] + ")";
      if (x[i] < 1) {
        throw new IllegalArgumentException("x must be >= 1 (Gamma-Gamma is fitted on repeat buyers only), got "
            + x[i] + where);
      }
      if (!Double.isFinite(mbar[i]) || !(mbar[i] > 0)) {
        throw new IllegalArgumentException("mbar must be a finite number > 0, got " + mbar[i] + where);
      }
      if (counts[i] < 1) {
        throw new IllegalArgumentException("count must be >= 1, got " + counts[i] + where);
      }
      n = Math.addExact(n, counts[i]);
    }
    this.customers = n;
  }

  /** Rows with their customer counts. */
  public static SpendSummaries of(int[] x, double[] mbar, long[] counts) {
    if (mbar.length != x.length || counts.length != x.length) {
      throw new IllegalArgumentException("x, mbar and counts must have one length, got " + x.length + ", "
          + mbar.length + ", " + counts.length);
    }
    return new SpendSummaries(x.clone(), mbar.clone(), counts.clone());
  }

  /** One row per customer. */
  public static SpendSummaries ofCustomers(int[] x, double[] mbar) {
    long[] ones = new long[x.length];
    Arrays.fill(ones, 1L);
    return of(x, mbar, ones);
  }

  public int size() {
    return x.length;
  }

  public int x(int i) {
    return x[i];
  }

  public double mbar(int i) {
    return mbar[i];
  }

  public long count(int i) {
    return counts[i];
  }

  /** The number of customers: the sum of the counts. */
  public long customers() {
    return customers;
  }

  /** The mean over customers (rows weighted by their counts) of the mean spend {@code mbar}. */
  public double meanSpend() {
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      sum += counts[i] * mbar[i];
    }
    return sum / customers;
  }

  /**
   * The Pearson correlation, over customers (rows weighted by their counts), of the number of repeat transactions
   * {@code x} and the mean spend {@code mbar}: the check the Gamma-Gamma model's assumption (spend independent of
   * frequency) calls for. NaN when either does not vary.
   */
  public double frequencySpendCorrelation() {
    double n = 0;
    double sx = 0;
    double sm = 0;
    for (int i = 0; i < x.length; i++) {
      n += counts[i];
      sx += counts[i] * (double) x[i];
      sm += counts[i] * mbar[i];
    }
    double mx = sx / n;
    double mm = sm / n;
    double cov = 0;
    double vx = 0;
    double vm = 0;
    for (int i = 0; i < x.length; i++) {
      double dx = x[i] - mx;
      double dm = mbar[i] - mm;
      cov += counts[i] * dx * dm;
      vx += counts[i] * dx * dx;
      vm += counts[i] * dm * dm;
    }
    return vx > 0 && vm > 0 ? cov / Math.sqrt(vx * vm) : Double.NaN;
  }
}

package io.kindred.measure;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The lift of a treatment group over a control group (a marketing holdout), for a rate or a mean per customer, with
 * two-sided confidence intervals at a given level (say 0.95) and a two-sided p-value for "no difference". The groups
 * are independent samples of customers; every method is a large-sample or well-studied small-sample approximation,
 * named with its source on the method that uses it.
 */
public final class Lift {

  /**
   * Twice the unit roundoff of a double, {@code 2^-52}. Summing {@code n} values in double arithmetic may be wrong by
   * up to about {@code n 2^-53} of their total, so with only the sums to go on, differences within a few times
   * {@code n 2^-53} of the values' size are rounding and cannot be told from zero.
   */
  private static final double ROUNDING = 0x1p-52;

  private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);

  /** Absolute accuracy of the t quantile (commons-math's default, 1e-9, is coarser than the rest of the sums). */
  private static final double T_QUANTILE_ACCURACY = 1e-14;

  private Lift() {
  }

  /**
   * One metric's comparison of treatment with control. Intervals are two-sided at the confidence level asked for.
   *
   * @param treatment    the treatment group's rate or mean
   * @param control      the control group's rate or mean
   * @param absolute     {@code treatment - control}
   * @param absoluteLow  lower confidence limit of {@code absolute}
   * @param absoluteHigh upper confidence limit of {@code absolute}
   * @param relative     {@code treatment / control - 1}; NaN when undefined: for {@link #proportions} when either
   *                     group has no conversions, for {@link #means} when the control mean is 0 or negative
   * @param relativeLow  lower confidence limit of {@code relative}; NaN exactly when {@code relative} is
   * @param relativeHigh upper confidence limit of {@code relative}; NaN exactly when {@code relative} is
   * @param pValue       two-sided p-value of the hypothesis that the two groups' rates or means are equal; NaN for
   *                     {@link #proportions} when the pooled rate is 0 or 1 (nobody, or everybody, converted), never
   *                     NaN for {@link #means}
   */
  public record Estimate(double treatment, double control, double absolute, double absoluteLow, double absoluteHigh,
      double relative, double relativeLow, double relativeHigh, double pValue) {
  }

  /**
   * A rate: conversions of customers in each group, {@code pT = treatmentConversions / treatmentCustomers} against
   * {@code pC = controlConversions / controlCustomers}, with {@code z} the standard normal quantile at
   * {@code (1 + confidence) / 2}.
   * <ul>
   *   <li>{@code absolute = pT - pC}, with Newcombe's hybrid score interval, method 10 of R. G. Newcombe, "Interval
   *       estimation for the difference between independent proportions: comparison of eleven methods", Statistics
   *       in Medicine 17 (1998) 873-890: each rate gets its Wilson score interval {@code [l, u]} without continuity
   *       correction (E. B. Wilson, JASA 22 (1927) 209-212), and {@code low = (pT - pC) - sqrt((pT - lT)^2 + (uC -
   *       pC)^2)}, {@code high = (pT - pC) + sqrt((uT - pT)^2 + (pC - lC)^2)}. Newcombe found its coverage close to
   *       nominal with no aberrations (it stays within {@code [-1, 1]} and is never of zero width), including at 0 or
   *       all conversions, where the Wald interval fails; and it needs no iteration.</li>
   *   <li>{@code relative = pT / pC - 1}, with the Katz log interval for the risk ratio (D. Katz, J. Baptista,
   *       S. P. Azen and M. C. Pike, "Obtaining confidence intervals for the risk ratio in cohort studies",
   *       Biometrics 34 (1978) 469-474): {@code exp(ln(pT / pC) +- z sqrt(1/xT - 1/nT + 1/xC - 1/nC)) - 1}, the
   *       usual interval for a ratio of rates, asymmetric as a ratio's should be. NaN, with its interval, when
   *       {@code xT} or {@code xC} is 0: the log of the ratio, or its variance, is then infinite.</li>
   *   <li>{@code pValue}: the two-sided pooled two-proportion z-test, {@code z = (pT - pC) / sqrt(p (1 - p) (1/nT +
   *       1/nC))} with the pooled rate {@code p = (xT + xC) / (nT + nC)}, {@code 2 Phi(-|z|)}; the same as Pearson's
   *       chi-square test of the 2x2 table without continuity correction ({@code chi^2 = z^2}). NaN when
   *       {@code p} is 0 or 1: with no variation in either group there is nothing to test.</li>
   * </ul>
   *
   * @throws IllegalArgumentException when a group has fewer than 1 customer, its conversions are outside
   *                                  {@code 0..customers}, or {@code confidence} is not strictly between 0 and 1; the
   *                                  message names the argument, its value and what was expected
   */
  public static Estimate proportions(long treatmentConversions, long treatmentCustomers, long controlConversions,
      long controlCustomers, double confidence) {
    requireAtLeast("treatmentCustomers", treatmentCustomers, 1, "");
    requireAtLeast("controlCustomers", controlCustomers, 1, "");
    requireConversions("treatmentConversions", treatmentConversions, "treatmentCustomers", treatmentCustomers);
    requireConversions("controlConversions", controlConversions, "controlCustomers", controlCustomers);
    double z = normalQuantile(confidence);

    double nT = treatmentCustomers;
    double nC = controlCustomers;
    double xT = treatmentConversions;
    double xC = controlConversions;
    double pT = xT / nT;
    double pC = xC / nC;
    double difference = pT - pC;

    double[] wilsonT = wilson(treatmentConversions, treatmentCustomers, z);
    double[] wilsonC = wilson(controlConversions, controlCustomers, z);
    double absoluteLow = difference - Math.hypot(pT - wilsonT[0], wilsonC[1] - pC);
    double absoluteHigh = difference + Math.hypot(wilsonT[1] - pT, pC - wilsonC[0]);

    double relative = Double.NaN;
    double relativeLow = Double.NaN;
    double relativeHigh = Double.NaN;
    if (treatmentConversions > 0 && controlConversions > 0) {
      double ratio = pT / pC;
      double logSe = Math.sqrt(1 / xT - 1 / nT + 1 / xC - 1 / nC);
      relative = ratio - 1;
      relativeLow = Math.expm1(Math.log(ratio) - z * logSe);
      relativeHigh = Math.expm1(Math.log(ratio) + z * logSe);
    }

    double pooled = (xT + xC) / (nT + nC);
    double pValue = Double.NaN;
    if (pooled > 0 && pooled < 1) {
      double se = Math.sqrt(pooled * (1 - pooled) * (1 / nT + 1 / nC));
      pValue = 2 * STANDARD_NORMAL.cumulativeProbability(-Math.abs(difference / se));
    }
    return new Estimate(pT, pC, difference, absoluteLow, absoluteHigh, relative, relativeLow, relativeHigh, pValue);
  }

  /**
   * A mean per customer (say revenue), from each group's count {@code n}, sum and sum of squares of the per-customer
   * values. The sample variances use {@code n - 1}: {@code s^2 = (n sumOfSquares - sum^2) / (n (n - 1))}, with the
   * two products formed exactly (fused multiply-add) so that the only error left is the rounding in the sums
   * themselves. A numerator within that rounding, {@code n 2^-51 (n sumOfSquares)} either side of zero, is taken as
   * 0: a group whose values are all equal (say every customer spent 9.99) then has variance exactly 0, not rounding
   * noise, and a tiny negative numerator is not an error.
   * <ul>
   *   <li>{@code absolute = mT - mC}, with Welch's unequal-variance t interval: standard error
   *       {@code se = sqrt(sT^2/nT + sC^2/nC)}, degrees of freedom by Welch-Satterthwaite, {@code df = se^4 /
   *       ((sT^2/nT)^2/(nT - 1) + (sC^2/nC)^2/(nC - 1))}, and {@code (mT - mC) +- t_df se} with {@code t_df} the t
   *       quantile at {@code (1 + confidence) / 2} (B. L. Welch, "The generalization of 'Student's' problem when
   *       several different population variances are involved", Biometrika 34 (1947) 28-35; F. E. Satterthwaite,
   *       Biometrics Bulletin 2 (1946) 110-114). It does not assume the campaign leaves the spread of spend alone,
   *       and costs little against Student's t when the variances are equal.</li>
   *   <li>{@code pValue}: two-sided, from the same t distribution, {@code 2 P(T_df > |mT - mC| / se)}.</li>
   *   <li>{@code relative = (mT - mC) / mC = mT / mC - 1}, with the first-order delta method for the ratio of two
   *       independent means (G. Casella and R. L. Berger, Statistical Inference, 2nd ed., section 5.5.4):
   *       {@code Var(mT / mC) ~ (mT / mC)^2 (sT^2 / (nT mT^2) + sC^2 / (nC mC^2))}, computed as
   *       {@code (sT^2/nT + (mT/mC)^2 sC^2/nC) / mC^2} so that it holds at {@code mT = 0}, and the interval
   *       {@code mT / mC +- z sqrt(Var) - 1} with the normal quantile {@code z}: there is no exact degrees of freedom
   *       for a ratio, and the method is already a large-sample one. NaN, with its interval, when the control mean
   *       is 0 or negative: a share of a negative baseline reads backwards (a change in CLV of -6 against -59 would
   *       be "-90%" for a treatment that lost far less).</li>
   *   <li>When both variances are 0 (every customer in a group has the same value) the standard errors are 0: both
   *       intervals are the point estimate itself, and the p-value is 1 when the means are equal, else 0 (Welch's
   *       degrees of freedom are then 0/0; the limit of the test is taken instead). "Equal" allows for the rounding
   *       of the sums: {@code |mT - mC|} at most {@code (nT + nC) 2^-52} of the larger mean, so that 8 and 11
   *       customers who each spent 9.99 have equal means, although their sums divided by 8 and 11 differ by
   *       {@code 2^-49} in double arithmetic.</li>
   * </ul>
   *
   * @throws IllegalArgumentException when a group has fewer than 2 customers, a sum is not finite, a sum of squares
   *                                  is less than {@code sum^2 / n} beyond the rounding above (no set of values
   *                                  has a smaller one), or {@code confidence} is not strictly between 0 and 1;
   *                                  the message names the argument, its value and what was expected
   */
  public static Estimate means(long treatmentCustomers, double treatmentSum, double treatmentSumOfSquares,
      long controlCustomers, double controlSum, double controlSumOfSquares, double confidence) {
    requireAtLeast("treatmentCustomers", treatmentCustomers, 2, " (a sample variance needs two values)");
    requireAtLeast("controlCustomers", controlCustomers, 2, " (a sample variance needs two values)");
    double varianceT = variance("treatment", treatmentCustomers, treatmentSum, treatmentSumOfSquares);
    double varianceC = variance("control", controlCustomers, controlSum, controlSumOfSquares);
    double z = normalQuantile(confidence);

    double nT = treatmentCustomers;
    double nC = controlCustomers;
    double meanT = treatmentSum / nT;
    double meanC = controlSum / nC;
    double difference = meanT - meanC;
    double squaredErrorT = varianceT / nT;
    double squaredErrorC = varianceC / nC;
    double squaredError = squaredErrorT + squaredErrorC;

    double absoluteLow = difference;
    double absoluteHigh = difference;
    double roundingOfMeans = (nT + nC) * ROUNDING * Math.max(Math.abs(meanT), Math.abs(meanC));
    double pValue = Math.abs(difference) <= roundingOfMeans ? 1 : 0;
    if (squaredError > 0) {
      double se = Math.sqrt(squaredError);
      double df = squaredError * squaredError
          / (squaredErrorT * squaredErrorT / (nT - 1) + squaredErrorC * squaredErrorC / (nC - 1));
      TDistribution t = new TDistribution(null, df, T_QUANTILE_ACCURACY);
      double halfWidth = t.inverseCumulativeProbability(1 - (1 - confidence) / 2) * se;
      absoluteLow = difference - halfWidth;
      absoluteHigh = difference + halfWidth;
      pValue = 2 * t.cumulativeProbability(-Math.abs(difference) / se);
    }

    double relative = Double.NaN;
    double relativeLow = Double.NaN;
    double relativeHigh = Double.NaN;
    if (meanC > 0) {
      double ratio = meanT / meanC;
      double ratioSe = Math.sqrt(squaredErrorT + ratio * ratio * squaredErrorC) / Math.abs(meanC);
      relative = difference / meanC;
      relativeLow = relative - z * ratioSe;
      relativeHigh = relative + z * ratioSe;
    }
    return new Estimate(meanT, meanC, difference, absoluteLow, absoluteHigh, relative, relativeLow, relativeHigh,
        pValue);
  }

  /** The Wilson score interval {@code {low, high}} of {@code x / n}, exactly 0 at {@code x = 0}, 1 at {@code x = n}. */
  private static double[] wilson(long x, long n, double z) {
    double p = (double) x / n;
    double z2 = z * z;
    double denominator = 1 + z2 / n;
    double centre = (p + z2 / (2.0 * n)) / denominator;
    double halfWidth = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
    double low = x == 0 ? 0 : centre - halfWidth;
    double high = x == n ? 1 : centre + halfWidth;
    return new double[] {low, high};
  }

  /** The group's sample variance (divisor {@code n - 1}) from its count, sum and sum of squares. */
  private static double variance(String group, long customers, double sum, double sumOfSquares) {
    if (!Double.isFinite(sum)) {
      throw new IllegalArgumentException(group + "Sum must be finite, got " + sum);
    }
    if (!Double.isFinite(sumOfSquares)) {
      throw new IllegalArgumentException(group + "SumOfSquares must be finite, got " + sumOfSquares);
    }
    double n = customers;
    // n * sumOfSquares - sum^2, each product split into its rounded value and its exact rounding error
    double scaled = n * sumOfSquares;
    double scaledError = Math.fma(n, sumOfSquares, -scaled);
    double square = sum * sum;
    double squareError = Math.fma(sum, sum, -square);
    double centred = (scaled - square) + (scaledError - squareError);
    // the rounding of the two sums, up to (n - 1) 2^-53 of n sumOfSquares and twice that of sum^2, with slack
    double tolerance = 2 * n * ROUNDING * scaled;
    if (centred < -tolerance) {
      throw new IllegalArgumentException(group + "SumOfSquares must be at least " + group + "Sum^2 / " + group
          + "Customers = " + square / n + " (no set of values has a smaller sum of squares), got " + sumOfSquares);
    }
    if (centred <= tolerance) {
      return 0;
    }
    return centred / n / (n - 1);
  }

  /** The standard normal quantile at {@code (1 + confidence) / 2}, after checking {@code confidence}. */
  private static double normalQuantile(double confidence) {
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be strictly between 0 and 1, got " + confidence);
    }
    return -STANDARD_NORMAL.inverseCumulativeProbability((1 - confidence) / 2);
  }

  private static void requireAtLeast(String name, long value, long minimum, String why) {
    if (value < minimum) {
      throw new IllegalArgumentException(name + " must be at least " + minimum + why + ", got " + value);
    }
  }

  private static void requireConversions(String name, long conversions, String customersName, long customers) {
    if (conversions < 0 || conversions > customers) {
      throw new IllegalArgumentException(name + " must be between 0 and " + customersName + " = " + customers
          + ", got " + conversions);
    }
  }
}

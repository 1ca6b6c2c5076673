package io.kindred.clv;

/**
 * The Gauss hypergeometric function {@code 2F1(a, b; c; z)} for {@code 0 <= z < 1}, by its power series with a
 * checked stopping rule. The CLV models call it only in Euler-transformed form
 * ({@code 2F1(a, b; c; z) = (1 - z)^(c - a - b) 2F1(c - a, c - b; c; z)}), where the upper parameters do not grow
 * with the customer's purchase count, so the terms stay bounded and the series converges geometrically in
 * {@code z}.
 */
public final class Hypergeometric {

  /** Most terms summed before the series is declared not convergent. */
  static final int MAX_TERMS = 1_000_000;

  private static final double EPSILON = 1e-15;

  private Hypergeometric() {
  }

  /**
   * {@code 2F1(a, b; c; z) = sum_k (a)_k (b)_k / ((c)_k k!) z^k}.
   *
   * <p>Stops once {@code k} is past every sign change of the term ratio
   * {@code rho_k = (a + k)(b + k) / ((c + k)(k + 1)) z} and the geometric bound of the remaining tail,
   * {@code |term| rho / (1 - rho)} with {@code rho = max(rho_k, z)}, is below {@code 1e-15 |sum|}; or when a term is
   * exactly zero (a terminating series).
   *
   * @throws IllegalArgumentException when {@code z} is outside {@code [0, 1)}, a value is not finite or {@code c} is
   *                                  a non-positive integer (the function is undefined)
   * @throws ArithmeticException      when the series has not converged after {@value #MAX_TERMS} terms
   */
  public static double hyp2f1(double a, double b, double c, double z) {
    if (!Double.isFinite(a) || !Double.isFinite(b) || !Double.isFinite(c)) {
      throw new IllegalArgumentException("2F1 parameters must be finite, got a = " + a + ", b = " + b + ", c = " + c);
    }
    if (!(z >= 0 && z < 1)) {
      throw new IllegalArgumentException("2F1 is evaluated for 0 <= z < 1 only, got z = " + z);
    }
    if (c <= 0 && c == Math.rint(c)) {
      throw new IllegalArgumentException("2F1 is undefined for c a non-positive integer, got c = " + c);
    }
    double sum = 1;
    double term = 1;
    // Beyond this index every factor (a + k), (b + k), (c + k) has a fixed sign and the ratio is monotone.
    double settled = Math.max(Math.max(-a, -b), Math.max(-c, 0)) + 1;
    for (int k = 0; k < MAX_TERMS; k++) {
      double ratio = (a + k) * (b + k) / ((c + k) * (k + 1.0)) * z;
      term *= ratio;
      if (term == 0) {
        return sum;
      }
      sum += term;
      if (k >= settled) {
        double rho = Math.max(Math.abs(ratio), z);
        if (rho < 1 && Math.abs(term) * rho / (1 - rho) <= EPSILON * Math.abs(sum)) {
          return sum;
        }
      }
    }
    throw new ArithmeticException("2F1(" + a + ", " + b + "; " + c + "; " + z + ") did not converge after "
        + MAX_TERMS + " terms (partial sum " + sum + ", last term " + term + ")");
  }

  /**
   * {@code 2F1(1, b; c; z) = sum_k (b)_k / (c)_k z^k} for {@code 0 < b < c} and {@code 0 <= z < 1}, with its partial
   * derivatives in {@code b}, {@code c} and {@code z}: {@code {F, dF/db, dF/dc, dF/dz}}. With {@code b < c} every
   * term ratio {@code (b + k) / (c + k) z} is below {@code z}, so the terms fall monotonically and the tail after a
   * term is at most {@code term z / (1 - z)}; the series stops once the tails of the value and of the derivative
   * sums (whose factors grow at most linearly in {@code k}) are below {@code 1e-15} of the value. Pareto/NBD's
   * likelihood is written with this function only (see {@link ParetoNbdLikelihood}).
   *
   * @throws IllegalArgumentException when the arguments are outside that domain
   * @throws ArithmeticException      when the series has not converged after {@value #MAX_TERMS} terms ({@code z}
   *                                  within about {@code 4e-5} of 1)
   */
  static double[] hyp2f1UnitWithDerivatives(double b, double c, double z) {
    if (!(b > 0 && c > b) || !Double.isFinite(c)) {
      throw new IllegalArgumentException("2F1(1, b; c; z) is evaluated for 0 < b < c only, got b = " + b + ", c = "
          + c);
    }
    if (!(z >= 0 && z < 1)) {
      throw new IllegalArgumentException("2F1 is evaluated for 0 <= z < 1 only, got z = " + z);
    }
    if (z == 0) {
      return new double[] {1, 0, 0, b / c};
    }
    double sum = 1;
    double sumB = 0;
    double sumC = 0;
    // sum over k of k term_k, divided by z at the end: dF/dz
    double sumK = 0;
    double term = 1;
    // d ln(term_k) / db and d ln(term_k) / dc
    double logB = 0;
    double logC = 0;
    // the tail of sum_j term_j g_j after term k is below 2 term_k g_k / (1 - z)^2 for the factors g here
    double tail = 2 / ((1 - z) * (1 - z));
    for (int k = 0; k < MAX_TERMS; k++) {
      logB += 1 / (b + k);
      logC -= 1 / (c + k);
      term *= (b + k) / (c + k) * z;
      sum += term;
      sumB += term * logB;
      sumC += term * logC;
      sumK += term * (k + 1);
      if (term * (1 + logB - logC + k + 1) * tail <= EPSILON * sum || term == 0) {
        return new double[] {sum, sumB, sumC, sumK / z};
      }
    }
    throw new ArithmeticException("2F1(1, " + b + "; " + c + "; " + z + ") did not converge after " + MAX_TERMS
        + " terms (partial sum " + sum + ", last term " + term + ")");
  }
}

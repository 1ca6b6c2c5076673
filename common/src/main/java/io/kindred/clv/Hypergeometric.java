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
}

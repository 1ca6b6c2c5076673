package io.kindred.clv;

/**
 * Gauss's hypergeometric series 2F1(a, b; c; z) summed term by term (for |z| < 1), written here for tests and
 * independent of {@link Hypergeometric}: expected values built on it use nothing of the code under test.
 */
final class GaussSeries {

  private GaussSeries() {
  }

  static double hyp2f1(double a, double b, double c, double z) {
    double term = 1;
    double sum = 1;
    for (int n = 0; n < 1_000_000; n++) {
      term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
      sum += term;
      if (Math.abs(term) < 1e-17 * Math.abs(sum)) {
        return sum;
      }
    }
    throw new AssertionError("2F1(" + a + ", " + b + "; " + c + "; " + z + ") did not converge");
  }
}

package io.kindred.clv;

/**
 * Predictions shared by BG/NBD and MBG/NBD. The two differ only in when a customer may drop out (after each repeat
 * purchase, or also right after the first), which shifts {@code x} by one in the beta terms: {@code shift} is 0 for
 * BG/NBD and 1 for MBG/NBD.
 */
final class BetaGeometricPredictions {

  /** Below this distance of {@code a} from 1 the expectation is the mean of its values at 1 +- this (a removable
   *  singularity; the error is of order this squared). */
  private static final double A_NEAR_ONE = 1e-4;

  private BetaGeometricPredictions() {
  }

  /**
   * P(alive | x, t_x, T) = 1 / (1 + [x > 0 or MBG] a / (b + x - 1 + shift) ((alpha + T) / (alpha + t_x))^(r + x)),
   * as a logistic function of the log-odds so that it never overflows.
   */
  static double probabilityAlive(int shift, double r, double alpha, double a, double b, long x, double tx,
                                 double age) {
    TransactionModel.checkHistory(x, tx, age);
    if (shift == 0 && x == 0) {
      return 1.0;
    }
    double logOdds = Math.log(a) - Math.log(b + x - 1 + shift)
        + (r + x) * (Math.log(alpha + age) - Math.log(alpha + tx));
    return BgNbdLikelihood.sigmoid(-logOdds);
  }

  /**
   * E[Y(t) | x, t_x, T] = (a + b + x - 1 + shift) / (a - 1)
   *   [1 - ((alpha + T) / (alpha + T + t))^(r + x) 2F1(r + x, b + x + shift; a + b + x - 1 + shift; z)] P(alive)
   * with {@code z = t / (alpha + T + t)} (FHL 2005 eq. 10; Wagner &amp; Hoppe 2008 for MBG). By Euler's transformation
   * the bracket is {@code 1 - (1 - z)^(a - 1) 2F1(a + b - 1 + shift - r, a - 1; a + b + x - 1 + shift; z)}, whose
   * series has bounded terms for every x.
   */
  static double expectedPurchases(int shift, double r, double alpha, double a, double b, double t, long x,
                                  double tx, double age) {
    TransactionModel.checkHorizon(t);
    double alive = probabilityAlive(shift, r, alpha, a, b, x, tx, age);
    if (t == 0 || alive == 0) {
      return 0.0;
    }
    double perAlive;
    if (Math.abs(a - 1) < A_NEAR_ONE) {
      perAlive = (perAliveCustomer(shift, r, alpha, 1 + A_NEAR_ONE, b, t, x, age)
          + perAliveCustomer(shift, r, alpha, 1 - A_NEAR_ONE, b, t, x, age)) / 2;
    } else {
      perAlive = perAliveCustomer(shift, r, alpha, a, b, t, x, age);
    }
    return perAlive * alive;
  }

  private static double perAliveCustomer(int shift, double r, double alpha, double a, double b, double t, long x,
                                         double age) {
    double c = a + b + x - 1 + shift;
    double z = t / (alpha + age + t);
    double logOneMinusZ = Math.log(alpha + age) - Math.log(alpha + age + t);
    double f = Hypergeometric.hyp2f1(a + b - 1 + shift - r, a - 1, c, z);
    double power = (a - 1) * logOneMinusZ;
    // 1 - e^power f = -(e^power - 1) - e^power (f - 1), accurate when both factors are near 1.
    double bracket = -Math.expm1(power) - Math.exp(power) * (f - 1);
    return c / (a - 1) * bracket;
  }
}

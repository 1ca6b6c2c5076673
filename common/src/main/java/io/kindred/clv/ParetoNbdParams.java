package io.kindred.clv;

import java.util.List;

/**
 * Fitted Pareto/NBD (Schmittlein, Morrison &amp; Colombo 1987): while active, a customer buys as a Poisson process
 * with rate {@code lambda ~ Gamma(r, alpha)}, and stays active for an exponential lifetime with rate
 * {@code mu ~ Gamma(s, beta)} (shapes r, s; rates alpha, beta), independent of the purchases. Unlike BG/NBD, a
 * customer may drop out at any time, also before a first repeat purchase. {@code alpha} and {@code beta} are in the
 * time unit of the data it was fitted on. Predictions follow Fader &amp; Hardie (2005), "A note on deriving the
 * Pareto/NBD model and related expressions".
 */
public record ParetoNbdParams(double r, double alpha, double s, double beta) implements TransactionModel {

  private static final long serialVersionUID = 1L;

  public static final String MODEL = "pareto_nbd";

  private static final String[] NAMES = {"r", "alpha", "s", "beta"};

  public ParetoNbdParams {
    ClvParams.requirePositive(MODEL, NAMES, r, alpha, s, beta);
  }

  @Override
  public String modelName() {
    return MODEL;
  }

  @Override
  public List<String> parameterNames() {
    return List.of(NAMES);
  }

  @Override
  public double[] values() {
    return new double[] {r, alpha, s, beta};
  }

  /**
   * {@code 1 / (1 + s / (r + s + x) (alpha + T)^(r + x) (beta + T)^s A0)} (the note's eq. 36, {@code A0} as in
   * {@link ParetoNbdLikelihood}): the share of the likelihood from "still active at T", as a logistic function of the
   * log-odds so that it never overflows. 1 when {@code t_x = T}.
   */
  @Override
  public double probabilityAlive(long x, double tx, double age) {
    TransactionModel.checkHistory(x, tx, age);
    double[] terms = new double[2];
    ParetoNbdLikelihood.mixtureTerms(r, alpha, s, beta, x, tx, age, terms, null);
    return BgNbdLikelihood.sigmoid(terms[0] - terms[1]);
  }

  /**
   * {@code E[Y(t) | x, t_x, T] = P(alive) (r + x) (beta + T) / ((alpha + T) (s - 1)) [1 - ((beta + T) / (beta + T +
   * t))^(s - 1)]} (the note's eq. 41; lifetimes' {@code conditional_expected_number_of_purchases_up_to_time}), at
   * {@code s = 1} its limit {@code P(alive) (r + x) / (alpha + T) (beta + T) ln((beta + T + t) / (beta + T))}.
   */
  @Override
  public double expectedPurchases(double t, long x, double tx, double age) {
    TransactionModel.checkHorizon(t);
    double alive = probabilityAlive(x, tx, age);
    if (t == 0 || alive == 0) {
      return 0.0;
    }
    double logRatio = Math.log(beta + age) - Math.log(beta + age + t);
    return alive * (r + x) / (alpha + age) * (beta + age) * oneMinusPowerOver(s - 1, logRatio);
  }

  /**
   * {@code E[X(t)] = r beta / (alpha (s - 1)) [1 - (beta / (beta + t))^(s - 1)]} (the note's eq. 27), at
   * {@code s = 1} its limit {@code r beta / alpha ln((beta + t) / beta)}.
   */
  @Override
  public double expectedPurchasesUnconditional(double t) {
    TransactionModel.checkHorizon(t);
    if (t == 0) {
      return 0.0;
    }
    double logRatio = Math.log(beta) - Math.log(beta + t);
    return r / alpha * beta * oneMinusPowerOver(s - 1, logRatio);
  }

  /**
   * {@code (1 - e^(e L)) / e}, accurate for small {@code e} through {@code expm1}, and {@code -L} at {@code e = 0}
   * (its limit).
   */
  private static double oneMinusPowerOver(double e, double logBase) {
    return e == 0 ? -logBase : -Math.expm1(e * logBase) / e;
  }
}

package io.kindred.clv;

import java.util.List;

/**
 * Fitted BG/NBD (Fader, Hardie &amp; Lee 2005): while active, a customer buys as a Poisson process with rate
 * {@code lambda ~ Gamma(r, alpha)} (shape r, rate alpha); after each repeat purchase the customer drops out for good
 * with probability {@code p ~ Beta(a, b)}.
 * {@code alpha} is in the time unit of the data it was fitted on.
 */
public record BgNbdParams(double r, double alpha, double a, double b) implements TransactionModel {

  private static final long serialVersionUID = 1L;

  public static final String MODEL = "bg_nbd";

  private static final String[] NAMES = {"r", "alpha", "a", "b"};

  public BgNbdParams {
    ClvParams.requirePositive(MODEL, NAMES, r, alpha, a, b);
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
    return new double[] {r, alpha, a, b};
  }

  @Override
  public double probabilityAlive(long x, double tx, double age) {
    return BetaGeometricPredictions.probabilityAlive(0, r, alpha, a, b, x, tx, age);
  }

  @Override
  public double expectedPurchases(double t, long x, double tx, double age) {
    return BetaGeometricPredictions.expectedPurchases(0, r, alpha, a, b, t, x, tx, age);
  }

  @Override
  public double expectedPurchasesUnconditional(double t) {
    return BetaGeometricPredictions.expectedPurchases(0, r, alpha, a, b, t, 0, 0, 0);
  }
}

package io.kindred.clv;

import java.util.List;

/**
 * Fitted Modified BG/NBD (Batislam, Denizel &amp; Filiztekin 2007; Wagner &amp; Hoppe 2008): as BG/NBD, but a
 * customer may also drop out right after the first purchase, so a customer with {@code x = 0} is not certainly alive.
 * {@code alpha} is in the time unit of the data it was fitted on.
 */
public record ModifiedBgNbdParams(double r, double alpha, double a, double b) implements TransactionModel {

  private static final long serialVersionUID = 1L;

  public static final String MODEL = "mbg_nbd";

  private static final String[] NAMES = {"r", "alpha", "a", "b"};

  public ModifiedBgNbdParams {
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
    return BetaGeometricPredictions.probabilityAlive(1, r, alpha, a, b, x, tx, age);
  }

  @Override
  public double expectedPurchases(double t, long x, double tx, double age) {
    return BetaGeometricPredictions.expectedPurchases(1, r, alpha, a, b, t, x, tx, age);
  }

  @Override
  public double expectedPurchasesUnconditional(double t) {
    return BetaGeometricPredictions.expectedPurchases(1, r, alpha, a, b, t, 0, 0, 0);
  }
}

package io.kindred.clv;

import java.util.List;

/**
 * BG/NBD or MBG/NBD at its {@code a -> 0} boundary: the dropout probability's Beta(a, b) piles up at 0, so nobody
 * drops out and purchases follow the NBD (Poisson with rate {@code lambda ~ Gamma(r, alpha)}). {@code b} is not
 * identified there and is not recorded. Recorded as the fitted model ({@code bg_nbd} or {@code mbg_nbd}) with
 * parameters {@code r, alpha} and {@code a = 0}.
 *
 * <p>Predictions are the limits of the models' formulas as {@code a -> 0}: P(alive) = 1; E[Y(t) | x, t_x, T] =
 * {@code (r + x) t / (alpha + T)} (the posterior mean rate {@code (r + x) / (alpha + T)} times {@code t}); for a new
 * customer E[Y(t)] = {@code r t / alpha}.
 *
 * @param model the model that was fitted, {@link BgNbdParams#MODEL} or {@link ModifiedBgNbdParams#MODEL}
 */
public record NoDropoutLimit(String model, double r, double alpha) implements TransactionModel {

  private static final long serialVersionUID = 1L;

  /** What sits on the boundary, as recorded in {@code gold/clv_models.boundary}. */
  public static final String BOUNDARY = "a -> 0";

  private static final String[] NAMES = {"r", "alpha", "a"};

  public NoDropoutLimit {
    if (!BgNbdParams.MODEL.equals(model) && !ModifiedBgNbdParams.MODEL.equals(model)) {
      throw new IllegalArgumentException("the no-dropout limit is that of " + BgNbdParams.MODEL + " or "
          + ModifiedBgNbdParams.MODEL + ", got " + model);
    }
    ClvParams.requirePositive(model, new String[] {"r", "alpha"}, r, alpha);
  }

  @Override
  public String modelName() {
    return model;
  }

  @Override
  public List<String> parameterNames() {
    return List.of(NAMES);
  }

  /** {@code r, alpha, a = 0}. */
  @Override
  public double[] values() {
    return new double[] {r, alpha, 0};
  }

  @Override
  public double probabilityAlive(long x, double tx, double age) {
    TransactionModel.checkHistory(x, tx, age);
    return 1.0;
  }

  @Override
  public double expectedPurchases(double t, long x, double tx, double age) {
    TransactionModel.checkHistory(x, tx, age);
    TransactionModel.checkHorizon(t);
    return (r + x) * t / (alpha + age);
  }

  @Override
  public double expectedPurchasesUnconditional(double t) {
    TransactionModel.checkHorizon(t);
    return r * t / alpha;
  }
}

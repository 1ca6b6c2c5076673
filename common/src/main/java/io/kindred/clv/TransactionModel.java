package io.kindred.clv;

/**
 * A fitted purchase-count model (BG/NBD, MBG/NBD or Pareto/NBD) and what it predicts for a customer with history
 * {@code (x, t_x, T)}. Times are in the unit the model was fitted in.
 */
public interface TransactionModel extends ClvParams {

  /** P(the customer is still active at {@code T} | x, t_x, T). */
  double probabilityAlive(long x, double tx, double age);

  /** E[repeat purchases in (T, T + t] | x, t_x, T]: the conditional expectation. */
  double expectedPurchases(double t, long x, double tx, double age);

  /** E[repeat purchases in (0, t]] for a customer just acquired (made the first purchase at 0). */
  double expectedPurchasesUnconditional(double t);

  /** Fails with the offending value unless {@code 0 <= t_x <= T}, {@code x >= 0} and {@code t_x = 0} when x = 0. */
  static void checkHistory(long x, double tx, double age) {
    if (x < 0) {
      throw new IllegalArgumentException("x must be >= 0, got " + x);
    }
    if (!Double.isFinite(age) || age < 0) {
      throw new IllegalArgumentException("T must be a finite number >= 0, got " + age);
    }
    if (!Double.isFinite(tx) || tx < 0 || tx > age) {
      throw new IllegalArgumentException("t_x must be a finite number in [0, T = " + age + "], got " + tx);
    }
    if (x == 0 && tx != 0) {
      throw new IllegalArgumentException("t_x must be 0 when x = 0, got " + tx);
    }
  }

  /** Fails unless {@code t} is a finite number >= 0. */
  static void checkHorizon(double t) {
    if (!Double.isFinite(t) || t < 0) {
      throw new IllegalArgumentException("t (the prediction horizon) must be a finite number >= 0, got " + t);
    }
  }
}

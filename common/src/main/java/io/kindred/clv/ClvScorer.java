package io.kindred.clv;

import java.io.Serializable;

/**
 * Scores customers with fitted models: serializable, so a Spark job builds one on the driver and uses it in
 * {@code mapPartitions} or a UDF. Immutable and thread-safe.
 *
 * <p>Customers with {@code x = 0} get the Gamma-Gamma population mean as expected spend (the documented fallback:
 * they have no repeat purchase to average), which needs {@code q > 1}; a scorer with {@code q <= 1} is refused.
 */
public final class ClvScorer implements Serializable {

  private static final long serialVersionUID = 1L;

  private final TransactionModel purchases;
  private final SpendModel spend;
  private final PeriodUnit unit;
  private final ClvHorizon horizon;

  /**
   * @param purchases a fitted BG/NBD or MBG/NBD, fitted in {@code unit}
   * @param spend     a fitted Gamma-Gamma, or its {@code p -> infinity} limit
   * @param unit      the unit of {@code t_x}, {@code T} and the fit
   * @param horizon   the CLV horizon, its month length in {@code unit}
   * @throws IllegalArgumentException when {@code spend.q() <= 1} (infinite population mean spend)
   */
  public ClvScorer(TransactionModel purchases, SpendModel spend, PeriodUnit unit, ClvHorizon horizon) {
    double q = spend instanceof GammaGammaParams g ? g.q()
        : spend instanceof ConstantSpendLimit c ? c.q() : Double.POSITIVE_INFINITY; // SameSpendLimit: q -> infinity
    if (!(q > 1)) {
      throw new IllegalArgumentException("the Gamma-Gamma model needs q > 1 for a finite expected spend of customers"
          + " without repeat purchases, got q = " + q);
    }
    this.purchases = purchases;
    this.spend = spend;
    this.unit = unit;
    this.horizon = horizon;
  }

  public TransactionModel purchases() {
    return purchases;
  }

  public SpendModel spend() {
    return spend;
  }

  public PeriodUnit unit() {
    return unit;
  }

  public ClvHorizon horizon() {
    return horizon;
  }

  /**
   * Predictions for a customer with {@code x} repeat purchases, recency {@code tx}, age {@code age} (in
   * {@link #unit()}) and mean repeat-purchase value {@code mbar} (ignored when {@code x = 0}).
   */
  public CustomerValue score(long x, double tx, double age, double mbar) {
    double alive = purchases.probabilityAlive(x, tx, age);
    double spendPerPurchase = spend.expectedAverageSpend(x, mbar);
    return new CustomerValue(alive,
        purchases.expectedPurchases(unit.fromDays(30), x, tx, age),
        purchases.expectedPurchases(unit.fromDays(90), x, tx, age),
        purchases.expectedPurchases(unit.fromDays(365), x, tx, age),
        spendPerPurchase,
        CustomerLifetimeValue.clv(purchases, spendPerPurchase, x, tx, age, horizon));
  }
}

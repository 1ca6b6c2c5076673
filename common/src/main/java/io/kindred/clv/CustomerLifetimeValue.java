package io.kindred.clv;

/**
 * Discounted customer lifetime value, as lifetimes' {@code customer_lifetime_value}: the expected repeat purchases
 * in each month of the horizon, times the expected spend per purchase, discounted monthly.
 * <pre>
 * CLV = sum_{i = 1..months} spend (E[Y(i L) | x, t_x, T] - E[Y((i - 1) L) | x, t_x, T]) / (1 + d)^i
 * </pre>
 * with {@code L} the month length in the model's time unit and {@code d} the monthly discount rate.
 */
public final class CustomerLifetimeValue {

  private CustomerLifetimeValue() {
  }

  /**
   * @param model          a fitted purchase model, in the unit of {@code tx}, {@code age} and
   *                       {@code horizon.monthLength()}
   * @param expectedSpend  expected value of one purchase, e.g. {@link GammaGammaParams#expectedAverageSpend}
   */
  public static double clv(TransactionModel model, double expectedSpend, long x, double tx, double age,
                           ClvHorizon horizon) {
    if (!Double.isFinite(expectedSpend) || expectedSpend < 0) {
      throw new IllegalArgumentException("expectedSpend must be a finite number >= 0, got " + expectedSpend);
    }
    double total = 0;
    double previous = 0;
    double discount = 1;
    for (int month = 1; month <= horizon.months(); month++) {
      double cumulative = model.expectedPurchases(month * horizon.monthLength(), x, tx, age);
      discount /= 1 + horizon.monthlyDiscountRate();
      total += expectedSpend * (cumulative - previous) * discount;
      previous = cumulative;
    }
    return total;
  }
}

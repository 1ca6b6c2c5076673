package io.kindred.clv;

import java.io.Serializable;

/**
 * What {@link ClvScorer} predicts for one customer.
 *
 * @param probabilityAlive     P(still active at the end of the calibration window)
 * @param expectedPurchases30  expected repeat purchases in the next 30 days
 * @param expectedPurchases90  ... 90 days
 * @param expectedPurchases365 ... 365 days
 * @param expectedAverageSpend expected value of one future purchase (Gamma-Gamma)
 * @param clv                  discounted value of the expected purchases over the scorer's horizon
 */
public record CustomerValue(double probabilityAlive, double expectedPurchases30, double expectedPurchases90,
                            double expectedPurchases365, double expectedAverageSpend, double clv)
    implements Serializable {

  private static final long serialVersionUID = 1L;
}

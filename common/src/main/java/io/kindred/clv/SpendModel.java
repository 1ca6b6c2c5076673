package io.kindred.clv;

/** A fitted spend model: Gamma-Gamma ({@link GammaGammaParams}) or its {@code p -> infinity} limit. */
public sealed interface SpendModel extends ClvParams permits GammaGammaParams, ConstantSpendLimit, SameSpendLimit {

  /**
   * E[value of a purchase | x repeat purchases of mean value {@code mbar}]; for {@code x = 0} the population mean
   * (and {@code mbar} is ignored).
   */
  double expectedAverageSpend(long x, double mbar);

  /** E[mean spend] of a customer with no repeat purchase. */
  double populationMeanSpend();
}

package io.kindred.clv;

import java.util.List;

/**
 * Gamma-Gamma when every repeat buyer's mean spend is one value {@code m} (a shop with one price, a subscription): the
 * likelihood has no maximum, it grows without bound as both shapes grow, {@code p -> infinity} (no variation within a
 * customer) and {@code q -> infinity} (none between customers), with the population mean {@code p gamma / (q - 1)}
 * held at {@code m}. Not even {@link ConstantSpendLimit} (only {@code p -> infinity}) has a maximum there: its
 * inverse-gamma mixing distribution must shrink to the point {@code m}.
 *
 * <p>Predictions are what Fader, Hardie &amp; Lee's {@code E[Z | x, mbar] = (p gamma + p x mbar) / (p x + q - 1)}
 * gives when every {@code mbar} is {@code m}: {@code m}, for every {@code x}. A customer outside the fit (outside a
 * {@code --calibration-start} cohort) whose repeat purchases average another value keeps their own mean, as under
 * {@link ConstantSpendLimit}; one without a repeat purchase gets {@code m}. Recorded as {@code gamma_gamma} with the
 * one parameter {@code mean_spend}, no standard error (the data fix it exactly) and an infinite log-likelihood.
 */
public record SameSpendLimit(double meanSpend) implements SpendModel {

  private static final long serialVersionUID = 1L;

  /** What sits on the boundary, as recorded in {@code gold/clv_models.boundary}. */
  public static final String BOUNDARY = "p, q -> infinity";

  private static final String[] NAMES = {"mean_spend"};

  public SameSpendLimit {
    ClvParams.requirePositive(GammaGammaParams.MODEL, NAMES, meanSpend);
  }

  @Override
  public String modelName() {
    return GammaGammaParams.MODEL;
  }

  @Override
  public List<String> parameterNames() {
    return List.of(NAMES);
  }

  @Override
  public double[] values() {
    return new double[] {meanSpend};
  }

  /** {@code m}. */
  @Override
  public double populationMeanSpend() {
    return meanSpend;
  }

  /** {@code mbar} for {@code x >= 1} ({@code m} for every customer the fit saw), {@code m} for {@code x = 0}. */
  @Override
  public double expectedAverageSpend(long x, double mbar) {
    if (x < 0) {
      throw new IllegalArgumentException("x must be >= 0, got " + x);
    }
    if (x == 0) {
      return meanSpend;
    }
    if (!(mbar >= 0) || !Double.isFinite(mbar)) {
      throw new IllegalArgumentException("mbar must be a finite number >= 0 when x = " + x + ", got " + mbar);
    }
    return mbar;
  }
}

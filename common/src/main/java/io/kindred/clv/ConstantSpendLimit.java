package io.kindred.clv;

import java.util.List;

/**
 * Gamma-Gamma at its {@code p -> infinity} boundary: every purchase of a customer has the same value, the customer's
 * mean {@code zeta}, and {@code zeta ~ InverseGamma(q, theta)} across customers, where {@code theta} is the limit of
 * {@code p gamma} (the mean {@code p / nu} of the customer's spend keeps its distribution as {@code p} and the rate
 * {@code gamma}'s inverse grow together). The fitted likelihood is that of {@code mbar ~ InverseGamma(q, theta)},
 * whatever {@code x}. It is where the Gamma-Gamma fit goes when mean spend varies no less among customers with many
 * repeat purchases than among those with few (the model would have it shrink as {@code 1 / x}).
 *
 * <p>Predictions are the limit of Fader, Hardie &amp; Lee's {@code E[Z | x, mbar] = p (gamma + x mbar) / (p x + q -
 * 1) = (p gamma + p x mbar) / (p x + q - 1)} as {@code p -> infinity} with {@code p gamma -> theta}: {@code mbar}
 * for {@code x >= 1} (the weight {@code p x / (p x + q - 1)} of the customer's own mean goes to 1), and the
 * population mean {@code theta / (q - 1)} for {@code x = 0}. Recorded as {@code gamma_gamma} with parameters
 * {@code q} and {@code p_gamma} (= theta).
 */
public record ConstantSpendLimit(double q, double theta) implements SpendModel {

  private static final long serialVersionUID = 1L;

  /** What sits on the boundary, as recorded in {@code gold/clv_models.boundary}. */
  public static final String BOUNDARY = "p -> infinity";

  private static final String[] NAMES = {"q", "p_gamma"};

  public ConstantSpendLimit {
    ClvParams.requirePositive(GammaGammaParams.MODEL, NAMES, q, theta);
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
    return new double[] {q, theta};
  }

  /**
   * {@code theta / (q - 1)}.
   *
   * @throws IllegalStateException when {@code q <= 1}: the population mean is infinite
   */
  @Override
  public double populationMeanSpend() {
    if (!(q > 1)) {
      throw new IllegalStateException("the Gamma-Gamma population mean spend (p gamma) / (q - 1) needs q > 1, got q = "
          + q);
    }
    return theta / (q - 1);
  }

  /** {@code mbar} for {@code x >= 1}, the population mean for {@code x = 0}. */
  @Override
  public double expectedAverageSpend(long x, double mbar) {
    if (x < 0) {
      throw new IllegalArgumentException("x must be >= 0, got " + x);
    }
    if (x == 0) {
      return populationMeanSpend();
    }
    if (!(mbar >= 0) || !Double.isFinite(mbar)) {
      throw new IllegalArgumentException("mbar must be a finite number >= 0 when x = " + x + ", got " + mbar);
    }
    return mbar;
  }
}

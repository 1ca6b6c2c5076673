package io.kindred.clv;

import java.util.List;

/**
 * Fitted Gamma-Gamma spend model (Fader, Hardie &amp; Lee 2005, "RFM and CLV"): each transaction's value is
 * {@code Gamma(p, nu)} around a customer's mean, and {@code nu ~ Gamma(q, gamma)} across customers, independent of
 * the purchase process. The population mean of a customer's mean spend is {@code p gamma / (q - 1)}, finite only
 * for {@code q > 1}.
 */
public record GammaGammaParams(double p, double q, double gamma) implements SpendModel {

  private static final long serialVersionUID = 1L;

  public static final String MODEL = "gamma_gamma";

  private static final String[] NAMES = {"p", "q", "gamma"};

  public GammaGammaParams {
    ClvParams.requirePositive(MODEL, NAMES, p, q, gamma);
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
    return new double[] {p, q, gamma};
  }

  /**
   * E[mean spend] of a customer with no repeat purchase: {@code p gamma / (q - 1)}.
   *
   * @throws IllegalStateException when {@code q <= 1}: the population mean is infinite
   */
  @Override
  public double populationMeanSpend() {
    if (!(q > 1)) {
      throw new IllegalStateException("the Gamma-Gamma population mean spend p gamma / (q - 1) needs q > 1, got q = "
          + q);
    }
    return p * gamma / (q - 1);
  }

  /**
   * E[M | x, mbar] = (p gamma + p x mbar) / (p x + q - 1): a weighted mean of the population mean and the customer's
   * mean {@code mbar} of their {@code x} repeat transactions (Hardie's note 025, eq. 5). For {@code x = 0} it is the
   * population mean and {@code mbar} is ignored. {@code mbar = 0} (repeat purchases all of value 0, which real data
   * has) is accepted here, though such customers cannot be part of the fit.
   *
   * @throws IllegalArgumentException for {@code x < 0}, or {@code x >= 1} with {@code mbar} not a finite number >= 0
   * @throws IllegalStateException    when {@code p x + q <= 1} (the expectation is infinite)
   */
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
    double denominator = p * x + q - 1;
    if (!(denominator > 0)) {
      throw new IllegalStateException("the Gamma-Gamma expected spend needs p x + q > 1, got p = " + p + ", x = " + x
          + ", q = " + q);
    }
    return (p * gamma + p * x * mbar) / denominator;
  }
}

package io.kindred.clv;

import java.io.Serializable;

/**
 * Settings of the L-BFGS maximum-likelihood fit.
 *
 * @param maxIterations     L-BFGS iterations before the fit fails as not converged
 * @param tolerance         convergence tolerance on the mean log-likelihood per customer and on its gradient
 *                          (breeze never goes below 1e-8 for the gradient)
 * @param memory            L-BFGS history length
 * @param minRepeatBuyers   fewest customers with {@code x >= 1} a fit accepts (Gamma-Gamma is fitted on them only;
 *                          BG/NBD needs some to identify the dropout process)
 * @param gammaGammaShapePenalty  {@code c >= 0}: the Gamma-Gamma fit maximises the mean log-likelihood per customer
 *                          minus {@code c ((ln p)^2 + (ln q)^2)}, a ridge on its two shape parameters towards 1 (the
 *                          rate {@code gamma} carries the currency and is not penalised, so the fit does not depend
 *                          on the unit of money). 0, the default, is the maximum-likelihood fit of the papers; a small
 *                          value (0.001 to 0.01) gives a finite fit on data whose likelihood has no maximum, where
 *                          spend varies less within customers than the model needs (p runs off to infinity)
 */
public record FitOptions(int maxIterations, double tolerance, int memory, long minRepeatBuyers,
                         double gammaGammaShapePenalty) implements Serializable {

  public static final FitOptions DEFAULT = new FitOptions(1000, 1e-10, 10, 10, 0);

  /** Options without a Gamma-Gamma shape penalty. */
  public FitOptions(int maxIterations, double tolerance, int memory, long minRepeatBuyers) {
    this(maxIterations, tolerance, memory, minRepeatBuyers, 0);
  }

  public FitOptions {
    if (maxIterations < 1) {
      throw new IllegalArgumentException("maxIterations must be >= 1, got " + maxIterations);
    }
    if (!(tolerance > 0) || !Double.isFinite(tolerance)) {
      throw new IllegalArgumentException("tolerance must be a finite number > 0, got " + tolerance);
    }
    if (memory < 1) {
      throw new IllegalArgumentException("memory must be >= 1, got " + memory);
    }
    if (minRepeatBuyers < 1) {
      throw new IllegalArgumentException("minRepeatBuyers must be >= 1, got " + minRepeatBuyers);
    }
    if (!(gammaGammaShapePenalty >= 0) || !Double.isFinite(gammaGammaShapePenalty)) {
      throw new IllegalArgumentException("gammaGammaShapePenalty must be a finite number >= 0, got "
          + gammaGammaShapePenalty);
    }
  }
}

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
 */
public record FitOptions(int maxIterations, double tolerance, int memory, long minRepeatBuyers)
    implements Serializable {

  public static final FitOptions DEFAULT = new FitOptions(1000, 1e-10, 10, 10);

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
  }
}

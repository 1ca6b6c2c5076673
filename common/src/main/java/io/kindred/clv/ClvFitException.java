package io.kindred.clv;

/**
 * A maximum-likelihood fit that did not produce a usable optimum: the optimiser stopped without converging, the
 * likelihood was not finite, or the Hessian at the optimum was not positive definite. The message names the model
 * and carries the optimiser's reason.
 */
public class ClvFitException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ClvFitException(String message) {
    this(message, null, Double.NaN);
  }

  public ClvFitException(String message, Throwable cause) {
    this(message, cause, Double.NaN);
  }

  /**
   * @param logLikelihoodWhereStopped the total log-likelihood where the optimiser stopped (NaN when unknown): a
   *                                  boundary fit is accepted only when its limit is at least as likely
   */
  public ClvFitException(String message, Throwable cause, double logLikelihoodWhereStopped) {
    super(message, cause);
    this.logLikelihoodWhereStopped = logLikelihoodWhereStopped;
  }

  private final double logLikelihoodWhereStopped;

  /** The total log-likelihood where the optimiser stopped, NaN when unknown. */
  public double logLikelihoodWhereStopped() {
    return logLikelihoodWhereStopped;
  }
}

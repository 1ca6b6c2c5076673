package io.kindred.social;

/**
 * An iterative graph algorithm reached its iteration limit before its convergence criterion held. The message
 * names the algorithm, the limit, the last measured change and the tolerance.
 */
public final class NotConvergedException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  /** @param message what did not converge, within how many iterations, the last change and the tolerance */
  public NotConvergedException(String message) {
    super(message);
  }
}

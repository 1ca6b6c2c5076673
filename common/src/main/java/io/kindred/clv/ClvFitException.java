package io.kindred.clv;

/**
 * A maximum-likelihood fit that did not produce a usable optimum: the optimiser stopped without converging, the
 * likelihood was not finite, or the Hessian at the optimum was not positive definite. The message names the model
 * and carries the optimiser's reason.
 */
public class ClvFitException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ClvFitException(String message) {
    super(message);
  }

  public ClvFitException(String message, Throwable cause) {
    super(message, cause);
  }
}

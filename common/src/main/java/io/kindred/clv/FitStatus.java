package io.kindred.clv;

import java.util.Locale;

/**
 * The verdict on a maximum-likelihood fit, recorded in {@code gold/clv_models.status}. A fit is accepted when the
 * Hessian where L-BFGS stopped is negative definite and the Newton step from there to the optimum of the local
 * quadratic is at most {@link MaximumLikelihood#MAX_NEWTON_STEP} standard errors in every parameter, whatever breeze
 * said when it stopped (at a million customers it often stops on "line search failed!" at the optimum, where floating
 * point cannot improve the objective any more).
 */
public enum FitStatus {
  /** Accepted, with every parameter inside {@code [1e-8, 1e8]}. */
  CONVERGED,
  /**
   * The likelihood's supremum is on a boundary of the parameter space and the fit is that limit
   * ({@link NoDropoutLimit}, {@link ConstantSpendLimit}, {@link SameSpendLimit}, named by {@link ClvFit#boundary()}),
   * or an accepted fit has
   * some parameter beyond {@code 1e8} or below {@code 1e-8}: the likelihood is flat towards a limiting model, so that
   * parameter and its standard error mean little beyond "very large" or "very small".
   */
  BOUNDARY,
  /** Accepted maximum of a penalised likelihood (Gamma-Gamma with a shape penalty), not the maximum-likelihood fit. */
  PENALISED,
  /**
   * Not accepted: the optimiser did not stop on a proper maximum. {@link ClvFitter} never returns such a fit (it
   * throws {@link ClvFitException}); the status names what a comparison of candidates left out.
   */
  FAILED;

  /** The status as recorded: {@code converged}, {@code boundary}, {@code penalised} or {@code failed}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}

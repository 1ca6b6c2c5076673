package io.kindred.clv;

import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One maximum-likelihood fit, as recorded in {@code gold/clv_models}.
 *
 * @param params         the fitted parameters
 * @param standardErrors standard errors of {@code params.values()}, same order (inverse observed information, delta
 *                       method from log-parameters)
 * @param logLikelihood  the total log-likelihood at the optimum (summed over customers, not averaged)
 * @param customers      customers the fit saw (the sum of the counts)
 * @param distinctRows   rows the likelihood looped over: distinct {@code (x, t_x, T)} triples for the purchase models,
 *                       {@code (x, mbar)} rows for Gamma-Gamma
 * @param iterations     L-BFGS iterations
 * @param convergence    breeze's convergence reason and the final gradient norm
 * @param status         the verdict: {@code converged}, {@code boundary} or {@code penalised} (see {@link FitStatus})
 * @param gradientNorm   norm of the gradient of the mean negative log-likelihood per customer where the fit stopped
 * @param newtonStep     the criterion that accepted the fit: the Newton step from where it stopped to the optimum of
 *                       the local quadratic, in standard errors of the log-parameter it is largest in (accepted at
 *                       most {@value MaximumLikelihood#MAX_NEWTON_STEP})
 * @param fitTime        wall time of the fit, standard errors included
 * @param boundary       null for an interior optimum; for a fit whose likelihood has its supremum on a boundary of
 *                       the parameter space (status {@code boundary}, {@code params} the limiting model, see
 *                       {@link NoDropoutLimit} and {@link ConstantSpendLimit}), what sits there: {@code a -> 0} or
 *                       {@code p -> infinity}
 */
public record ClvFit<P extends ClvParams>(P params, double[] standardErrors, double logLikelihood, long customers,
                                          long distinctRows, int iterations, String convergence, FitStatus status,
                                          double gradientNorm, double newtonStep, Duration fitTime,
                                          String boundary)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  public ClvFit {
    standardErrors = standardErrors.clone();
    java.util.Objects.requireNonNull(status, "status");
    if (standardErrors.length != params.values().length) {
      throw new IllegalArgumentException("one standard error per parameter expected: " + params.parameterNames()
          + ", got " + standardErrors.length);
    }
  }

  @Override
  public double[] standardErrors() {
    return standardErrors.clone();
  }

  /** The model's name, {@link ClvParams#modelName()}. */
  public String model() {
    return params.modelName();
  }

  /**
   * Parameter names to standard errors, in order; a parameter without one (NaN: at a boundary, such as {@code a = 0}
   * of {@link NoDropoutLimit}) is left out.
   */
  public Map<String, Double> standardErrorMap() {
    Map<String, Double> out = new LinkedHashMap<>();
    List<String> names = params.parameterNames();
    for (int i = 0; i < standardErrors.length; i++) {
      if (!Double.isNaN(standardErrors[i])) {
        out.put(names.get(i), standardErrors[i]);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "%s %s%s: %.1e standard errors from the optimum (accepted at <= %s),"
            + " gradient norm %.2g; %s se %s LL %.4f customers %d distinct %d iterations %d (breeze: %s) in %d ms",
        model(), status.code(), boundary == null ? "" : " (" + boundary + ")", newtonStep, MaximumLikelihood.MAX_NEWTON_STEP, gradientNorm, readable(params.asMap()),
        readable(standardErrorMap()), logLikelihood, customers, distinctRows, iterations, convergence,
        fitTime.toMillis());
  }

  /** Values as people read them in a log: four significant digits ({r=5.548, alpha=10.41}). */
  private static String readable(Map<String, Double> values) {
    return values.entrySet().stream()
        .map(e -> e.getKey() + "=" + String.format(java.util.Locale.ROOT, "%.4g", e.getValue()))
        .collect(java.util.stream.Collectors.joining(", ", "{", "}"));
  }
}

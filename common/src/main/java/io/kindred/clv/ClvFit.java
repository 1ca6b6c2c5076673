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
 * @param fitTime        wall time of the fit, standard errors included
 */
public record ClvFit<P extends ClvParams>(P params, double[] standardErrors, double logLikelihood, long customers,
                                          long distinctRows, int iterations, String convergence, Duration fitTime)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  public ClvFit {
    standardErrors = standardErrors.clone();
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

  /** Parameter names to standard errors, in order. */
  public Map<String, Double> standardErrorMap() {
    Map<String, Double> out = new LinkedHashMap<>();
    List<String> names = params.parameterNames();
    for (int i = 0; i < standardErrors.length; i++) {
      out.put(names.get(i), standardErrors[i]);
    }
    return out;
  }

  @Override
  public String toString() {
    return String.format("%s %s se %s LL %.4f customers %d distinct %d iterations %d (%s) in %d ms", model(),
        params.asMap(), standardErrorMap(), logLikelihood, customers, distinctRows, iterations, convergence,
        fitTime.toMillis());
  }
}

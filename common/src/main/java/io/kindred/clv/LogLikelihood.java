package io.kindred.clv;

/**
 * A weighted log-likelihood over log-parameters, with its analytic gradient. Package-private: the fitters build
 * one per model and hand it to {@link MaximumLikelihood}.
 */
interface LogLikelihood {

  /** Parameter names in the order of the vectors below. */
  String[] parameterNames();

  /** Number of customers the likelihood sums over (the sum of the weights). */
  long customers();

  /** Number of distinct rows the likelihood loops over. */
  long distinctRows();

  /**
   * The total weighted log-likelihood at {@code exp(logParams)}; when {@code gradient} is not null it receives the
   * gradient of the log-likelihood with respect to {@code logParams}.
   */
  double value(double[] logParams, double[] gradient);
}

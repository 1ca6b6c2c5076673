package io.kindred.clv;

/**
 * A log-likelihood minus a ridge on some of its log-parameters: {@code LL - c n sum (ln theta_i)^2} over the
 * penalised indices, with {@code n} the customers, so that {@code c} is per customer like the optimiser's mean
 * objective. Maximising it gives the penalised (maximum a posteriori under a log-normal prior) fit; its standard
 * errors, from the same numerical Hessian, include the penalty's curvature.
 */
final class PenalisedLikelihood implements LogLikelihood {

  private final LogLikelihood base;
  private final double coefficient;
  private final int[] penalised;

  PenalisedLikelihood(LogLikelihood base, double coefficient, int... penalised) {
    this.base = base;
    this.coefficient = coefficient;
    this.penalised = penalised.clone();
  }

  @Override
  public String[] parameterNames() {
    return base.parameterNames();
  }

  @Override
  public long customers() {
    return base.customers();
  }

  @Override
  public long distinctRows() {
    return base.distinctRows();
  }

  @Override
  public double value(double[] logParams, double[] gradient) {
    double value = base.value(logParams, gradient);
    double weight = coefficient * base.customers();
    for (int i : penalised) {
      value -= weight * logParams[i] * logParams[i];
      if (gradient != null) {
        gradient[i] -= 2 * weight * logParams[i];
      }
    }
    return value;
  }
}

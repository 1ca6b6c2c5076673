package io.kindred.clv;

import static org.apache.commons.math3.special.Gamma.digamma;
import static org.apache.commons.math3.special.Gamma.logGamma;

/**
 * The log-likelihood of BG/NBD and MBG/NBD at their {@code a -> 0} boundary, where nobody drops out: the NBD of
 * {@code x} repeat purchases in {@code T} (Poisson with a gamma-distributed rate), for one customer
 * <pre>
 * LL = lnG(r + x) - lnG(r) + r ln(alpha) - (r + x) ln(alpha + T)
 * </pre>
 * ({@code t_x} drops out: with no dropout, when the purchases fell says nothing). Summed over triples weighted by
 * their counts, with its analytic gradient in {@code (ln r, ln alpha)}.
 */
final class NbdLikelihood implements LogLikelihood {

  private static final String[] NAMES = {"r", "alpha"};

  private final RfmTriples data;

  NbdLikelihood(RfmTriples data) {
    this.data = data;
  }

  @Override
  public String[] parameterNames() {
    return NAMES.clone();
  }

  @Override
  public long customers() {
    return data.customers();
  }

  @Override
  public long distinctRows() {
    return data.size();
  }

  @Override
  public double value(double[] logParams, double[] gradient) {
    double r = Math.exp(logParams[0]);
    double alpha = Math.exp(logParams[1]);
    double lgR = logGamma(r);
    double psiR = gradient != null ? digamma(r) : 0;
    double logAlpha = logParams[1];
    double ll = 0;
    double dr = 0;
    double da = 0;
    for (int i = 0; i < data.size(); i++) {
      double w = data.count(i);
      int x = data.x(i);
      double logAlphaT = Math.log(alpha + data.age(i));
      ll += w * (logGamma(r + x) - lgR + r * logAlpha - (r + x) * logAlphaT);
      if (gradient != null) {
        dr += w * (digamma(r + x) - psiR + logAlpha - logAlphaT);
        da += w * (r / alpha - (r + x) / (alpha + data.age(i)));
      }
    }
    if (gradient != null) {
      gradient[0] = r * dr;
      gradient[1] = alpha * da;
    }
    return ll;
  }
}

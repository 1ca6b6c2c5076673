package io.kindred.clv;

import static org.apache.commons.math3.special.Gamma.digamma;
import static org.apache.commons.math3.special.Gamma.logGamma;

/**
 * The log-likelihood of Gamma-Gamma at its {@code p -> infinity} boundary ({@link ConstantSpendLimit}): each
 * customer's mean spend {@code m ~ InverseGamma(q, theta)},
 * <pre>
 * LL = q ln(theta) - lnG(q) - (q + 1) ln(m) - theta / m
 * </pre>
 * summed over rows weighted by their counts, with its analytic gradient in {@code (ln q, ln theta)}.
 */
final class InverseGammaLikelihood implements LogLikelihood {

  private static final String[] NAMES = {"q", "p_gamma"};

  private final SpendSummaries data;

  InverseGammaLikelihood(SpendSummaries data) {
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
    double q = Math.exp(logParams[0]);
    double theta = Math.exp(logParams[1]);
    double lgQ = logGamma(q);
    double ll = 0;
    double n = 0;
    double sumLogM = 0;
    double sumInvM = 0;
    for (int i = 0; i < data.size(); i++) {
      double w = data.count(i);
      double m = data.mbar(i);
      n += w;
      sumLogM += w * Math.log(m);
      sumInvM += w / m;
    }
    ll = n * (q * logParams[1] - lgQ) - (q + 1) * sumLogM - theta * sumInvM;
    if (gradient != null) {
      gradient[0] = q * (n * (logParams[1] - digamma(q)) - sumLogM);
      gradient[1] = theta * (n * q / theta - sumInvM);
    }
    return ll;
  }
}

package io.kindred.clv;

import static org.apache.commons.math3.special.Gamma.digamma;
import static org.apache.commons.math3.special.Gamma.logGamma;

/**
 * The Gamma-Gamma log-likelihood of mean transaction values (Fader, Hardie &amp; Lee 2005, "RFM and CLV"; Hardie's
 * note 025, eq. 1a), for one customer with {@code x} repeat transactions of mean value {@code m}:
 * <pre>
 * LL = lnG(px + q) - lnG(px) - lnG(q) + q ln(gamma) + (px - 1) ln(m) + px ln(x) - (px + q) ln(gamma + x m)
 * </pre>
 * summed over rows weighted by their counts, with its analytic gradient. The gamma-function terms depend on
 * {@code x} only and are computed once per distinct {@code x}.
 */
final class GammaGammaLikelihood implements LogLikelihood {

  private static final String[] NAMES = {"p", "q", "gamma"};

  private final SpendSummaries data;
  private final int[] xs;
  private final int[] xIndex;

  GammaGammaLikelihood(SpendSummaries data) {
    this.data = data;
    int[] x = new int[data.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = data.x(i);
    }
    this.xs = java.util.Arrays.stream(x).distinct().sorted().toArray();
    this.xIndex = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      xIndex[i] = java.util.Arrays.binarySearch(xs, x[i]);
    }
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
    double p = Math.exp(logParams[0]);
    double q = Math.exp(logParams[1]);
    double g = Math.exp(logParams[2]);
    boolean grad = gradient != null;
    double lgQ = logGamma(q);
    double psiQ = grad ? digamma(q) : 0;
    double logG = Math.log(g);
    double[] lgPxQ = new double[xs.length];
    double[] lgPx = new double[xs.length];
    double[] psiPxQ = new double[xs.length];
    double[] psiPx = new double[xs.length];
    for (int j = 0; j < xs.length; j++) {
      double px = p * xs[j];
      lgPxQ[j] = logGamma(px + q);
      lgPx[j] = logGamma(px);
      if (grad) {
        psiPxQ[j] = digamma(px + q);
        psiPx[j] = digamma(px);
      }
    }
    double ll = 0;
    double dp = 0;
    double dq = 0;
    double dg = 0;
    for (int i = 0; i < data.size(); i++) {
      double w = data.count(i);
      int x = data.x(i);
      int j = xIndex[i];
      double m = data.mbar(i);
      double px = p * x;
      double logM = Math.log(m);
      double logX = Math.log(x);
      double logGxm = Math.log(g + x * m);
      ll += w * (lgPxQ[j] - lgPx[j] - lgQ + q * logG + (px - 1) * logM + px * logX
          - (px + q) * logGxm);
      if (grad) {
        dp += w * x * (psiPxQ[j] - psiPx[j] + logM + logX - logGxm);
        dq += w * (psiPxQ[j] - psiQ + logG - logGxm);
        dg += w * (q / g - (px + q) / (g + x * m));
      }
    }
    if (grad) {
      gradient[0] = p * dp;
      gradient[1] = q * dq;
      gradient[2] = g * dg;
    }
    return ll;
  }
}

package io.kindred.clv;

import static org.apache.commons.math3.special.Gamma.digamma;
import static org.apache.commons.math3.special.Gamma.logGamma;

/**
 * The BG/NBD log-likelihood (Fader, Hardie &amp; Lee 2005, eq. 6) and its Modified BG/NBD variant (Batislam,
 * Denizel &amp; Filiztekin 2007), summed over distinct triples weighted by their counts, in the log-sum-exp form
 * of lifetimes.
 *
 * <p>BG/NBD, for one customer: {@code LL = A1 + A2 + log(exp(A3) + [x > 0] exp(A4))} with
 * <pre>
 * A1 = lnG(r + x) - lnG(r) + r ln(alpha)
 * A2 = lnG(a + b) + lnG(b + x) - lnG(b) - lnG(a + b + x)
 * A3 = -(r + x) ln(alpha + T)
 * A4 = ln(a) - ln(b + x - 1) - (r + x) ln(alpha + t_x)
 * </pre>
 * MBG/NBD: {@code LL = A1 + A2' + A3 + log(1 + exp(A4'))} with
 * <pre>
 * A2' = lnG(a + b) + lnG(b + x + 1) - lnG(b) - lnG(a + b + x + 1)
 * A4' = ln(a) - ln(b + x) + (r + x) (ln(alpha + T) - ln(alpha + t_x))
 * </pre>
 * The gradient is analytic (digamma); log-gamma and digamma of terms in {@code x} are computed once per distinct
 * {@code x}.
 */
final class BgNbdLikelihood implements LogLikelihood {

  private static final String[] NAMES = {"r", "alpha", "a", "b"};

  private final RfmTriples data;
  private final boolean modified;
  private final int[] xs;
  private final int[] xIndex;

  BgNbdLikelihood(RfmTriples data, boolean modified) {
    this.data = data;
    this.modified = modified;
    int[][] distinct = data.distinctX();
    this.xs = distinct[0];
    this.xIndex = distinct[1];
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
    double a = Math.exp(logParams[2]);
    double b = Math.exp(logParams[3]);
    boolean grad = gradient != null;
    // The modified model shifts the beta terms by one purchase.
    int shift = modified ? 1 : 0;

    int m = xs.length;
    double[] lgRx = new double[m];
    double[] lgBx = new double[m];
    double[] lgABx = new double[m];
    double[] psiRx = new double[m];
    double[] psiBx = new double[m];
    double[] psiABx = new double[m];
    for (int j = 0; j < m; j++) {
      int x = xs[j];
      lgRx[j] = logGamma(r + x);
      lgBx[j] = logGamma(b + x + shift);
      lgABx[j] = logGamma(a + b + x + shift);
      if (grad) {
        psiRx[j] = digamma(r + x);
        psiBx[j] = digamma(b + x + shift);
        psiABx[j] = digamma(a + b + x + shift);
      }
    }
    double lgR = logGamma(r);
    double lgAB = logGamma(a + b);
    double lgB = logGamma(b);
    double psiR = grad ? digamma(r) : 0;
    double psiAB = grad ? digamma(a + b) : 0;
    double psiB = grad ? digamma(b) : 0;
    double logAlpha = Math.log(alpha);
    double logA = Math.log(a);

    double ll = 0;
    double dr = 0;
    double dAlpha = 0;
    double da = 0;
    double db = 0;
    for (int i = 0; i < data.size(); i++) {
      int x = data.x(i);
      int j = xIndex[i];
      double w = data.count(i);
      double rx = r + x;
      double logAlphaT = Math.log(alpha + data.age(i));
      double logAlphaTx = Math.log(alpha + data.tx(i));
      double a1 = lgRx[j] - lgR + r * logAlpha;
      double a2 = lgAB + lgBx[j] - lgB - lgABx[j];
      double a3 = -rx * logAlphaT;
      // Weights of the two terms of the mixture in the gradient: w3 for "alive at T", w4 for "dropped out at t_x".
      double last;
      double w4;
      double bTerm;
      if (modified) {
        bTerm = b + x;
        double a4 = logA - Math.log(bTerm) + rx * (logAlphaT - logAlphaTx);
        last = a3 + softplus(a4);
        w4 = sigmoid(a4);
      } else if (x > 0) {
        bTerm = b + x - 1;
        double a4 = logA - Math.log(bTerm) - rx * logAlphaTx;
        double max = Math.max(a3, a4);
        double e3 = Math.exp(a3 - max);
        double e4 = Math.exp(a4 - max);
        last = max + Math.log(e3 + e4);
        w4 = e4 / (e3 + e4);
      } else {
        bTerm = 1;
        last = a3;
        w4 = 0;
      }
      ll += w * (a1 + a2 + last);
      if (grad) {
        double w3 = 1 - w4;
        double dLastDr;
        double dLastDalpha;
        if (modified) {
          dLastDr = -logAlphaT + w4 * (logAlphaT - logAlphaTx);
          dLastDalpha = -rx / (alpha + data.age(i)) + w4 * rx * (1 / (alpha + data.age(i)) - 1 / (alpha + data.tx(i)));
        } else {
          dLastDr = -w3 * logAlphaT - w4 * logAlphaTx;
          dLastDalpha = -w3 * rx / (alpha + data.age(i)) - w4 * rx / (alpha + data.tx(i));
        }
        dr += w * (psiRx[j] - psiR + logAlpha + dLastDr);
        dAlpha += w * (r / alpha + dLastDalpha);
        da += w * (psiAB - psiABx[j] + w4 / a);
        db += w * (psiAB + psiBx[j] - psiB - psiABx[j] - w4 / bTerm);
      }
    }
    if (grad) {
      // Chain rule to log-parameters: d/d(ln p) = p d/dp.
      gradient[0] = r * dr;
      gradient[1] = alpha * dAlpha;
      gradient[2] = a * da;
      gradient[3] = b * db;
    }
    return ll;
  }

  /** {@code ln(1 + e^v)} without overflow. */
  static double softplus(double v) {
    return v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
  }

  /** {@code 1 / (1 + e^-v)} without overflow. */
  static double sigmoid(double v) {
    if (v >= 0) {
      return 1 / (1 + Math.exp(-v));
    }
    double e = Math.exp(v);
    return e / (1 + e);
  }
}

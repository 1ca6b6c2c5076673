package io.kindred.clv;

import static org.apache.commons.math3.special.Gamma.digamma;
import static org.apache.commons.math3.special.Gamma.logGamma;

import java.util.Arrays;

/**
 * The Pareto/NBD log-likelihood (Schmittlein, Morrison &amp; Colombo 1987; Fader &amp; Hardie 2005, "A note on
 * deriving the Pareto/NBD model and related expressions", eq. 18-20), summed over distinct triples weighted by their
 * counts, with its analytic gradient.
 *
 * <p>For one customer: {@code LL = A1 + log(exp(L1) + exp(L2))} with
 * <pre>
 * A1 = lnG(r + x) - lnG(r) + r ln(alpha) + s ln(beta)
 * L1 = -(r + x) ln(alpha + T) - s ln(beta + T)                        (alive at T)
 * L2 = ln(s) - ln(r + s + x) + ln(A0)                                 (dropped out in (t_x, T])
 * A0 = e^P(t_x) - e^P(T)
 * </pre>
 * where, with {@code a = r + s + x}, the note's {@code e^P(u)} is {@code 2F1(a, s + 1; a + 1; (alpha - beta) /
 * (alpha + u)) / (alpha + u)^a} for {@code alpha >= beta} and {@code 2F1(a, r + x; a + 1; (beta - alpha) / (beta +
 * u)) / (beta + u)^a} for {@code alpha < beta}. Both are evaluated through Euler's transformation
 * {@code 2F1(a, b; a + 1; z) = (1 - z)^(1 - b) 2F1(1, a + 1 - b; a + 1; z)}, which gives
 * <pre>
 * alpha >= beta:  P(u) = -(r + x) ln(alpha + u) - s ln(beta + u) + ln 2F1(1, r + x; a + 1; z),
 *                 z = (alpha - beta) / (alpha + u)
 * alpha &lt;  beta:  P(u) = (1 - r - x) ln(alpha + u) - (s + 1) ln(beta + u) + ln 2F1(1, s + 1; a + 1; z),
 *                 z = (beta - alpha) / (beta + u)
 * </pre>
 * The remaining series {@link Hypergeometric#hyp2f1UnitWithDerivatives} has terms that fall monotonically for every
 * {@code x}, so nothing overflows however many purchases a customer made; {@code A0} is taken in log space as
 * {@code P(t_x) + ln(1 - e^(P(T) - P(t_x)))} and the two terms are combined by log-sum-exp. The gradient is analytic
 * (digamma and the series' derivatives in its parameters and argument).
 */
final class ParetoNbdLikelihood implements LogLikelihood {

  private static final String[] NAMES = {"r", "alpha", "s", "beta"};
  /**
   * The largest ratio of {@code alpha + u} to {@code beta + u} (or the inverse), u the smallest t_x of the data, the
   * likelihood is evaluated at. The series' argument is then at most {@code 1 - 1/ratio}, and summing it takes up to
   * about {@code 50 ratio} terms per customer history:
   * beyond, one evaluation of a night's likelihood would take minutes. The value there is NaN, a wall the optimiser
   * backs away from; a fit whose optimum lies beyond it (one rate far slower than the other: the data cannot tell the
   * two processes apart) fails, naming the wall, instead of running for hours.
   */
  static final double MAX_PARAMETER_RATIO = 250;

  private final RfmTriples data;
  private final int[] xs;
  private final int[] xIndex;
  /** The smallest t_x of the data, where the series' argument is closest to 1. */
  private final double minTx;

  ParetoNbdLikelihood(RfmTriples data) {
    this.data = data;
    double smallest = Double.POSITIVE_INFINITY;
    for (int i = 0; i < data.size(); i++) {
      smallest = Math.min(smallest, data.tx(i));
    }
    this.minTx = data.size() == 0 ? 0 : smallest;
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

  /**
   * {@inheritDoc}
   *
   * <p>Where the series cannot be summed (the argument within about {@code 4e-5} of 1, when one of alpha and beta is
   * thousands of times the other) the value is NaN: a wall the optimiser backs away from.
   */
  @Override
  public double value(double[] logParams, double[] gradient) {
    double r = Math.exp(logParams[0]);
    double alpha = Math.exp(logParams[1]);
    double s = Math.exp(logParams[2]);
    double beta = Math.exp(logParams[3]);
    boolean grad = gradient != null;
    if (Math.max(alpha, beta) + minTx > MAX_PARAMETER_RATIO * (Math.min(alpha, beta) + minTx)) {
      return Double.NaN;
    }

    int m = xs.length;
    double[] lgRx = new double[m];
    double[] psiRx = new double[m];
    for (int j = 0; j < m; j++) {
      lgRx[j] = logGamma(r + xs[j]);
      psiRx[j] = grad ? digamma(r + xs[j]) : 0;
    }
    double lgR = logGamma(r);
    double psiR = grad ? digamma(r) : 0;
    double logAlpha = Math.log(alpha);
    double logBeta = Math.log(beta);

    double ll = 0;
    double[] sum = new double[4];
    double[] terms = new double[2];
    double[] termGradients = grad ? new double[8] : null;
    try {
      for (int i = 0; i < data.size(); i++) {
        int j = xIndex[i];
        double w = data.count(i);
        mixtureTerms(r, alpha, s, beta, data.x(i), data.tx(i), data.age(i), terms, termGradients);
        double max = Math.max(terms[0], terms[1]);
        double e1 = Math.exp(terms[0] - max);
        double e2 = Math.exp(terms[1] - max);
        ll += w * (lgRx[j] - lgR + r * logAlpha + s * logBeta + max + Math.log(e1 + e2));
        if (grad) {
          // weights of "alive at T" and "dropped out in (t_x, T]"; the second is 0 when t_x = T
          double w1 = e1 / (e1 + e2);
          double w2 = e2 / (e1 + e2);
          double[] a1 = {psiRx[j] - psiR + logAlpha, r / alpha, logBeta, s / beta};
          for (int k = 0; k < 4; k++) {
            sum[k] += w * (a1[k] + w1 * termGradients[k] + (w2 == 0 ? 0 : w2 * termGradients[4 + k]));
          }
        }
      }
    } catch (ArithmeticException e) {
      return Double.NaN;
    }
    if (grad) {
      // Chain rule to log-parameters: d/d(ln p) = p d/dp.
      gradient[0] = r * sum[0];
      gradient[1] = alpha * sum[1];
      gradient[2] = s * sum[2];
      gradient[3] = beta * sum[3];
    }
    return ll;
  }

  /**
   * The two terms of one customer's likelihood after {@code A1}: {@code terms[0] = L1}, {@code terms[1] = L2}
   * ({@code -Infinity} when {@code t_x = T}, where nobody can have dropped out unseen). When {@code gradient} is not
   * null it receives {@code dL1/d(r, alpha, s, beta)} in 0..3 and {@code dL2/d(r, alpha, s, beta)} in 4..7 (those of
   * L2 are 0 when L2 is {@code -Infinity}).
   *
   * @throws ArithmeticException when the series does not converge (see {@link Hypergeometric})
   */
  static void mixtureTerms(double r, double alpha, double s, double beta, long x, double tx, double age,
                           double[] terms, double[] gradient) {
    double rx = r + x;
    double a = r + s + x;
    double logAlphaT = Math.log(alpha + age);
    double logBetaT = Math.log(beta + age);
    terms[0] = -rx * logAlphaT - s * logBetaT;
    boolean grad = gradient != null;
    if (grad) {
      gradient[0] = -logAlphaT;
      gradient[1] = -rx / (alpha + age);
      gradient[2] = -logBetaT;
      gradient[3] = -s / (beta + age);
    }
    double[] p1 = grad ? new double[5] : new double[1];
    double[] p2 = grad ? new double[5] : new double[1];
    logPart(r, alpha, s, beta, x, tx, p1);
    logPart(r, alpha, s, beta, x, age, p2);
    if (!(p2[0] < p1[0])) {
      // t_x = T (or so close that A0 rounds to 0)
      terms[1] = Double.NEGATIVE_INFINITY;
      if (grad) {
        Arrays.fill(gradient, 4, 8, 0.0);
      }
      return;
    }
    double d = p2[0] - p1[0];
    terms[1] = Math.log(s) - Math.log(a) + p1[0] + Math.log(-Math.expm1(d));
    if (grad) {
      // d ln(e^P1 - e^P2) = (dP1 - q dP2) / (1 - q), q = e^(P2 - P1)
      double q = Math.exp(d);
      double oneMinusQ = -Math.expm1(d);
      for (int k = 0; k < 4; k++) {
        gradient[4 + k] = (p1[1 + k] - q * p2[1 + k]) / oneMinusQ;
      }
      gradient[4] -= 1 / a;
      gradient[6] += 1 / s - 1 / a;
    }
  }

  /**
   * {@code out[0] = P(u)} (see the class comment) and, when {@code out} has room, its derivatives in
   * {@code r, alpha, s, beta} in {@code out[1..4]}.
   */
  private static void logPart(double r, double alpha, double s, double beta, long x, double u, double[] out) {
    double rx = r + x;
    double c = r + s + x + 1;
    double alphaU = alpha + u;
    double betaU = beta + u;
    double logAlphaU = Math.log(alphaU);
    double logBetaU = Math.log(betaU);
    boolean grad = out.length > 1;
    if (alpha >= beta) {
      double z = requireBelowOne((alpha - beta) / alphaU);
      double[] h = Hypergeometric.hyp2f1UnitWithDerivatives(rx, c, z);
      out[0] = -rx * logAlphaU - s * logBetaU + Math.log(h[0]);
      if (grad) {
        out[1] = -logAlphaU + (h[1] + h[2]) / h[0];
        out[2] = -rx / alphaU + h[3] / h[0] * betaU / (alphaU * alphaU);
        out[3] = -logBetaU + h[2] / h[0];
        out[4] = -s / betaU - h[3] / h[0] / alphaU;
      }
    } else {
      double z = requireBelowOne((beta - alpha) / betaU);
      double[] h = Hypergeometric.hyp2f1UnitWithDerivatives(s + 1, c, z);
      out[0] = (1 - rx) * logAlphaU - (s + 1) * logBetaU + Math.log(h[0]);
      if (grad) {
        out[1] = -logAlphaU + h[2] / h[0];
        out[2] = (1 - rx) / alphaU - h[3] / h[0] / betaU;
        out[3] = -logBetaU + (h[1] + h[2]) / h[0];
        out[4] = -(s + 1) / betaU + h[3] / h[0] * alphaU / (betaU * betaU);
      }
    }
  }

  /** {@code z}, or an {@link ArithmeticException} when it rounds to 1 (alpha or beta negligible next to the other). */
  private static double requireBelowOne(double z) {
    if (!(z < 1)) {
      throw new ArithmeticException("the Pareto/NBD series argument rounds to " + z + ": one of alpha and beta is"
          + " negligible next to the other");
    }
    return z;
  }
}

package io.kindred.clv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.commons.math3.analysis.integration.IterativeLegendreGaussIntegrator;
import org.apache.commons.math3.special.Beta;
import org.apache.commons.math3.special.Gamma;
import org.junit.jupiter.api.Test;

/**
 * The log-likelihoods against independent formulations (the closed forms of the papers, a numerical integral) and
 * their analytic gradients against central differences.
 */
class LikelihoodTest {

  private static final double[] BG = {0.2425945, 4.4136019, 0.7929199, 2.4258881};

  private static double[] logs(double... v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = Math.log(v[i]);
    }
    return out;
  }

  private static RfmTriples one(int x, double tx, double age) {
    return RfmTriples.of(new int[] {x}, new double[] {tx}, new double[] {age}, new long[] {1});
  }

  /** FHL 2005 eq. 6 as printed: beta functions and powers, no logs. */
  private static double bgNbdLikelihood(double r, double alpha, double a, double b, int x, double tx, double age) {
    double common = Math.exp(Gamma.logGamma(r + x) - Gamma.logGamma(r)) * Math.pow(alpha, r);
    double alive = Math.exp(Beta.logBeta(a, b + x) - Beta.logBeta(a, b)) * common / Math.pow(alpha + age, r + x);
    double dead = x == 0 ? 0 : Math.exp(Beta.logBeta(a + 1, b + x - 1) - Beta.logBeta(a, b)) * common
        / Math.pow(alpha + tx, r + x);
    return alive + dead;
  }

  /** Batislam et al. 2007: dropout is possible at time 0 too, so the second term is there for every x. */
  private static double mbgNbdLikelihood(double r, double alpha, double a, double b, int x, double tx, double age) {
    double common = Math.exp(Gamma.logGamma(r + x) - Gamma.logGamma(r)) * Math.pow(alpha, r);
    double alive = Math.exp(Beta.logBeta(a, b + x + 1) - Beta.logBeta(a, b)) * common / Math.pow(alpha + age, r + x);
    double dead = Math.exp(Beta.logBeta(a + 1, b + x) - Beta.logBeta(a, b)) * common / Math.pow(alpha + tx, r + x);
    return alive + dead;
  }

  @Test
  void bgNbdMatchesThePapersClosedForm() {
    double[][] histories = {{0, 0, 38.86}, {1, 1.71, 38.86}, {2, 30.43, 38.86}, {7, 35.0, 39.0}, {3, 0, 10}};
    for (double[] h : histories) {
      int x = (int) h[0];
      double expected = Math.log(bgNbdLikelihood(BG[0], BG[1], BG[2], BG[3], x, h[1], h[2]));

      double actual = new BgNbdLikelihood(one(x, h[1], h[2]), false).value(logs(BG), null);

      assertEquals(expected, actual, 1e-12, "x = " + x);
    }
  }

  @Test
  void modifiedBgNbdMatchesThePapersClosedForm() {
    double[] p = {0.52, 6.18, 0.89, 1.61};
    double[][] histories = {{0, 0, 38.86}, {1, 1.71, 38.86}, {2, 30.43, 38.86}, {7, 35.0, 39.0}};
    for (double[] h : histories) {
      int x = (int) h[0];
      double expected = Math.log(mbgNbdLikelihood(p[0], p[1], p[2], p[3], x, h[1], h[2]));

      double actual = new BgNbdLikelihood(one(x, h[1], h[2]), true).value(logs(p), null);

      assertEquals(expected, actual, 1e-12, "x = " + x);
    }
  }

  @Test
  void gammaGammaMatchesTheMixtureIntegral() {
    double p = 6.25;
    double q = 3.74;
    double gamma = 15.44;
    int x = 3;
    double m = 22.35;
    // The mean of x Gamma(p, nu) values is Gamma(px, x nu); nu ~ Gamma(q, gamma). Integrate nu out numerically.
    double expected = Math.log(new IterativeLegendreGaussIntegrator(32, 1e-13, 1e-15).integrate(1_000_000, nu ->
        Math.exp(p * x * Math.log(x * nu) + (p * x - 1) * Math.log(m) - x * nu * m - Gamma.logGamma(p * x)
            + q * Math.log(gamma) + (q - 1) * Math.log(nu) - gamma * nu - Gamma.logGamma(q)), 1e-9, 3.0));

    double actual = new GammaGammaLikelihood(SpendSummaries.ofCustomers(new int[] {x}, new double[] {m}))
        .value(logs(p, q, gamma), null);

    assertEquals(expected, actual, 1e-9);
  }

  @Test
  void weightedTriplesGiveTheSumOverCustomers() {
    RfmTriples merged = Cdnow.triples();
    var customers = Cdnow.customers();
    int n = customers.size();
    int[] x = new int[n];
    double[] tx = new double[n];
    double[] age = new double[n];
    long[] ones = new long[n];
    for (int i = 0; i < n; i++) {
      x[i] = customers.get(i).x();
      tx[i] = customers.get(i).tx();
      age[i] = customers.get(i).age();
      ones[i] = 1;
    }
    RfmTriples perCustomer = RfmTriples.of(x, tx, age, ones);

    double weighted = new BgNbdLikelihood(merged, false).value(logs(BG), null);
    double summed = new BgNbdLikelihood(perCustomer, false).value(logs(BG), null);

    assertEquals(1016, merged.size());
    assertEquals(2357, perCustomer.size());
    assertEquals(summed, weighted, 1e-8);
    // The published -9582.429 comes from exact recencies; this file rounds t_x and T to 0.01 week, which moves the
    // log-likelihood at the published parameters to -9582.4256.
    assertEquals(-9582.43, weighted, 0.01);
  }

  @Test
  void analyticGradientsMatchCentralDifferences() {
    RfmTriples triples = Cdnow.triples();
    checkGradient(new BgNbdLikelihood(triples, false), logs(0.3, 5.0, 0.7, 2.0));
    checkGradient(new BgNbdLikelihood(triples, true), logs(0.5, 6.0, 1.2, 1.5));
    checkGradient(new GammaGammaLikelihood(Cdnow.repeatBuyerSpend()), logs(5.0, 3.0, 12.0));
  }

  private static void checkGradient(LogLikelihood ll, double[] at) {
    double[] analytic = new double[at.length];
    ll.value(at, analytic);
    double h = 1e-6;
    for (int i = 0; i < at.length; i++) {
      double[] plus = at.clone();
      double[] minus = at.clone();
      plus[i] += h;
      minus[i] -= h;
      double numeric = (ll.value(plus, null) - ll.value(minus, null)) / (2 * h);
      assertEquals(numeric, analytic[i], 1e-5 * Math.max(1, Math.abs(numeric)),
          ll.parameterNames()[i] + " of " + ll.getClass().getSimpleName());
    }
  }
}

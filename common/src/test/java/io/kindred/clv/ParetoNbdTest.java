package io.kindred.clv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.analysis.integration.IterativeLegendreGaussIntegrator;
import org.apache.commons.math3.special.Gamma;
import org.junit.jupiter.api.Test;

/**
 * Pareto/NBD against formulations that share no code with it: the likelihood as a one-dimensional integral over the
 * dropout time, the closed form of Fader &amp; Hardie's note with the untransformed hypergeometric function,
 * expectations as integrals over the horizon, and the published CDNOW figures of the BTYD walkthrough.
 */
class ParetoNbdTest {

  /** alpha < beta: Fader &amp; Hardie's CDNOW fit, rounded. */
  private static final double[] ALPHA_BELOW = {0.55, 10.58, 0.61, 11.67};
  /** alpha > beta. */
  private static final double[] ALPHA_ABOVE = {0.8, 12.0, 1.4, 4.0};
  /** alpha = beta: the boundary between the two forms. */
  private static final double[] ALPHA_EQUAL = {0.4, 6.0, 0.9, 6.0};

  private static final double[][] HISTORIES = {{0, 0, 38.86}, {1, 1.71, 38.86}, {2, 30.43, 38.86},
      {26, 30.86, 31}, {7, 35.0, 39.0}, {3, 10, 10}, {150, 20, 39}, {0, 0, 0.5}};

  private static double[] logs(double... v) {
    return Arrays.stream(v).map(Math::log).toArray();
  }

  private static RfmTriples one(int x, double tx, double age) {
    return RfmTriples.of(new int[] {x}, new double[] {tx}, new double[] {age}, new long[] {1});
  }

  private static double integrate(DoubleUnaryOperator f, double from, double to) {
    if (from == to) {
      return 0;
    }
    return new IterativeLegendreGaussIntegrator(32, 1e-12, 1e-20).integrate(1_000_000, f::applyAsDouble, from, to);
  }

  /**
   * The integral of a decreasing {@code f} over {@code [0, length]}, on pieces that halve towards 0: with hundreds of
   * purchases the integrand falls by hundreds of orders of magnitude within a small fraction of the interval.
   */
  private static double integrateSteep(DoubleUnaryOperator f, double length) {
    double sum = integrate(f, 0, length * Math.scalb(1.0, -40));
    for (int k = 40; k > 0; k--) {
      sum += integrate(f, length * Math.scalb(1.0, -k), length * Math.scalb(1.0, 1 - k));
    }
    return sum;
  }

  /**
   * The model's definition with the dropout time tau made explicit: given lambda and mu, a customer alive at T has
   * likelihood {@code lambda^x e^(-lambda T) e^(-mu T)}, one who dropped out at tau in (t_x, T] has
   * {@code lambda^x e^(-lambda tau) mu e^(-mu tau)}. Taking the gamma expectations inside,
   * <pre>
   * L = G(r + x) / G(r) alpha^r beta^s [1 / ((alpha + T)^(r + x) (beta + T)^s)
   *     + s int_{t_x}^T (alpha + tau)^-(r + x) (beta + tau)^-(s + 1) dtau]
   * </pre>
   * and the integral is done numerically. Returns {@code {ln L, P(alive)}}.
   */
  private static double[] byDropoutIntegral(double[] p, int x, double tx, double age) {
    double r = p[0];
    double alpha = p[1];
    double s = p[2];
    double beta = p[3];
    double logAlive = -(r + x) * Math.log(alpha + age) - s * Math.log(beta + age);
    // over d = tau - t_x, the integrand divided by its value at t_x (where it is largest), without cancellation
    double integral = integrateSteep(d -> Math.exp(-(r + x) * Math.log1p(d / (alpha + tx))
        - (s + 1) * Math.log1p(d / (beta + tx))), age - tx);
    double logTop = -(r + x) * Math.log(alpha + tx) - (s + 1) * Math.log(beta + tx);
    double logDead = integral == 0 ? Double.NEGATIVE_INFINITY : Math.log(s) + logTop + Math.log(integral);
    double max = Math.max(logAlive, logDead);
    double logL = Gamma.logGamma(r + x) - Gamma.logGamma(r) + r * Math.log(alpha) + s * Math.log(beta) + max
        + Math.log(Math.exp(logAlive - max) + Math.exp(logDead - max));
    return new double[] {logL, 1 / (1 + Math.exp(logDead - logAlive))};
  }

  /**
   * Fader &amp; Hardie's note, eq. 18-20 and 36, as printed: the untransformed {@code 2F1} (summed by the test's own
   * {@link GaussSeries}, not the library's Pareto/NBD series), powers without logs.
   * Returns {@code {ln L, P(alive)}}.
   */
  private static double[] byClosedForm(double[] p, int x, double tx, double age) {
    double r = p[0];
    double alpha = p[1];
    double s = p[2];
    double beta = p[3];
    double a = r + s + x;
    double a0;
    if (alpha >= beta) {
      a0 = GaussSeries.hyp2f1(a, s + 1, a + 1, (alpha - beta) / (alpha + tx)) / Math.pow(alpha + tx, a)
          - GaussSeries.hyp2f1(a, s + 1, a + 1, (alpha - beta) / (alpha + age)) / Math.pow(alpha + age, a);
    } else {
      a0 = GaussSeries.hyp2f1(a, r + x, a + 1, (beta - alpha) / (beta + tx)) / Math.pow(beta + tx, a)
          - GaussSeries.hyp2f1(a, r + x, a + 1, (beta - alpha) / (beta + age)) / Math.pow(beta + age, a);
    }
    double alive = 1 / (Math.pow(alpha + age, r + x) * Math.pow(beta + age, s));
    double dead = s / a * a0;
    double logL = Gamma.logGamma(r + x) - Gamma.logGamma(r) + r * Math.log(alpha) + s * Math.log(beta)
        + Math.log(alive + dead);
    return new double[] {logL, alive / (alive + dead)};
  }

  @Test
  void logLikelihoodMatchesTheDropoutTimeIntegral() {
    for (double[] p : new double[][] {ALPHA_BELOW, ALPHA_ABOVE, ALPHA_EQUAL}) {
      for (double[] h : HISTORIES) {
        int x = (int) h[0];
        double expected = byDropoutIntegral(p, x, h[1], h[2])[0];

        double actual = new ParetoNbdLikelihood(one(x, h[1], h[2])).value(logs(p), null);

        assertEquals(expected, actual, 1e-10 * Math.max(1, Math.abs(expected)),
            Arrays.toString(p) + " " + Arrays.toString(h));
      }
    }
  }

  @Test
  void logLikelihoodMatchesTheNotesClosedForm() {
    for (double[] p : new double[][] {ALPHA_BELOW, ALPHA_ABOVE, ALPHA_EQUAL}) {
      for (double[] h : HISTORIES) {
        int x = (int) h[0];
        double expected = byClosedForm(p, x, h[1], h[2])[0];

        double actual = new ParetoNbdLikelihood(one(x, h[1], h[2])).value(logs(p), null);

        assertEquals(expected, actual, 1e-10 * Math.max(1, Math.abs(expected)),
            Arrays.toString(p) + " " + Arrays.toString(h));
      }
    }
  }

  @Test
  void weightedTriplesGiveTheSumOfTheIndependentLikelihoods() {
    RfmTriples data = Cdnow.triples();
    double expected = 0;
    for (int i = 0; i < data.size(); i++) {
      expected += data.count(i) * byClosedForm(ALPHA_BELOW, data.x(i), data.tx(i), data.age(i))[0];
    }

    double actual = new ParetoNbdLikelihood(data).value(logs(ALPHA_BELOW), null);

    assertEquals(expected, actual, 1e-8);
  }

  @Test
  void manyPurchasesNeitherOverflowNorLoseTheDropoutTerm() {
    // lifetimes' test_overflow_error: x in the hundreds, alpha far below beta
    double[] p = {10.465, 7.98565181e-03, 3.0516, 2.820};
    double[][] histories = {{400, 5, 6}, {500, 1, 37}, {500, 4, 37}};
    for (double[] h : histories) {
      int x = (int) h[0];
      double expected = byDropoutIntegral(p, x, h[1], h[2])[0];

      double actual = new ParetoNbdLikelihood(one(x, h[1], h[2])).value(logs(p), null);

      assertEquals(expected, actual, 1e-10 * Math.abs(expected), Arrays.toString(h));
    }
    ParetoNbdParams params = new ParetoNbdParams(p[0], p[1], p[2], p[3]);
    assertEquals(byDropoutIntegral(p, 500, 1, 37)[1], params.probabilityAlive(500, 1, 37), 1e-12);
    assertEquals(0.0, params.probabilityAlive(5000, 1, 1e6));
  }

  @Test
  void analyticGradientMatchesCentralDifferences() {
    RfmTriples triples = Cdnow.triples();
    for (double[] p : new double[][] {ALPHA_BELOW, ALPHA_ABOVE, ALPHA_EQUAL, {0.3, 2.0, 2.5, 30.0}}) {
      ParetoNbdLikelihood ll = new ParetoNbdLikelihood(triples);
      double[] at = logs(p);
      double[] analytic = new double[4];
      ll.value(at, analytic);
      double h = 1e-6;
      for (int i = 0; i < at.length; i++) {
        double[] plus = at.clone();
        double[] minus = at.clone();
        plus[i] += h;
        minus[i] -= h;
        double numeric = (ll.value(plus, null) - ll.value(minus, null)) / (2 * h);
        assertEquals(numeric, analytic[i], 1e-5 * Math.max(1, Math.abs(numeric)),
            ll.parameterNames()[i] + " at " + Arrays.toString(p));
      }
    }
  }

  @Test
  void probabilityAliveMatchesTheNotesClosedForm() {
    for (double[] p : new double[][] {ALPHA_BELOW, ALPHA_ABOVE, ALPHA_EQUAL}) {
      ParetoNbdParams params = new ParetoNbdParams(p[0], p[1], p[2], p[3]);
      for (double[] h : HISTORIES) {
        int x = (int) h[0];
        double expected = byClosedForm(p, x, h[1], h[2])[1];

        double actual = params.probabilityAlive(x, h[1], h[2]);

        assertEquals(expected, actual, 1e-12, Arrays.toString(p) + " " + Arrays.toString(h));
        assertEquals(byDropoutIntegral(p, x, h[1], h[2])[1], actual, 1e-12, Arrays.toString(h));
      }
    }
    assertEquals(1.0, new ParetoNbdParams(0.55, 10.58, 0.61, 11.67).probabilityAlive(3, 10, 10));
  }

  @Test
  void conditionalExpectationMatchesTheIntegralOverTheHorizon() {
    // Given the history and alive at T: lambda ~ Gamma(r + x, alpha + T), mu ~ Gamma(s, beta + T), so
    // E[Y(t)] = P(alive) (r + x) / (alpha + T) int_0^t ((beta + T) / (beta + T + u))^s du. s = 1 is the log limit.
    for (double[] p : new double[][] {ALPHA_BELOW, ALPHA_ABOVE, {0.4, 6.0, 1.0, 8.0}}) {
      ParetoNbdParams params = new ParetoNbdParams(p[0], p[1], p[2], p[3]);
      for (double[] h : HISTORIES) {
        int x = (int) h[0];
        double age = h[2];
        for (double t : new double[] {1, 39, 52, 500}) {
          double expected = byDropoutIntegral(p, x, h[1], age)[1] * (p[0] + x) / (p[1] + age)
              * integrate(u -> Math.pow((p[3] + age) / (p[3] + age + u), p[2]), 0, t);

          double actual = params.expectedPurchases(t, x, h[1], age);

          assertEquals(expected, actual, 1e-10 * expected, Arrays.toString(p) + " " + Arrays.toString(h) + " t " + t);
        }
      }
      assertEquals(0.0, params.expectedPurchases(0, 2, 30.43, 38.86));
    }
  }

  @Test
  void unconditionalExpectationMatchesTheIntegralOverTheHorizon() {
    // E[X(t)] = E[lambda] E[(1 - e^(-mu t)) / mu] = r / alpha int_0^t (beta / (beta + u))^s du
    for (double[] p : new double[][] {ALPHA_BELOW, ALPHA_ABOVE, {0.4, 6.0, 1.0, 8.0}}) {
      ParetoNbdParams params = new ParetoNbdParams(p[0], p[1], p[2], p[3]);
      for (double t : new double[] {0.5, 1, 39, 78, 500}) {
        double expected = p[0] / p[1] * integrate(u -> Math.pow(p[3] / (p[3] + u), p[2]), 0, t);

        double actual = params.expectedPurchasesUnconditional(t);

        assertEquals(expected, actual, 1e-10 * expected, Arrays.toString(p) + " t " + t);
      }
      assertEquals(0.0, params.expectedPurchasesUnconditional(0));
    }
  }

  @Test
  void btydWalkthroughFiguresAtItsCdnowFit() {
    // BTYD's walkthrough (the source lifetimes' tests quote): pnbd.EstimateParameters on CDNOW gives
    // r, alpha, s, beta = 0.5534, 10.5802, 0.6061, 11.6562; for x = 26, t_x = 30.86, T = 31 the customer is alive
    // with probability 0.9979 (lifetimes test_conditional_probability_alive, |error| < 0.001) and makes 25.46
    // purchases in the next 52 weeks (lifetimes test_conditional_expectation_returns_same_value_as_R_BTYD,
    // |error| < 0.01).
    ParetoNbdParams btyd = new ParetoNbdParams(0.5534, 10.5802, 0.6061, 11.6562);

    assertEquals(0.9979, btyd.probabilityAlive(26, 30.86, 31), 0.001);
    assertEquals(25.46, btyd.expectedPurchases(52, 26, 30.86, 31), 0.01);
  }

  @Test
  void badHistoriesAndParametersAreRefusedByName() {
    ParetoNbdParams p = new ParetoNbdParams(0.55, 10.58, 0.61, 11.67);
    assertEquals("t_x must be a finite number in [0, T = 10.0], got 12.0",
        assertThrows(IllegalArgumentException.class, () -> p.probabilityAlive(2, 12, 10)).getMessage());
    assertEquals("t (the prediction horizon) must be a finite number >= 0, got -1.0",
        assertThrows(IllegalArgumentException.class, () -> p.expectedPurchasesUnconditional(-1)).getMessage());
    assertEquals("pareto_nbd parameter s must be a finite number > 0, got 0.0",
        assertThrows(IllegalArgumentException.class, () -> new ParetoNbdParams(1, 1, 0, 1)).getMessage());
    assertEquals("[r, alpha, s, beta]", p.parameterNames().toString());
  }

  @Test
  void refusesCustomersWhoNeverCameBack() {
    RfmTriples.Builder builder = RfmTriples.builder();
    for (int i = 0; i < 500; i++) {
      builder.add(0, 0, 10 + i % 30);
    }

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ClvFitter.fitParetoNbd(builder.build()));

    assertTrue(e.getMessage().startsWith("pareto_nbd needs at least 10 customers with a repeat purchase"),
        e.getMessage());
  }

  @Test
  void theLikelihoodIsAWallWhereItsSeriesWouldTakeTooLongToSum() {
    // the smallest t_x is 0 (a customer without a repeat purchase): alpha + 0 against beta + 0
    RfmTriples data = RfmTriples.of(new int[] {0, 3}, new double[] {0, 20}, new double[] {30, 30}, new long[] {5, 5});
    double[] inside = {0.5, 1, 2, ParetoNbdLikelihood.MAX_PARAMETER_RATIO * 0.99};
    double[] beyond = {0.5, 1, 2, ParetoNbdLikelihood.MAX_PARAMETER_RATIO * 1.01};
    double[] beyondTheOtherWay = {0.5, ParetoNbdLikelihood.MAX_PARAMETER_RATIO * 1.01, 2, 1};

    assertTrue(Double.isFinite(new ParetoNbdLikelihood(data).value(logs(inside), null)));
    assertTrue(Double.isNaN(new ParetoNbdLikelihood(data).value(logs(beyond), null)));
    assertTrue(Double.isNaN(new ParetoNbdLikelihood(data).value(logs(beyondTheOtherWay), null)));
    // with every t_x at least 5 the same parameters are inside: (1 + 5) against (250 * 1.01 + 5)
    RfmTriples later = RfmTriples.of(new int[] {1, 3}, new double[] {5, 20}, new double[] {30, 30}, new long[] {5, 5});
    assertTrue(Double.isFinite(new ParetoNbdLikelihood(later).value(logs(beyond), null)));
  }
}

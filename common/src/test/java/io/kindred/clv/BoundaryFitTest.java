package io.kindred.clv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.math3.special.Gamma;
import org.junit.jupiter.api.Test;

/**
 * Fits that never kill a night (issue 17, item 11): data whose likelihood has no interior maximum give the boundary
 * solution, recorded as such, with predictions equal to the limiting formulas written out here.
 */
class BoundaryFitTest {

  private static final double R = 0.8;
  private static final double ALPHA = 6.0;

  /**
   * 1,500 customers buying as Poisson processes with rates from Gamma(0.8, 6) (weeks), nobody dropping out, first
   * purchase at 0 and observed for 20 to 52 weeks: BG/NBD's a -> 0.
   */
  static RfmTriples noDropout() {
    Random random = new Random(17);
    int n = 1500;
    int[] x = new int[n];
    double[] tx = new double[n];
    double[] age = new double[n];
    org.apache.commons.math3.distribution.GammaDistribution rates =
        new org.apache.commons.math3.distribution.GammaDistribution(
            new org.apache.commons.math3.random.Well19937c(17), R, 1 / ALPHA);
    for (int i = 0; i < n; i++) {
      double lambda = rates.sample();
      age[i] = 20 + random.nextInt(33);
      double t = 0;
      while (true) {
        t += -Math.log(1 - random.nextDouble()) / lambda;
        if (t > age[i]) {
          break;
        }
        x[i]++;
        tx[i] = t;
      }
    }
    long[] ones = new long[n];
    java.util.Arrays.fill(ones, 1);
    return RfmTriples.of(x, tx, age, ones);
  }

  /** The NBD log-likelihood, written out: sum lnG(r + x) - lnG(r) + r ln alpha - (r + x) ln(alpha + T). */
  private static double nbdLogLikelihood(RfmTriples d, double r, double alpha) {
    double ll = 0;
    for (int i = 0; i < d.size(); i++) {
      int x = d.x(i);
      ll += d.count(i) * (Gamma.logGamma(r + x) - Gamma.logGamma(r) + r * Math.log(alpha)
          - (r + x) * Math.log(alpha + d.age(i)));
    }
    return ll;
  }

  @Test
  void bgNbdWithoutDropoutRecordsAndScoresTheNbdLimit() {
    RfmTriples data = noDropout();
    // today MBG/NBD fails on these data (and BG/NBD stops at a = 1e-6, no more likely than the limit)
    ClvFitException today = assertThrows(ClvFitException.class, () -> ClvFitter.fitModifiedBgNbd(data));
    assertTrue(today.getMessage().contains("is not negative definite"), today.getMessage());
    for (PurchaseModel model : List.of(PurchaseModel.BG_NBD, PurchaseModel.MBG_NBD)) {
      ClvFit<? extends TransactionModel> fit = model.fit(data, FitOptions.DEFAULT);
      assertEquals(FitStatus.BOUNDARY, fit.status());
      assertEquals("a -> 0", fit.boundary());
      assertEquals(model.code(), fit.model());
      assertTrue(fit.params() instanceof NoDropoutLimit, fit.params().toString());
      Map<String, Double> params = fit.params().asMap();
      assertEquals(List.of("r", "alpha", "a"), List.copyOf(params.keySet()));
      assertEquals(0.0, params.get("a"));
      assertEquals(List.of("r", "alpha"), List.copyOf(fit.standardErrorMap().keySet()));
      double r = params.get("r");
      double alpha = params.get("alpha");
      // the maximum of the NBD likelihood written out here: its log-likelihood, and no better point nearby
      assertEquals(nbdLogLikelihood(data, r, alpha), fit.logLikelihood(), 1e-6);
      double h = 1e-4;
      for (double[] d : new double[][] {{h, 0}, {-h, 0}, {0, h}, {0, -h}}) {
        assertTrue(nbdLogLikelihood(data, r * Math.exp(d[0]), alpha * Math.exp(d[1])) < fit.logLikelihood());
      }
      // near the simulated values (generous: 1,500 customers)
      assertEquals(R, r, 0.15);
      assertEquals(ALPHA, alpha, 1.5);
      // and above anything the full model reaches inside: BG/NBD at a small a
      TransactionModel m = fit.params();
      assertEquals(1.0, m.probabilityAlive(3, 10, 30));
      assertEquals(1.0, m.probabilityAlive(0, 0, 30));
      assertEquals((r + 3) * 12 / (alpha + 30), m.expectedPurchases(12, 3, 10, 30), 1e-12);
      assertEquals(r * 52 / alpha, m.expectedPurchasesUnconditional(52), 1e-12);
      // the full model's own formula tends to the limit as a -> 0 (b arbitrary)
      BgNbdParams nearly = new BgNbdParams(r, alpha, 1e-7, 2.5);
      assertEquals((r + 3) * 12 / (alpha + 30), nearly.expectedPurchases(12, 3, 10, 30), 1e-4);
    }
  }

  private static final double Q = 3;
  private static final double THETA = 40;

  /**
   * 1,200 repeat buyers with 1 to 8 repeat purchases each, every purchase of a customer of the same value, that value
   * 40 / Gamma(3, 1) (inverse gamma with mean 20): spend varies between customers but not within them, so the
   * Gamma-Gamma likelihood rises without bound in p.
   */
  static SpendSummaries constantSpend() {
    org.apache.commons.math3.distribution.GammaDistribution g =
        new org.apache.commons.math3.distribution.GammaDistribution(
            new org.apache.commons.math3.random.Well19937c(11), Q, 1);
    int n = 1200;
    int[] x = new int[n];
    double[] m = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = 1 + i % 8;
      m[i] = Math.round(THETA / g.sample() * 100) / 100.0;
    }
    return SpendSummaries.ofCustomers(x, m);
  }

  /** The inverse-gamma log-likelihood of the means, written out: sum q ln theta - lnG(q) - (q + 1) ln m - theta / m. */
  private static double inverseGammaLogLikelihood(SpendSummaries d, double q, double theta) {
    double ll = 0;
    for (int i = 0; i < d.size(); i++) {
      double m = d.mbar(i);
      ll += d.count(i) * (q * Math.log(theta) - Gamma.logGamma(q) - (q + 1) * Math.log(m) - theta / m);
    }
    return ll;
  }

  @Test
  void gammaGammaWithoutWithinCustomerVariationRecordsAndScoresTheLimit() {
    SpendSummaries data = constantSpend();
    ClvFitException today = assertThrows(ClvFitException.class, () -> ClvFitter.fitGammaGamma(data));
    ClvFit<? extends SpendModel> fit = ClvFitter.fitSpendModel(data, FitOptions.DEFAULT);
    assertEquals(FitStatus.BOUNDARY, fit.status());
    assertEquals("p -> infinity", fit.boundary());
    assertEquals("gamma_gamma", fit.model());
    Map<String, Double> params = fit.params().asMap();
    assertEquals(List.of("q", "p_gamma"), List.copyOf(params.keySet()));
    assertEquals(List.of("q", "p_gamma"), List.copyOf(fit.standardErrorMap().keySet()));
    double q = params.get("q");
    double theta = params.get("p_gamma");
    assertEquals(inverseGammaLogLikelihood(data, q, theta), fit.logLikelihood(), 1e-6);
    double h = 1e-4;
    for (double[] d : new double[][] {{h, 0}, {-h, 0}, {0, h}, {0, -h}}) {
      assertTrue(inverseGammaLogLikelihood(data, q * Math.exp(d[0]), theta * Math.exp(d[1])) < fit.logLikelihood());
    }
    assertEquals(Q, q, 0.4);
    assertEquals(THETA, theta, 6);
    // the full model's likelihood approaches the limit's from below as p grows along p gamma = theta
    GammaGammaLikelihood full = new GammaGammaLikelihood(data);
    double previous = Double.NEGATIVE_INFINITY;
    for (double p : new double[] {10, 1e3, 1e5}) {
      double ll = full.value(new double[] {Math.log(p), Math.log(q), Math.log(theta / p)}, null);
      assertTrue(ll > previous && ll < fit.logLikelihood(), p + ": " + ll);
      previous = ll;
    }
    assertEquals(fit.logLikelihood(), previous, 0.05);
    // predictions: lim_{p -> inf, p gamma = theta} (p gamma + p x m) / (p x + q - 1) = m for x >= 1, and the
    // population mean theta / (q - 1) for x = 0
    SpendModel limit = fit.params();
    assertEquals(37.5, limit.expectedAverageSpend(4, 37.5));
    assertEquals(theta / (q - 1), limit.expectedAverageSpend(0, 0), 1e-12);
    GammaGammaParams far = new GammaGammaParams(1e9, q, theta / 1e9);
    assertEquals(far.expectedAverageSpend(4, 37.5), limit.expectedAverageSpend(4, 37.5), 1e-6);
    // and a scorer scores with it: CLV = sum over months of spend x discounted purchases of the purchase model
    NoDropoutLimit purchases = new NoDropoutLimit("bg_nbd", R, ALPHA);
    ClvHorizon horizon = ClvHorizon.of(3, 0.01, PeriodUnit.WEEKS);
    CustomerValue v = new ClvScorer(purchases, limit, PeriodUnit.WEEKS, horizon).score(4, 20, 30, 37.5);
    double month = horizon.monthLength();
    double rate = (R + 4) / (ALPHA + 30);
    double clv = 0;
    for (int i = 1; i <= 3; i++) {
      clv += 37.5 * rate * month / Math.pow(1.01, i);
    }
    assertEquals(clv, v.clv(), 1e-9);
    assertEquals(1.0, v.probabilityAlive());
    assertEquals(37.5, v.expectedAverageSpend());
  }

  /**
   * Every repeat buyer's purchases at one price, 19.99, their means averaged in doubles as the job does (so a few
   * differ from 19.99 in the last bits): no Gamma-Gamma fit and no p -> infinity limit has a maximum.
   */
  static SpendSummaries sameSpend() {
    int n = 60;
    int[] x = new int[n];
    double[] m = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = 1 + i % 12;
      double sum = 0;
      for (int j = 0; j < x[i]; j++) {
        sum += 19.99;
      }
      m[i] = sum / x[i];
    }
    return SpendSummaries.ofCustomers(x, m);
  }

  @Test
  void gammaGammaWhenEveryRepeatBuyerSpendsTheSameRecordsAndScoresThatValue() {
    SpendSummaries data = sameSpend();
    boolean noisy = false;
    for (int i = 0; i < data.size(); i++) {
      noisy |= data.mbar(i) != 19.99;
    }
    assertTrue(noisy, "some means differ from 19.99 in their last bits, as averaged decimals do");
    assertThrows(ClvFitException.class, () -> ClvFitter.fitGammaGamma(data));
    assertThrows(ClvFitException.class, () -> ClvFitter.constantSpendLimit(data, FitOptions.DEFAULT,
        Double.NEGATIVE_INFINITY, new ClvFitException("the full fit failed", null, Double.NEGATIVE_INFINITY)));
    for (double penalty : new double[] {0, 0.001}) {
      ClvFit<? extends SpendModel> fit = ClvFitter.fitSpendModel(data, new FitOptions(1000, 1e-10, 10, 10, penalty));
      assertEquals(FitStatus.BOUNDARY, fit.status());
      assertEquals("p, q -> infinity", fit.boundary());
      assertEquals("gamma_gamma", fit.model());
      assertEquals(List.of("mean_spend"), List.copyOf(fit.params().asMap().keySet()));
      assertEquals(19.99, fit.params().asMap().get("mean_spend"), 1e-12);
      assertEquals(Map.of(), fit.standardErrorMap());
      assertEquals(Double.POSITIVE_INFINITY, fit.logLikelihood());
      assertEquals(60, fit.customers());
      // predictions: (p gamma + p x m) / (p x + q - 1) with every mbar = m is m for every x; far out along
      // p = q -> infinity with p gamma / (q - 1) = m, the full model agrees
      SpendModel limit = fit.params();
      assertEquals(19.99, limit.expectedAverageSpend(0, 0), 1e-12);
      assertEquals(19.99, limit.expectedAverageSpend(3, 19.99), 1e-12);
      GammaGammaParams far = new GammaGammaParams(1e9, 1e9, 19.99 * (1e9 - 1) / 1e9);
      assertEquals(far.expectedAverageSpend(0, 0), limit.expectedAverageSpend(0, 0), 1e-9);
      assertEquals(far.expectedAverageSpend(3, 19.99), limit.expectedAverageSpend(3, 19.99), 1e-9);
      // a scorer scores with it: CLV = sum over months of 19.99 x discounted purchases of the purchase model
      NoDropoutLimit purchases = new NoDropoutLimit("bg_nbd", R, ALPHA);
      ClvHorizon horizon = ClvHorizon.of(3, 0.01, PeriodUnit.WEEKS);
      CustomerValue v = new ClvScorer(purchases, limit, PeriodUnit.WEEKS, horizon).score(0, 0, 30, 0);
      double month = horizon.monthLength();
      double rate = R / (ALPHA + 30);
      double clv = 0;
      for (int i = 1; i <= 3; i++) {
        clv += 19.99 * rate * month / Math.pow(1.01, i);
      }
      assertEquals(clv, v.clv(), 1e-9);
    }
    // one customer at 20.00: not one value, the ordinary fits decide
    double[] m = new double[data.size()];
    int[] x = new int[data.size()];
    for (int i = 0; i < data.size(); i++) {
      m[i] = data.mbar(i);
      x[i] = data.x(i);
    }
    m[0] = 20.00;
    assertNull(ClvFitter.sameSpendLimit(SpendSummaries.ofCustomers(x, m), FitOptions.DEFAULT));
  }
}

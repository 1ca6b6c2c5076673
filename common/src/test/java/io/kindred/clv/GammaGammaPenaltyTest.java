package io.kindred.clv;

import static org.apache.commons.math3.special.Gamma.logGamma;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.apache.commons.math3.analysis.MultivariateFunction;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;
import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.junit.jupiter.api.Test;

/**
 * The Gamma-Gamma shape penalty: data whose likelihood has no maximum fail without it, with the reason and the
 * remedy, and fit with it; the penalised optimum is the one a derivative-free optimiser (Nelder-Mead, commons-math)
 * finds on the same objective, written out here from the Fader-Hardie-Lee formula.
 */
class GammaGammaPenaltyTest {

  /**
   * 600 repeat buyers (x from 1 to 12) each of whom spends a level of their own, 20 e^(0.2 z), whatever their number
   * of transactions: mean spend does not get less spread out as x grows, as Gamma-Gamma's within-customer noise would
   * make it, so the likelihood grows without bound in p (L-BFGS stops near p = 4.5e6 on a Hessian that is not
   * negative definite).
   */
  private static SpendSummaries spendLevelsWithoutNoise() {
    Random random = new Random(7);
    int n = 600;
    int[] x = new int[n];
    double[] m = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = 1 + random.nextInt(12);
      m[i] = 20 * Math.exp(0.2 * random.nextGaussian());
    }
    return SpendSummaries.ofCustomers(x, m);
  }

  /** The total Gamma-Gamma log-likelihood (note 025, eq. 1a), customer by customer. */
  private static double logLikelihood(SpendSummaries data, double p, double q, double gamma) {
    double total = 0;
    for (int i = 0; i < data.size(); i++) {
      double x = data.x(i);
      double m = data.mbar(i);
      total += data.count(i) * (logGamma(p * x + q) - logGamma(p * x) - logGamma(q) + q * Math.log(gamma)
          + (p * x - 1) * Math.log(m) + p * x * Math.log(x) - (p * x + q) * Math.log(gamma + x * m));
    }
    return total;
  }

  /** The penalised optimum by Nelder-Mead in log-parameters, from the fit's own starting point. */
  private static double[] nelderMead(SpendSummaries data, double c, double[] start) {
    double n = data.customers();
    MultivariateFunction objective = t -> -logLikelihood(data, Math.exp(t[0]), Math.exp(t[1]), Math.exp(t[2])) / n
        + c * (t[0] * t[0] + t[1] * t[1]);
    SimplexOptimizer optimizer = new SimplexOptimizer(1e-14, 1e-14);
    PointValuePair best = optimizer.optimize(new MaxEval(200_000), new ObjectiveFunction(objective),
        GoalType.MINIMIZE, new InitialGuess(start), new NelderMeadSimplex(new double[] {0.5, 0.5, 0.5}));
    // restart once from the optimum: Nelder-Mead can stall on a ridge
    best = optimizer.optimize(new MaxEval(200_000), new ObjectiveFunction(objective), GoalType.MINIMIZE,
        new InitialGuess(best.getPoint()), new NelderMeadSimplex(new double[] {0.05, 0.05, 0.05}));
    double[] t = best.getPoint();
    return new double[] {Math.exp(t[0]), Math.exp(t[1]), Math.exp(t[2])};
  }

  private static double meanSpend(SpendSummaries data) {
    double sum = 0;
    for (int i = 0; i < data.size(); i++) {
      sum += data.count(i) * data.mbar(i);
    }
    return sum / data.customers();
  }

  @Test
  void withoutAPenaltyTheFitFailsNamingTheCorrelationAndTheSetting() {
    SpendSummaries data = spendLevelsWithoutNoise();
    double[] xs = new double[data.size()];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = data.x(i);
    }
    double[] ms = new double[data.size()];
    for (int i = 0; i < ms.length; i++) {
      ms[i] = data.mbar(i);
    }
    double correlation = new PearsonsCorrelation().correlation(xs, ms);

    ClvFitException e = assertThrows(ClvFitException.class, () -> ClvFitter.fitGammaGamma(data));

    assertTrue(e.getMessage().startsWith("gamma_gamma: "), e.getMessage());
    assertTrue(e.getMessage().contains(String.format("these 600 repeat buyers may have no maximum")), e.getMessage());
    assertTrue(e.getMessage().contains(String.format("the correlation of x and mean spend is %.3f", correlation)),
        e.getMessage());
    assertTrue(e.getMessage().contains("kindred.features.clv.gamma-gamma-shape-penalty = 0.001"), e.getMessage());
    assertEquals(correlation, data.frequencySpendCorrelation(), 1e-12);
  }

  @Test
  void aPenalisedFitIsThePenalisedOptimumAndRecordsTheUnpenalisedLikelihood() {
    SpendSummaries data = spendLevelsWithoutNoise();
    double c = 0.001;

    ClvFit<GammaGammaParams> fit = ClvFitter.fitGammaGamma(data, new FitOptions(1000, 1e-10, 10, 10, c));

    double[] expected = nelderMead(data, c, new double[] {0, 0, Math.log(meanSpend(data))});
    System.out.println("penalised " + fit + "; Nelder-Mead p, q, gamma = " + java.util.Arrays.toString(expected));
    GammaGammaParams params = fit.params();
    assertEquals(expected[0], params.p(), 1e-4 * expected[0], "p");
    assertEquals(expected[1], params.q(), 1e-4 * expected[1], "q");
    assertEquals(expected[2], params.gamma(), 1e-4 * expected[2], "gamma");
    assertEquals(logLikelihood(data, params.p(), params.q(), params.gamma()), fit.logLikelihood(), 1e-6);
    assertTrue(fit.convergence().endsWith(", shape penalty 0.001"), fit.convergence());
    assertEquals(FitStatus.PENALISED, fit.status());
  }

  @Test
  void onCdnowASmallPenaltyIsThePenalisedOptimumAndMovesTheFitLittle() {
    SpendSummaries data = Cdnow.repeatBuyerSpend();
    ClvFit<GammaGammaParams> plain = ClvFitter.fitGammaGamma(data);
    double c = 0.001;

    ClvFit<GammaGammaParams> fit = ClvFitter.fitGammaGamma(data, new FitOptions(1000, 1e-10, 10, 10, c));

    double[] expected = nelderMead(data, c, new double[] {0, 0, Math.log(meanSpend(data))});
    assertEquals(expected[0], fit.params().p(), 1e-4 * expected[0], "p");
    assertEquals(expected[1], fit.params().q(), 1e-4 * expected[1], "q");
    assertEquals(expected[2], fit.params().gamma(), 1e-4 * expected[2], "gamma");
    // CDNOW identifies its parameters: the penalty moves each by less than half a standard error of the plain fit
    double[] se = plain.standardErrors();
    assertTrue(Math.abs(fit.params().p() - plain.params().p()) < se[0] / 2, fit + " vs " + plain);
    assertTrue(Math.abs(fit.params().q() - plain.params().q()) < se[1] / 2, fit + " vs " + plain);
    assertTrue(Math.abs(fit.params().gamma() - plain.params().gamma()) < se[2] / 2, fit + " vs " + plain);
  }

  @Test
  void aNegativePenaltyIsRefused() {
    assertEquals("gammaGammaShapePenalty must be a finite number >= 0, got -0.1",
        assertThrows(IllegalArgumentException.class, () -> new FitOptions(1000, 1e-10, 10, 10, -0.1)).getMessage());
  }
}

package io.kindred.clv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The verdict a fit records ({@link FitStatus}) and the criterion that accepted it: a converged CDNOW fit, and the
 * optimiser on a likelihood whose maximum is known, inside and beyond the parameter range of a converged fit.
 */
class FitStatusTest {

  /**
   * {@code -n/2 sum (ln theta_i - m_i)^2}: a Gaussian log-likelihood in log-parameters with its maximum at
   * {@code ln theta = m} and standard error {@code 1/sqrt(n)} in each.
   */
  private static LogLikelihood quadratic(long n, double... m) {
    return new LogLikelihood() {
      @Override
      public String[] parameterNames() {
        return new String[] {"u", "v"};
      }

      @Override
      public long customers() {
        return n;
      }

      @Override
      public long distinctRows() {
        return 1;
      }

      @Override
      public double value(double[] logParams, double[] gradient) {
        double value = 0;
        for (int i = 0; i < m.length; i++) {
          double d = logParams[i] - m[i];
          value -= n * d * d / 2;
          if (gradient != null) {
            gradient[i] = -n * d;
          }
        }
        return value;
      }
    };
  }

  @Test
  void aCdnowFitIsConvergedAndRecordsTheCriterionThatAcceptedIt() {
    ClvFit<BgNbdParams> fit = ClvFitter.fitBgNbd(Cdnow.triples());

    assertEquals(FitStatus.CONVERGED, fit.status());
    assertTrue(fit.newtonStep() >= 0 && fit.newtonStep() <= MaximumLikelihood.MAX_NEWTON_STEP,
        "Newton step " + fit.newtonStep());
    assertTrue(fit.gradientNorm() >= 0 && fit.gradientNorm() < 1e-6, "gradient norm " + fit.gradientNorm());
    assertTrue(fit.toString().startsWith("bg_nbd converged: "), fit.toString());
    assertEquals("converged", fit.status().code());
  }

  @Test
  void anOptimumInsideTheRangeIsConvergedAndOneBeyondItIsBoundary() {
    MaximumLikelihood.Optimum inside = MaximumLikelihood.maximise("quadratic", quadratic(1000, 1, -2),
        new double[] {0, 0}, FitOptions.DEFAULT);
    // theta = e^20 = 4.9e8 > 1e8: a parameter run off towards a limiting model
    MaximumLikelihood.Optimum beyond = MaximumLikelihood.maximise("quadratic", quadratic(1000, 20, 0),
        new double[] {0, 0}, FitOptions.DEFAULT);

    assertEquals(FitStatus.CONVERGED, inside.status());
    assertEquals(1, inside.logParams()[0], 1e-6);
    assertEquals(-2, inside.logParams()[1], 1e-6);
    assertEquals(FitStatus.BOUNDARY, beyond.status());
    assertEquals(20, beyond.logParams()[0], 1e-6);
    assertTrue(beyond.newtonStep() <= MaximumLikelihood.MAX_NEWTON_STEP, "Newton step " + beyond.newtonStep());
    // the edge itself: 1e8 is still inside, just above it is not
    assertEquals(FitStatus.CONVERGED, MaximumLikelihood.status(new double[] {Math.log(1e8) - 1e-9, 0}));
    assertEquals(FitStatus.BOUNDARY, MaximumLikelihood.status(new double[] {0, -Math.log(1e8) - 1e-9}));
  }
}

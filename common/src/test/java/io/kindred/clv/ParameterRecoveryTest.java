package io.kindred.clv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Simulates customers with known parameters (fixed seeds) and checks that each fitted parameter lies within four of
 * its reported standard errors of the truth: a fit that is biased, or whose standard errors are too small, fails.
 */
class ParameterRecoveryTest {

  private static final int CUSTOMERS = 20_000;

  private static void assertRecovered(double[] truth, ClvFit<?> fit) {
    double[] v = fit.params().values();
    double[] se = fit.standardErrors();
    for (int i = 0; i < v.length; i++) {
      String name = fit.params().parameterNames().get(i);
      assertEquals(truth[i], v[i], 4 * se[i], name + ": true " + truth[i] + ", fitted " + v[i] + " +- " + se[i]);
    }
  }

  private static RfmTriples simulate(boolean modified, double[] truth, long seed) {
    Simulation sim = new Simulation(seed);
    RfmTriples.Builder builder = RfmTriples.builder();
    for (int i = 0; i < CUSTOMERS; i++) {
      Simulation.History h = sim.betaGeometric(modified, truth[0], truth[1], truth[2], truth[3],
          sim.uniform(20, 80));
      builder.add(h.x(), h.tx(), h.age());
    }
    return builder.build();
  }

  @Test
  void bgNbdRecoversSimulatedParameters() {
    double[] truth = {0.25, 4.0, 0.8, 2.5};
    RfmTriples data = simulate(false, truth, 20261123L);

    ClvFit<BgNbdParams> fit = ClvFitter.fitBgNbd(data);

    System.out.println("simulated " + fit);
    assertEquals(CUSTOMERS, fit.customers());
    assertRecovered(truth, fit);
  }

  @Test
  void modifiedBgNbdRecoversSimulatedParameters() {
    double[] truth = {0.5, 6.0, 0.9, 1.6};
    RfmTriples data = simulate(true, truth, 7L);

    ClvFit<ModifiedBgNbdParams> fit = ClvFitter.fitModifiedBgNbd(data);

    System.out.println("simulated " + fit);
    assertRecovered(truth, fit);
  }

  @Test
  void gammaGammaRecoversSimulatedParameters() {
    double[] truth = {6.0, 4.0, 15.0};
    Simulation sim = new Simulation(11L);
    int n = 5_000;
    int[] x = new int[n];
    double[] m = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = 1 + (int) Math.floor(sim.uniform(0, 10));
      m[i] = sim.meanSpend(truth[0], truth[1], truth[2], x[i]);
    }

    ClvFit<GammaGammaParams> fit = ClvFitter.fitGammaGamma(SpendSummaries.ofCustomers(x, m));

    System.out.println("simulated " + fit);
    assertRecovered(truth, fit);
  }
}

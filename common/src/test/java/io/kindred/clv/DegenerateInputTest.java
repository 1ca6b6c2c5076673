package io.kindred.clv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Inputs that cannot identify a model fail with a message, never with NaN parameters. */
class DegenerateInputTest {

  @Test
  void bgNbdRefusesCustomersWhoNeverCameBack() {
    RfmTriples.Builder builder = RfmTriples.builder();
    for (int i = 0; i < 500; i++) {
      builder.add(0, 0, 10 + i % 30);
    }
    RfmTriples data = builder.build();

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClvFitter.fitBgNbd(data));

    assertEquals("bg_nbd needs at least 10 customers with a repeat purchase (x >= 1) to identify the dropout"
        + " process, got 0 of 500 customers", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ClvFitter.fitModifiedBgNbd(data));
  }

  @Test
  void gammaGammaRefusesTooFewRepeatBuyers() {
    SpendSummaries data = SpendSummaries.ofCustomers(new int[] {1, 2, 3}, new double[] {10, 20, 30});

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClvFitter.fitGammaGamma(data));

    assertEquals("gamma_gamma needs at least 10 repeat buyers (x >= 1) to fit, got 3", e.getMessage());
  }

  @Test
  void gammaGammaWithoutSpendVariationFailsInsteadOfReturningNonsense() {
    int n = 200;
    int[] x = new int[n];
    double[] m = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = 1 + i % 5;
      m[i] = 25.0;
    }
    SpendSummaries data = SpendSummaries.ofCustomers(x, m);

    ClvFitException e = assertThrows(ClvFitException.class, () -> ClvFitter.fitGammaGamma(data));

    assertTrue(e.getMessage().startsWith("gamma_gamma: "), e.getMessage());
  }

  @Test
  void aFitStoppedByTheIterationLimitFailsWithBreezesReason() {
    FitOptions twoIterations = new FitOptions(2, 1e-10, 10, 10);

    ClvFitException e = assertThrows(ClvFitException.class,
        () -> ClvFitter.fitBgNbd(Cdnow.triples(), twoIterations));

    assertTrue(e.getMessage().startsWith("bg_nbd: the L-BFGS fit did not converge: breeze stopped with 'max"
        + " iterations reached' after 2 iterations"), e.getMessage());
  }

  @Test
  void invalidTriplesAreRefusedWithTheirRow() {
    assertEquals("t_x must be a finite number in [0, T], got 12.0 (row 1: x = 2, t_x = 12.0, T = 10.0, count = 1)",
        assertThrows(IllegalArgumentException.class, () -> RfmTriples.of(new int[] {0, 2}, new double[] {0, 12},
            new double[] {5, 10}, new long[] {1, 1})).getMessage());
    assertEquals("T must be a finite number >= 0, got NaN (row 0: x = 0, t_x = 0.0, T = NaN, count = 3)",
        assertThrows(IllegalArgumentException.class, () -> RfmTriples.of(new int[] {0}, new double[] {0},
            new double[] {Double.NaN}, new long[] {3})).getMessage());
    assertEquals("x must be >= 1 (Gamma-Gamma is fitted on repeat buyers only), got 0 (row 0: x = 0, mbar = 5.0,"
            + " count = 1)",
        assertThrows(IllegalArgumentException.class, () -> SpendSummaries.ofCustomers(new int[] {0},
            new double[] {5})).getMessage());
  }
}

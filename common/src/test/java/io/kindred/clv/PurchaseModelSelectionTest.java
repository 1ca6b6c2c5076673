package io.kindred.clv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link PurchaseModelSelection}: the curve error on a hand-computed example, and on customers simulated from a
 * Pareto/NBD process (so the truth is known) each candidate's MAE and curve error against a per-customer computation
 * that shares no code with the selection's grouped one, and the winner.
 */
class PurchaseModelSelectionTest {

  /** A stand-in model: {@code E[purchases in t] = (x + 1) t / 2}, whatever t_x and T. */
  private static final TransactionModel LINEAR = new TransactionModel() {
    @Override
    public double probabilityAlive(long x, double tx, double age) {
      return 1;
    }

    @Override
    public double expectedPurchases(double t, long x, double tx, double age) {
      return (x + 1) * t / 2;
    }

    @Override
    public double expectedPurchasesUnconditional(double t) {
      return t / 2;
    }

    @Override
    public String modelName() {
      return "linear";
    }

    @Override
    public List<String> parameterNames() {
      return List.of();
    }

    @Override
    public double[] values() {
      return new double[0];
    }
  };

  @Test
  void theCurveErrorAndMaeOfAHandComputedExample() {
    // two customers with x = 0 who bought once each in the holdout, one with x = 1 who bought 3 times; a holdout of
    // 2 periods, compared at t = 1 and 2, where the cohort had bought 2 and 5 times
    HoldoutSample sample = HoldoutSample.of(new int[] {0, 1}, new double[] {0, 3}, new double[] {5, 5},
        new int[] {1, 3}, new long[] {2, 1}, 2, new double[] {1, 2}, new double[] {2, 5});

    // expected cumulative: E(1) = 2 * 0.5 + 1 * 1 = 2, E(2) = 2 * 1 + 1 * 2 = 4;
    // mean |A - E| = (|2 - 2| + |5 - 4|) / 2 = 0.5, relative to the actual total 5: 0.1
    assertEquals(0.1, PurchaseModelSelection.curveError(LINEAR, sample), 1e-15);
    // per customer in the holdout (t = 2): expected 1, 1, 2 against actual 1, 1, 3
    assertEquals(1.0 / 3, PurchaseModelSelection.meanAbsoluteError(LINEAR, sample), 1e-15);
    // no holdout purchase at all: the mean absolute difference itself (divided by 1)
    HoldoutSample none = HoldoutSample.of(new int[] {0}, new double[] {0}, new double[] {5}, new int[] {0},
        new long[] {4}, 2, new double[] {1, 2}, new double[] {0, 0});
    assertEquals((2 + 4) / 2.0, PurchaseModelSelection.curveError(LINEAR, none), 1e-15);
  }

  @Test
  void aCurveThatIsNotCumulativeIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HoldoutSample.of(new int[] {0},
        new double[] {0}, new double[] {5}, new int[] {0}, new long[] {1}, 2, new double[] {1, 2},
        new double[] {3, 2}));
    assertEquals("curve times must ascend from > 0 and the cumulative counts must not fall, got times [1.0, 2.0] "
        + "and counts [3.0, 2.0]", e.getMessage());
  }

  /**
   * 3,000 customers from Pareto/NBD (r 0.6, alpha 8, s 0.8, beta 12 weeks, fixed seed), acquired over the first 26
   * of 52 calibration weeks and followed for a 26-week holdout, in whole days as the job summarises them.
   */
  @Test
  void onParetoNbdCustomersEachCandidateIsJudgedOnItsHoldoutAndParetoNbdWins() {
    Simulation sim = new Simulation(16L);
    double holdout = 26;
    double[] weeks = {2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26};
    List<double[]> customers = new ArrayList<>(); // x, t_x, T, holdout purchases
    List<double[]> holdoutTimes = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      double age = Math.floor(sim.uniform(26, 52) * 7) / 7;
      double[] times = sim.paretoNbdPurchases(0.6, 8, 0.8, 12, age + holdout);
      int x = 0;
      double tx = 0;
      List<Double> later = new ArrayList<>();
      for (double t : times) {
        double day = Math.ceil(t * 7) / 7;
        if (day <= age) {
          x++;
          tx = day;
        } else {
          later.add(day - age);
        }
      }
      customers.add(new double[] {x, tx, age, later.size()});
      holdoutTimes.add(later.stream().mapToDouble(Double::doubleValue).toArray());
    }
    // the sample as the job builds it: distinct rows with counts, the cohort's cumulative purchases every 2 weeks
    java.util.Map<List<Double>, long[]> grouped = new java.util.LinkedHashMap<>();
    for (double[] c : customers) {
      grouped.computeIfAbsent(List.of(c[0], c[1], c[2], c[3]), k -> new long[1])[0]++;
    }
    int n = grouped.size();
    int[] x = new int[n];
    double[] tx = new double[n];
    double[] age = new double[n];
    int[] actual = new int[n];
    long[] counts = new long[n];
    int row = 0;
    for (var e : grouped.entrySet()) {
      x[row] = e.getKey().get(0).intValue();
      tx[row] = e.getKey().get(1);
      age[row] = e.getKey().get(2);
      actual[row] = e.getKey().get(3).intValue();
      counts[row++] = e.getValue()[0];
    }
    double[] cumulative = new double[weeks.length];
    for (double[] times : holdoutTimes) {
      for (double t : times) {
        for (int k = 0; k < weeks.length; k++) {
          if (t <= weeks[k]) {
            cumulative[k]++;
          }
        }
      }
    }
    HoldoutSample sample = HoldoutSample.of(x, tx, age, actual, counts, holdout, weeks, cumulative);

    PurchaseModelSelection.Selection selection = PurchaseModelSelection.select(sample, FitOptions.DEFAULT);

    assertEquals(List.of(PurchaseModel.BG_NBD, PurchaseModel.MBG_NBD, PurchaseModel.PARETO_NBD),
        selection.candidates().stream().map(PurchaseModelSelection.Candidate::model).toList());
    for (PurchaseModelSelection.Candidate c : selection.candidates()) {
      assertNull(c.failure(), c.model().code());
      assertEquals(3000, c.fit().customers());
      TransactionModel model = c.fit().params();
      double absolute = 0;
      for (double[] customer : customers) {
        absolute += Math.abs(customer[3] - model.expectedPurchases(holdout, (long) customer[0], customer[1],
            customer[2]));
      }
      double curve = 0;
      for (int k = 0; k < weeks.length; k++) {
        double expected = 0;
        for (double[] customer : customers) {
          expected += model.expectedPurchases(weeks[k], (long) customer[0], customer[1], customer[2]);
        }
        curve += Math.abs(cumulative[k] - expected);
      }
      assertEquals(absolute / 3000, c.mae(), 1e-9, c.model().code() + " MAE");
      assertEquals(curve / weeks.length / cumulative[weeks.length - 1], c.curveError(), 1e-9,
          c.model().code() + " curve error");
    }
    System.out.println("Pareto/NBD-simulated holdout: " + selection.describe());
    assertSame(selection.candidates().get(2), selection.winner(), selection.describe());
  }
}

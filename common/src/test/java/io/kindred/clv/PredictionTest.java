package io.kindred.clv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * 2F1 against closed forms; the Euler-transformed expectations against lifetimes' direct formulas and against
 * simulation; probability alive against its formula.
 */
class PredictionTest {

  private static final BgNbdParams BG = new BgNbdParams(0.2425945, 4.4136019, 0.7929199, 2.4258881);
  private static final ModifiedBgNbdParams MBG = new ModifiedBgNbdParams(0.5248, 6.183, 0.8914, 1.614);

  @Test
  void hyp2f1MatchesClosedForms() {
    for (double z : new double[] {0.0, 0.1, 0.5, 0.9, 0.99}) {
      double log = z == 0 ? 1 : -Math.log1p(-z) / z;
      assertEquals(log, Hypergeometric.hyp2f1(1, 1, 2, z), 1e-13 * log, "2F1(1,1;2;" + z + ")");
      double power = Math.pow(1 - z, -0.7);
      assertEquals(power, Hypergeometric.hyp2f1(0.7, 2.3, 2.3, z), 1e-13 * power, "2F1(0.7,b;b;" + z + ")");
      double s = Math.sqrt(z);
      double arcsin = z == 0 ? 1 : Math.asin(s) / s;
      assertEquals(arcsin, Hypergeometric.hyp2f1(0.5, 0.5, 1.5, z), 1e-13, "2F1(1/2,1/2;3/2;" + z + ")");
    }
    // A terminating series: 2F1(-2, b; c; z) = 1 - 2bz/c + b(b+1)z^2/(c(c+1)).
    assertEquals(1 - 2 * 3.0 * 0.4 / 5 + 3.0 * 4 * 0.16 / (5 * 6), Hypergeometric.hyp2f1(-2, 3, 5, 0.4), 1e-15);
  }

  @Test
  void hyp2f1RejectsArgumentsOutsideItsDomain() {
    IllegalArgumentException z = assertThrows(IllegalArgumentException.class,
        () -> Hypergeometric.hyp2f1(1, 1, 2, 1.0));
    assertEquals("2F1 is evaluated for 0 <= z < 1 only, got z = 1.0", z.getMessage());
    IllegalArgumentException c = assertThrows(IllegalArgumentException.class,
        () -> Hypergeometric.hyp2f1(1, 1, -2, 0.5));
    assertEquals("2F1 is undefined for c a non-positive integer, got c = -2.0", c.getMessage());
  }

  /** lifetimes' BetaGeoFitter.conditional_expected_number_of_purchases_up_to_time, without the transformation. */
  private static double bgDirect(BgNbdParams p, double t, int x, double tx, double age) {
    double z = t / (p.alpha() + age + t);
    double hyp = GaussSeries.hyp2f1(p.r() + x, p.b() + x, p.a() + p.b() + x - 1, z);
    double first = (p.a() + p.b() + x - 1) / (p.a() - 1);
    double second = 1 - hyp * Math.pow((p.alpha() + age) / (p.alpha() + t + age), p.r() + x);
    double denominator = 1 + (x > 0 ? p.a() / (p.b() + x - 1) * Math.pow((p.alpha() + age) / (p.alpha() + tx),
        p.r() + x) : 0);
    return first * second / denominator;
  }

  /** lifetimes' ModifiedBetaGeoFitter (Wagner & Hoppe 2008), without the transformation. */
  private static double mbgDirect(ModifiedBgNbdParams p, double t, int x, double tx, double age) {
    double z = t / (p.alpha() + age + t);
    double hyp = GaussSeries.hyp2f1(p.r() + x, p.b() + x + 1, p.a() + p.b() + x, z);
    double first = (p.a() + p.b() + x) / (p.a() - 1);
    double second = 1 - hyp * Math.pow((p.alpha() + age) / (p.alpha() + t + age), p.r() + x);
    double denominator = 1 + p.a() / (p.b() + x) * Math.pow((p.alpha() + age) / (p.alpha() + tx), p.r() + x);
    return first * second / denominator;
  }

  @Test
  void conditionalExpectationsMatchTheDirectFormulas() {
    double[][] cases = {{39, 2, 30.43, 38.86}, {39, 0, 0, 38.86}, {10, 1, 1.71, 38.86}, {52, 15, 37.0, 38.0},
        {200, 40, 70, 75}, {3, 5, 2, 30}};
    for (double[] c : cases) {
      int x = (int) c[1];
      double bg = bgDirect(BG, c[0], x, c[2], c[3]);
      assertEquals(bg, BG.expectedPurchases(c[0], x, c[2], c[3]), 1e-10 * bg, "BG/NBD " + java.util.Arrays.toString(c));
      double mbg = mbgDirect(MBG, c[0], x, c[2], c[3]);
      assertEquals(mbg, MBG.expectedPurchases(c[0], x, c[2], c[3]), 1e-10 * mbg,
          "MBG/NBD " + java.util.Arrays.toString(c));
    }
  }

  @Test
  void unconditionalExpectationsMatchLifetimesFormulas() {
    for (double t : new double[] {1, 39, 78, 500}) {
      double z = t / (BG.alpha() + t);
      double bg = (BG.a() + BG.b() - 1) / (BG.a() - 1)
          * (1 - GaussSeries.hyp2f1(BG.r(), BG.b(), BG.a() + BG.b() - 1, z) * Math.pow(1 - z, BG.r()));
      assertEquals(bg, BG.expectedPurchasesUnconditional(t), 1e-10 * bg, "BG/NBD t = " + t);
      double zm = t / (MBG.alpha() + t);
      double mbg = MBG.b() / (MBG.a() - 1)
          * (1 - GaussSeries.hyp2f1(MBG.r(), MBG.b() + 1, MBG.a() + MBG.b(), zm) * Math.pow(1 - zm, MBG.r()));
      assertEquals(mbg, MBG.expectedPurchasesUnconditional(t), 1e-10 * mbg, "MBG/NBD t = " + t);
    }
  }

  @Test
  void unconditionalExpectationsMatchSimulation() {
    Simulation sim = new Simulation(3L);
    int n = 200_000;
    double t = 39;
    for (boolean modified : new boolean[] {false, true}) {
      TransactionModel p = modified ? MBG : BG;
      double[] v = p.values();
      double sum = 0;
      double sumSquares = 0;
      for (int i = 0; i < n; i++) {
        int x = sim.betaGeometric(modified, v[0], v[1], v[2], v[3], t).x();
        sum += x;
        sumSquares += (double) x * x;
      }
      double mean = sum / n;
      double standardError = Math.sqrt((sumSquares / n - mean * mean) / n);
      assertEquals(mean, p.expectedPurchasesUnconditional(t), 4 * standardError, p.modelName());
    }
  }

  @Test
  void aNearOneUsesTheLimit() {
    // a = 1 is a removable singularity of (a + b + x - 1) / (a - 1) [...]: values just around it agree.
    BgNbdParams below = new BgNbdParams(0.3, 5, 1 - 2e-4, 2.5);
    BgNbdParams at = new BgNbdParams(0.3, 5, 1, 2.5);
    BgNbdParams above = new BgNbdParams(0.3, 5, 1 + 2e-4, 2.5);
    double mid = (below.expectedPurchases(20, 3, 15, 30) + above.expectedPurchases(20, 3, 15, 30)) / 2;
    assertEquals(mid, at.expectedPurchases(20, 3, 15, 30), 1e-6 * mid);
  }

  @Test
  void probabilityAliveFollowsItsFormula() {
    assertEquals(1.0, BG.probabilityAlive(0, 0, 38.86));
    assertEquals(0.726608610768208, BG.probabilityAlive(2, 30.43, 38.86), 1e-12);
    double mbg = 1 / (1 + MBG.a() / (MBG.b() + 0) * Math.pow((MBG.alpha() + 38.86) / MBG.alpha(), MBG.r()));
    assertEquals(mbg, MBG.probabilityAlive(0, 0, 38.86), 1e-12);
    // Long silence after many purchases: the odds overflow a double, the probability is 0, not NaN.
    assertEquals(0.0, BG.probabilityAlive(5000, 1, 1e6));
    assertEquals(0.0, BG.expectedPurchases(30, 5000, 1, 1e6));
  }

  @Test
  void expectedPurchasesGrowWithTheHorizon() {
    double previous = 0;
    for (double t = 1; t <= 365; t += 1) {
      double e = BG.expectedPurchases(t, 3, 20, 38);
      assertEquals(true, e > previous, "t = " + t);
      previous = e;
    }
    assertEquals(0.0, BG.expectedPurchases(0, 3, 20, 38));
  }

  @Test
  void badHistoriesAreRefusedByName() {
    assertEquals("t_x must be a finite number in [0, T = 10.0], got 12.0",
        assertThrows(IllegalArgumentException.class, () -> BG.probabilityAlive(2, 12, 10)).getMessage());
    assertEquals("t_x must be 0 when x = 0, got 3.0",
        assertThrows(IllegalArgumentException.class, () -> BG.expectedPurchases(5, 0, 3, 10)).getMessage());
    assertEquals("t (the prediction horizon) must be a finite number >= 0, got NaN",
        assertThrows(IllegalArgumentException.class, () -> BG.expectedPurchases(Double.NaN, 1, 3, 10)).getMessage());
    assertEquals("x must be >= 0, got -1",
        assertThrows(IllegalArgumentException.class, () -> MBG.probabilityAlive(-1, 0, 10)).getMessage());
    assertEquals("bg_nbd parameter a must be a finite number > 0, got -0.5",
        assertThrows(IllegalArgumentException.class, () -> new BgNbdParams(1, 1, -0.5, 1)).getMessage());
  }
}

package io.kindred.clv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

/** Spend, CLV and the scorer's assembly of them, against hand computations. */
class ClvScorerTest {

  private static final BgNbdParams BG = new BgNbdParams(0.2425945, 4.4136019, 0.7929199, 2.4258881);
  private static final GammaGammaParams GG = new GammaGammaParams(6.25, 3.74, 15.44);

  @Test
  void expectedSpendShrinksTheCustomersMeanTowardsThePopulationMean() {
    // (p gamma + p x mbar) / (p x + q - 1) = (6.25 * 15.44 + 6.25 * 2 * 22.35) / (12.5 + 2.74)
    assertEquals(24.663713910761153, GG.expectedAverageSpend(2, 22.35), 1e-12);
    // p gamma / (q - 1) = 96.5 / 2.74
    assertEquals(35.21897810218978, GG.expectedAverageSpend(0, Double.NaN), 1e-12);
    assertEquals(35.21897810218978, GG.populationMeanSpend(), 1e-12);
  }

  @Test
  void undiscountedClvTelescopesToSpendTimesPurchasesOverTheHorizon() {
    ClvHorizon twelveMonths = new ClvHorizon(12, 0.0, 4.345);

    double clv = CustomerLifetimeValue.clv(BG, 24.66, 2, 30.43, 38.86, twelveMonths);

    assertEquals(24.66 * BG.expectedPurchases(12 * 4.345, 2, 30.43, 38.86), clv, 1e-12);
  }

  @Test
  void discountedClvDiscountsEachMonth() {
    ClvHorizon twoMonths = new ClvHorizon(2, 0.01, 30);
    double first = BG.expectedPurchases(30, 2, 30.43, 38.86);
    double both = BG.expectedPurchases(60, 2, 30.43, 38.86);

    double clv = CustomerLifetimeValue.clv(BG, 20.0, 2, 30.43, 38.86, twoMonths);

    assertEquals(20.0 * first / 1.01 + 20.0 * (both - first) / (1.01 * 1.01), clv, 1e-12);
  }

  @Test
  void scorerConvertsDaysToTheModelsUnit() {
    ClvScorer scorer = new ClvScorer(BG, GG, PeriodUnit.WEEKS, ClvHorizon.of(12, 0.01, PeriodUnit.WEEKS));

    CustomerValue v = scorer.score(2, 30.43, 38.86, 22.35);

    assertEquals(0.726608610768208, v.probabilityAlive(), 1e-12);
    assertEquals(BG.expectedPurchases(30 / 7.0, 2, 30.43, 38.86), v.expectedPurchases30(), 0);
    assertEquals(BG.expectedPurchases(90 / 7.0, 2, 30.43, 38.86), v.expectedPurchases90(), 0);
    assertEquals(BG.expectedPurchases(365 / 7.0, 2, 30.43, 38.86), v.expectedPurchases365(), 0);
    assertEquals(24.663713910761153, v.expectedAverageSpend(), 1e-12);
    assertEquals(CustomerLifetimeValue.clv(BG, 24.663713910761153, 2, 30.43, 38.86,
        new ClvHorizon(12, 0.01, 4.345)), v.clv(), 1e-12);
  }

  @Test
  void scorerSurvivesJavaSerializationAsSparkShipsIt() throws Exception {
    ClvScorer scorer = new ClvScorer(new ModifiedBgNbdParams(0.52, 43.3, 0.89, 1.61), GG, PeriodUnit.DAYS,
        ClvHorizon.of(6, 0.01, PeriodUnit.DAYS));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(scorer);
    }
    ClvScorer copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (ClvScorer) in.readObject();
    }

    assertEquals(scorer.score(4, 120, 200, 31.0), copy.score(4, 120, 200, 31.0));
  }

  @Test
  void scorerRefusesASpendModelWithoutAFiniteMean() {
    GammaGammaParams heavyTail = new GammaGammaParams(2, 0.9, 10);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ClvScorer(BG, heavyTail, PeriodUnit.DAYS, ClvHorizon.of(12, 0.01, PeriodUnit.DAYS)));

    assertEquals("the Gamma-Gamma model needs q > 1 for a finite expected spend of customers without repeat"
        + " purchases, got q = 0.9", e.getMessage());
  }

  @Test
  void badSpendAndHorizonAreRefusedByName() {
    assertEquals("mbar must be a finite number >= 0 when x = 3, got -1.0",
        assertThrows(IllegalArgumentException.class, () -> GG.expectedAverageSpend(3, -1)).getMessage());
    // Repeat purchases of value 0 (CDNOW has some): shrunk towards the population mean, p gamma / (3p + q - 1).
    assertEquals(96.5 / (18.75 + 2.74), GG.expectedAverageSpend(3, 0), 1e-12);
    assertEquals("monthlyDiscountRate must be a finite number >= 0, got -0.1",
        assertThrows(IllegalArgumentException.class, () -> new ClvHorizon(12, -0.1, 30)).getMessage());
    assertEquals("months must be >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> new ClvHorizon(0, 0.01, 30)).getMessage());
  }
}

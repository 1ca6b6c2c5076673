package io.kindred.features;

import static io.kindred.testing.SilverFixtures.transaction;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindred.clv.BgNbdParams;
import io.kindred.clv.ClvFit;
import io.kindred.clv.ClvFitter;
import io.kindred.clv.PeriodUnit;
import io.kindred.testing.SharedSpark;
import io.kindred.testing.SilverFixtures;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Parameter recovery through the feature path: transactions simulated from BG/NBD with known parameters, as silver
 * rows, aggregated and collected as the job does, give back the parameters within four standard errors.
 */
class ClvFeaturesRecoveryTest {

  private static final double R = 2;
  private static final double ALPHA = 40;
  private static final double A = 1;
  private static final double B = 3;
  private static final LocalDate START = LocalDate.of(2025, 1, 1);
  private static final LocalDate END = START.plusDays(364);

  private final SparkSession spark = SharedSpark.session();

  /**
   * 2,000 customers acquired in the first 60 days; while active each buys as a Poisson process with rate
   * lambda ~ Gamma(R, ALPHA) per day (R = 2: a sum of two exponentials) and drops out after each repeat purchase
   * with p ~ Beta(A = 1, B) (p = 1 - U^(1/B)). Purchases are dated by day.
   */
  private static List<Row> simulated() {
    Random random = new Random(20261123);
    List<Row> rows = new ArrayList<>();
    long horizon = END.toEpochDay() - START.toEpochDay() + 1;
    int n = 0;
    for (int i = 0; i < 2000; i++) {
      double lambda = (-Math.log(random.nextDouble()) - Math.log(random.nextDouble())) / ALPHA;
      double p = 1 - Math.pow(random.nextDouble(), 1 / B);
      double t = random.nextInt(60);
      rows.add(transaction("t" + n++, "c" + i, START.plusDays((long) t), "10.00"));
      while (true) {
        t += -Math.log(random.nextDouble()) / lambda;
        if (t >= horizon) {
          break;
        }
        rows.add(transaction("t" + n++, "c" + i, START.plusDays((long) t), "10.00"));
        if (random.nextDouble() < p) {
          break;
        }
      }
    }
    return rows;
  }

  @Test
  void bgNbdParametersAreRecoveredThroughTheFeaturePath() {
    Dataset<Row> silver = SilverFixtures.transactions(spark, simulated());
    Dataset<Row> aggregates = RfmFeatures.customerAggregates(RfmFeatures.customerDays(
        RfmFeatures.transactionsAsOf(silver, END, false)), END);

    ClvFit<BgNbdParams> fit = ClvFitter.fitBgNbd(ClvFeatures.rfmTriples(aggregates, PeriodUnit.DAYS));

    System.out.println("recovery " + fit);
    assertEquals(2000, fit.customers());
    double[] truth = {R, ALPHA, A, B};
    double[] estimate = fit.params().values();
    double[] se = fit.standardErrors();
    for (int k = 0; k < 4; k++) {
      String name = fit.params().parameterNames().get(k);
      assertTrue(Math.abs(estimate[k] - truth[k]) < 4 * se[k], name + ": true " + truth[k] + ", estimate "
          + estimate[k] + " (se " + se[k] + ")");
    }
  }
}

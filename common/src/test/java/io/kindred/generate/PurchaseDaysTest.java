package io.kindred.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindred.clv.ClvFit;
import io.kindred.clv.ClvFitter;
import io.kindred.clv.ClvParams;
import io.kindred.clv.RfmTriples;
import io.kindred.clv.SpendSummaries;
import io.kindred.config.KindredConfig;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The generator's BG/NBD purchases as Kindred summarises them, by purchase day: with the default champions (a
 * purchase every 8 days on average, so a draw often falls on the day of the previous purchase), every purchase is
 * on its own UTC day and the purchase-day summary recovers the archetype's parameters. Before the generator moved
 * such draws to the next day, this fit gave alpha = 36.3 +- 1.7 weeks against the true 28.6 (and r = 28.5 +- 1.3
 * against 24). Pure Java: the customers' cores, no files.
 */
class PurchaseDaysTest {

  private static final int CUSTOMERS = 5000;
  private static final int DAYS = 365;
  private static final long DAY = 86_400L;

  private static void assertRecovered(double[] truth, ClvFit<? extends ClvParams> fit) {
    double[] v = fit.params().values();
    double[] se = fit.standardErrors();
    for (int i = 0; i < v.length; i++) {
      // within 3 standard errors on the log scale, where the fitter works (see BuildFeaturesGeneratedTest)
      double z = Math.abs(Math.log(v[i]) - Math.log(truth[i])) / (se[i] / v[i]);
      assertTrue(z <= 3, fit.model() + " " + fit.params().parameterNames().get(i) + ": true " + truth[i]
          + ", fitted " + v[i] + " +- " + se[i] + " (" + z + " log-scale standard errors)");
    }
  }

  @Test
  void championsBuyOnDistinctDaysAndTheirPurchaseDaySummaryRecoversTheParameters() {
    Map<String, Object> overrides = new HashMap<>();
    for (Archetype a : Archetype.values()) {
      overrides.put("kindred.generate.archetypes." + a.code() + ".share", a == Archetype.CHAMPIONS ? 1 : 0);
    }
    GeneratorSettings settings = GeneratorSettings.from(KindredConfig.load(null, overrides).section("generate"));
    World world = new World(new SampleSpec(CUSTOMERS, DAYS, LocalDate.of(2026, 3, 1), 42, settings));
    RfmTriples.Builder triples = RfmTriples.builder();
    List<Integer> x = new ArrayList<>();
    List<Double> mbar = new ArrayList<>();
    long purchases = 0;
    for (long i = 0; i < CUSTOMERS; i++) {
      World.Core core = world.core(i);
      List<World.Txn> bought = core.purchases;
      for (int k = 1; k < bought.size(); k++) {
        assertTrue(bought.get(k).sec / DAY > bought.get(k - 1).sec / DAY, "customer " + i + ": purchases " + (k - 1)
            + " and " + k + " on one UTC day");
      }
      purchases += bought.size();
      long firstDay = bought.get(0).sec / DAY;
      int repeat = bought.size() - 1;
      // the summary of RfmFeatures: days from the first purchase day to the last and to the as-of day (the last)
      triples.add(repeat, (bought.get(repeat).sec / DAY - firstDay) / 7.0, (DAYS - 1 - firstDay) / 7.0);
      if (repeat > 0) {
        double sum = 0;
        for (int k = 1; k <= repeat; k++) {
          sum += bought.get(k).usd;
        }
        x.add(repeat);
        mbar.add(sum / repeat);
      }
    }
    assertTrue(purchases > 20 * CUSTOMERS, "a busy archetype: " + purchases + " purchases");

    GeneratorSettings.ArchetypeParams truth = settings.params(Archetype.CHAMPIONS);
    ClvFit<?> bgNbd = ClvFitter.fitBgNbd(triples.build());
    ClvFit<?> gammaGamma = ClvFitter.fitGammaGamma(SpendSummaries.ofCustomers(
        x.stream().mapToInt(Integer::intValue).toArray(), mbar.stream().mapToDouble(Double::doubleValue).toArray()));
    System.out.println("champions by purchase day: " + bgNbd + " / " + gammaGamma);
    assertEquals(CUSTOMERS, bgNbd.customers());
    assertRecovered(new double[] {truth.r(), truth.alpha() / 7, truth.a(), truth.b()}, bgNbd);
    assertRecovered(new double[] {truth.p(), truth.q(), truth.gamma()}, gammaGamma);
  }
}

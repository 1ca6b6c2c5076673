package io.kindred.clv;

import java.util.Locale;

/**
 * Not a test: simulates 1,000,000 BG/NBD customers with daily data, reduces them to distinct (x, t_x, T) triples
 * (t_x and T as whole days, as the feature stage computes them, and for comparison unrounded), fits BG/NBD, MBG/NBD
 * and Gamma-Gamma, and prints the number of distinct rows and the times.
 *
 * <p>Run: {@code java -cp common/target/classes:common/target/test-classes:<dependencies>
 * io.kindred.clv.ClvFitBenchmark [customers]}
 */
public final class ClvFitBenchmark {

  private ClvFitBenchmark() {
  }

  public static void main(String[] args) {
    int customers = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    // CDNOW-like parameters in days: alpha = 4.41 weeks = 31 days; cohorts acquired over two years.
    double r = 0.25;
    double alpha = 31;
    double a = 0.8;
    double b = 2.5;
    Simulation sim = new Simulation(42L);
    RfmTriples.Builder days = RfmTriples.builder();
    RfmTriples.Builder exact = RfmTriples.builder();
    int repeat = 0;
    int[] spendX = new int[customers];
    double[] spendM = new double[customers];
    long started = System.nanoTime();
    for (int i = 0; i < customers; i++) {
      double age = 1 + Math.floor(sim.uniform(0, 730));
      Simulation.History h = sim.betaGeometric(false, r, alpha, a, b, age);
      days.add(h.x(), Math.floor(h.tx()), age);
      exact.add(h.x(), h.tx(), age);
      if (h.x() > 0) {
        spendX[repeat] = h.x();
        spendM[repeat] = sim.meanSpend(6.25, 3.74, 15.44, h.x());
        repeat++;
      }
    }
    double simulateSeconds = (System.nanoTime() - started) / 1e9;
    started = System.nanoTime();
    RfmTriples dayTriples = days.build();
    double reduceSeconds = (System.nanoTime() - started) / 1e9;
    RfmTriples exactTriples = exact.build();

    print("simulate %d customers (%d repeat buyers): %.1f s; reduce to triples: %.2f s", customers, repeat,
        simulateSeconds, reduceSeconds);
    print("distinct (x, t_x, T) triples, whole days: %d (%.1f%% of customers); unrounded: %d",
        dayTriples.size(), 100.0 * dayTriples.size() / customers, exactTriples.size());

    for (int run = 0; run < 2; run++) {
      // The second run is with a warm JIT, as a long-running driver sees it.
      ClvFit<BgNbdParams> bg = ClvFitter.fitBgNbd(dayTriples);
      print("run %d bg_nbd, whole days: %s", run + 1, bg);
      ClvFit<ModifiedBgNbdParams> mbg = ClvFitter.fitModifiedBgNbd(dayTriples);
      print("run %d mbg_nbd, whole days: %s", run + 1, mbg);
    }
    ClvFit<BgNbdParams> unrounded = ClvFitter.fitBgNbd(exactTriples);
    print("bg_nbd, unrounded times: %s", unrounded);

    int[] x = java.util.Arrays.copyOf(spendX, repeat);
    double[] m = java.util.Arrays.copyOf(spendM, repeat);
    ClvFit<GammaGammaParams> gg = ClvFitter.fitGammaGamma(SpendSummaries.ofCustomers(x, m));
    print("gamma_gamma, one row per repeat buyer: %s", gg);

    ClvScorer scorer = new ClvScorer(ClvFitter.fitBgNbd(dayTriples).params(), gg.params(), PeriodUnit.DAYS,
        ClvHorizon.of(12, 0.01, PeriodUnit.DAYS));
    started = System.nanoTime();
    double total = 0;
    for (int i = 0; i < dayTriples.size(); i++) {
      total += scorer.score(dayTriples.x(i), dayTriples.tx(i), dayTriples.age(i), 30.0).clv();
    }
    double scoreSeconds = (System.nanoTime() - started) / 1e9;
    print("score %d triples (all predictions, 12-month CLV): %.2f s, %.1f us each (checksum %.1f)",
        dayTriples.size(), scoreSeconds, scoreSeconds * 1e6 / dayTriples.size(), total);
  }

  private static void print(String format, Object... args) {
    System.out.println(String.format(Locale.ROOT, format, args));
  }
}

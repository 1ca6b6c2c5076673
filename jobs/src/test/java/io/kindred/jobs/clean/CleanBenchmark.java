package io.kindred.jobs.clean;

import io.kindred.clean.Feed;
import io.kindred.ops.RunMetrics;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Not a test: cleans a synthetic transactions feed in the generator's format and prints rows per second.
 * Run: {@code java -cp <test class path> io.kindred.jobs.clean.CleanBenchmark [rows] [days]} (defaults 1,000,000 and
 * 5), with the JVM flags of pom.xml's spark.jvm.flags.
 */
public final class CleanBenchmark {

  private CleanBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
    int days = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path dir = Files.createTempDirectory("kindred-clean-bench");
    CleanHarness h = new CleanHarness(dir);
    LocalDate first = LocalDate.of(2026, 3, 1);
    SplittableRandom rng = new SplittableRandom(7);
    String[] currencies = {"USD", "EUR", "GBP"};
    long written = 0;
    long start = System.nanoTime();
    for (int d = 0; d < days; d++) {
      LocalDate day = first.plusDays(d);
      h.write("fx_rates/" + day + "/fx_rates-" + day + "-00000.csv", "date,currency,rate_to_usd",
          day + ",USD,1", day + ",EUR,1.1", day + ",GBP,1.3");
      Path file = h.root.resolve("raw/transactions/" + day + "/transactions-" + day + "-00000.csv");
      Files.createDirectories(file.getParent());
      try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        out.write(CleanTransactionsJobTest.HEADER + "\n");
        for (long i = 0; i < rows / days; i++, written++) {
          out.write(String.format(Locale.ROOT, "T%012d,C%08d,%sT%02d:%02d:00+01:00,%d.%02d,%s,1,P%05d,music,web,%n",
              written, rng.nextInt(100_000), day, 1 + rng.nextInt(22), rng.nextInt(60), 1 + rng.nextInt(200),
              rng.nextInt(100), currencies[rng.nextInt(3)], rng.nextInt(1000)));
        }
      }
    }
    System.out.printf(Locale.ROOT, "wrote %,d lines in %.1f s%n", written, (System.nanoTime() - start) / 1e9);
    start = System.nanoTime();
    RunMetrics m = h.clean(Feed.TRANSACTIONS, "generator-transactions", h.raw("transactions"), first,
        first.plusDays(days - 1));
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "clean-transactions: %,d rows in %.1f s = %,.0f rows/s (%s)%n", m.rowsIn(), seconds,
        m.rowsIn() / seconds, m.summary());
    h.spark.stop();
  }
}

package io.kindred.jobs.clean;

import io.kindred.jobs.Kindred;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Not a test: cleans a synthetic transactions feed in the generator's format with {@code kindred clean-transactions}
 * (the production entry point, {@link Kindred#execute}, on {@code local[2]}) and prints rows per second. The time
 * includes the session's start. Run: {@code java <spark.jvm.flags> -cp bench/target/classes:$(cat
 * bench/target/classpath.txt) io.kindred.jobs.clean.CleanBenchmark [rows] [days]} (defaults 1,000,000 and 5).
 */
public final class CleanBenchmark {

  /** The generator's transactions header (docs/sources.md). */
  static final String HEADER = "transaction_id,customer_id,timestamp,amount,currency,quantity,product_id,category,"
      + "channel,original_transaction_id";

  private CleanBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
    int days = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path dir = Files.createTempDirectory("kindred-clean-bench");
    Path raw = dir.resolve("raw");
    LocalDate first = LocalDate.of(2026, 3, 1);
    SplittableRandom rng = new SplittableRandom(7);
    String[] currencies = {"USD", "EUR", "GBP"};
    long written = 0;
    long start = System.nanoTime();
    for (int d = 0; d < days; d++) {
      LocalDate day = first.plusDays(d);
      Path fx = raw.resolve("fx_rates/" + day + "/fx_rates-" + day + "-00000.csv");
      Files.createDirectories(fx.getParent());
      Files.writeString(fx, "date,currency,rate_to_usd\n" + day + ",USD,1\n" + day + ",EUR,1.1\n" + day
          + ",GBP,1.3\n", StandardCharsets.UTF_8);
      Path file = raw.resolve("transactions/" + day + "/transactions-" + day + "-00000.csv");
      Files.createDirectories(file.getParent());
      try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        out.write(HEADER + "\n");
        for (long i = 0; i < rows / days; i++, written++) {
          out.write(String.format(Locale.ROOT, "T%012d,C%08d,%sT%02d:%02d:00+01:00,%d.%02d,%s,1,P%05d,music,web,%n",
              written, rng.nextInt(100_000), day, 1 + rng.nextInt(22), rng.nextInt(60), 1 + rng.nextInt(200),
              rng.nextInt(100), currencies[rng.nextInt(3)], rng.nextInt(1000)));
        }
      }
    }
    System.out.printf(Locale.ROOT, "wrote %,d lines in %.1f s%n", written, (System.nanoTime() - start) / 1e9);
    start = System.nanoTime();
    int exit = Kindred.execute(System.out, System.err, "clean-transactions", "--from-date", first.toString(),
        "--run-date", first.plusDays(days - 1L).toString(), "--input", raw.resolve("transactions").toString(),
        "--lakehouse", dir.resolve("lake").toString(), "--master", "local[2]",
        "--set", "kindred.quarantine.max-rate=1.0");
    double seconds = (System.nanoTime() - start) / 1e9;
    if (exit != 0) {
      throw new IllegalStateException("clean-transactions exited with " + exit + "; lakehouse left in " + dir);
    }
    System.out.printf(Locale.ROOT, "clean-transactions (session start included): %,d rows in %.1f s = %,.0f rows/s; "
        + "lakehouse in %s%n", written, seconds, written / seconds, dir);
  }
}

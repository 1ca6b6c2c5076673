package io.kindred.generate;

import io.kindred.config.KindredConfig;
import java.time.LocalDate;
import java.util.Map;

/**
 * Prints how fast {@link World#emit} produces lines on one thread, without Spark:
 * {@code java -cp ... io.kindred.generate.GeneratorBenchmark [customers] [days]}. Not a test.
 */
public final class GeneratorBenchmark {

  private GeneratorBenchmark() {
  }

  public static void main(String[] args) {
    long customers = args.length > 0 ? Long.parseLong(args[0]) : 20_000;
    int days = args.length > 1 ? Integer.parseInt(args[1]) : 120;
    GeneratorSettings settings = GeneratorSettings.from(KindredConfig.load(null, Map.of()).section("generate"));
    World world = new World(new SampleSpec(customers, days, LocalDate.of(2026, 11, 22), 42, settings));
    for (int round = 0; round < 3; round++) {
      long[] lines = {0, 0};
      long start = System.nanoTime();
      for (long u = 0; u < world.spec().socialUsers(); u++) {
        world.emit(u, (feed, day, key, line, tag) -> {
          lines[0]++;
          lines[1] += line.length();
        });
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("round %d: %d users, %d lines, %d chars in %.2f s: %.0f lines/s%n", round,
          world.spec().socialUsers(), lines[0], lines[1], seconds, lines[0] / seconds);
    }
  }
}

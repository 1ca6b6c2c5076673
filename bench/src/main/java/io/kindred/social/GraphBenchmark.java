package io.kindred.social;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.when;

import io.kindred.spark.KindredSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Benchmark, not a test: generates a synthetic social graph with Spark ({@code users} users in communities of
 * 1,000, {@code edges} edges: 80% inside the actor's community, 10% to a random user, 10% to one of {@code users /
 * 1000} hubs), writes it to Parquet, reads it back and runs {@link SocialGraph#of}, {@link WeightedPageRank} and
 * {@link Communities} on {@code local[2]}, printing iterations and times.
 *
 * <p>Run with the test classpath, e.g. {@code java -Xmx8g <spark.jvm.flags> -cp ... io.kindred.social.GraphBenchmark
 * 1000000 20000000}.
 */
public final class GraphBenchmark {

  private GraphBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    long users = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
    long edges = args.length > 1 ? Long.parseLong(args[1]) : 20_000_000L;
    double lpaTolerance = args.length > 2 ? Double.parseDouble(args[2]) : 1e-4;
    SparkSession spark = KindredSpark.session("graph-benchmark", "local[2]", "local[2]", Map.of(
        "spark.sql.shuffle.partitions", "8",
        "spark.default.parallelism", "2",
        "spark.ui.enabled", "false",
        "spark.ui.showConsoleProgress", "false",
        "spark.driver.host", "127.0.0.1"));
    spark.sparkContext().setLogLevel("WARN");
    Path dir = Files.createTempDirectory("graph-benchmark");
    try {
      long communities = Math.max(1, users / 1000);
      long hubs = Math.max(1, users / 1000);
      long t0 = System.nanoTime();
      Dataset<Row> generated = spark.range(0, edges, 1, 8)
          .withColumn("u", floor(rand(1).multiply(users)).cast("long"))
          .withColumn("kind", rand(2))
          .withColumn("v", when(col("kind").lt(0.8),
                  floor(col("u").divide(1000)).multiply(1000).plus(floor(rand(3).multiply(1000))).cast("long"))
              .otherwise(floor(rand(4).multiply(users)).cast("long")))
          .select(
              format_string("C%08d", col("u")).as(SocialColumns.SRC),
              when(col("kind").geq(0.9), concat(lit("S"), format_string("%08d", col("v").mod(hubs))))
                  .otherwise(format_string("C%08d", col("v").mod(users))).as(SocialColumns.DST),
              floor(rand(5).multiply(3)).plus(1).cast("double").as(SocialColumns.WEIGHT));
      generated.write().parquet(dir.resolve("edges").toString());
      double generate = seconds(t0);
      print("generated %,d edges over %,d users (+%,d hubs, %,d planted communities) to Parquet in %.1f s",
          edges, users, hubs, communities, generate);

      long t1 = System.nanoTime();
      try (SocialGraph graph = SocialGraph.of(spark.read().parquet(dir.resolve("edges").toString()))) {
        print("SocialGraph.of: %,d vertices, %,d edges in %.1f s", graph.vertexCount(), graph.edgeCount(),
            seconds(t1));

        long t2 = System.nanoTime();
        WeightedPageRank.Result pr = new WeightedPageRank().run(graph);
        double prSeconds = seconds(t2);
        print("PageRank: %d iterations, last L1 change %.3g, %.1f s total, %.2f s per iteration (incl. setup)",
            pr.iterations(), pr.lastChange(), prSeconds, prSeconds / pr.iterations());
        Row top = pr.ranks().orderBy(col(SocialColumns.PAGERANK).desc()).first();
        print("PageRank: top user %s with %.3g; %,d ranks", top.getString(0), top.getDouble(1), pr.ranks().count());

        long t3 = System.nanoTime();
        Communities.Result lpa = new Communities().withTolerance(lpaTolerance).run(graph);
        double lpaSeconds = seconds(t3);
        print("Communities: %d iterations, %,d unstable at stop (tolerance %.1g), %,d communities, %.1f s total, "
            + "%.2f s per iteration (incl. setup)", lpa.iterations(), lpa.unstable(), lpaTolerance,
            lpa.communityCount(), lpaSeconds, lpaSeconds / lpa.iterations());
        print("total %.1f s; driver heap used %,d MB of %,d MB", seconds(t0),
            (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20,
            Runtime.getRuntime().maxMemory() >> 20);
      }
    } finally {
      spark.stop();
      deleteRecursively(dir);
    }
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  private static void print(String format, Object... args) {
    System.out.println("[graph-benchmark] " + String.format(Locale.ROOT, format, args));
  }

  private static void deleteRecursively(Path dir) throws java.io.IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}

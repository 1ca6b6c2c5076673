package io.kindred.social;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.rand;

import io.kindred.spark.KindredSpark;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.graphx.Edge;
import org.apache.spark.graphx.Graph;
import org.apache.spark.graphx.lib.PageRank;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Benchmark, not a test: the engine's PageRank against GraphX's own (unweighted, static) PageRank on the same
 * re-keyed random graph, a fixed number of iterations each, to compare the cost of an iteration. Arguments: users,
 * edges, iterations.
 */
public final class GraphXComparison {

  private GraphXComparison() {
  }

  public static void main(String[] args) {
    long users = args.length > 0 ? Long.parseLong(args[0]) : 100_000L;
    long edges = args.length > 1 ? Long.parseLong(args[1]) : 2_000_000L;
    int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    SparkSession spark = KindredSpark.session("graphx-comparison", "local[2]", "local[2]", Map.of(
        "spark.sql.shuffle.partitions", "8", "spark.default.parallelism", "2", "spark.ui.enabled", "false",
        "spark.ui.showConsoleProgress", "false", "spark.driver.host", "127.0.0.1"));
    spark.sparkContext().setLogLevel("WARN");
    Dataset<Row> generated = spark.range(0, edges, 1, 8).select(
        format_string("C%08d", floor(rand(1).multiply(users)).cast("long")).as(SocialColumns.SRC),
        format_string("C%08d", floor(rand(2).multiply(users)).cast("long")).as(SocialColumns.DST),
        floor(rand(3).multiply(3)).plus(1).cast("double").as(SocialColumns.WEIGHT));
    try (SocialGraph graph = SocialGraph.of(generated)) {
      long t0 = System.nanoTime();
      try {
        new WeightedPageRank().withTolerance(1e-300).withMaxIterations(iterations).run(graph);
      } catch (NotConvergedException expected) {
        print("engine PageRank: %d iterations, block build included: %.1f s", iterations, seconds(t0));
      }
      long t1 = System.nanoTime();
      JavaRDD<Edge<Object>> edgeRdd = graph.edges().toJavaRDD()
          .map(r -> new Edge<Object>(r.getInt(0), r.getInt(1), r.getDouble(2)));
      ClassTag<Object> tag = ClassTag$.MODULE$.apply(Object.class);
      Graph<Object, Object> g = Graph.fromEdges(edgeRdd.rdd(), (Object) 1.0, StorageLevel.MEMORY_AND_DISK(),
          StorageLevel.MEMORY_AND_DISK(), tag, tag);
      g.edges().count();
      double build = seconds(t1);
      long t2 = System.nanoTime();
      Graph<Object, Object> ranked = PageRank.run(g, iterations, 0.15, tag, tag);
      long n = ranked.vertices().count();
      double run = seconds(t2);
      print("GraphX PageRank.run: graph built in %.1f s, %d iterations over %,d vertices in %.1f s (%.2f s each)",
          build, iterations, n, run, run / iterations);
    } finally {
      spark.stop();
    }
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  private static void print(String format, Object... args) {
    System.out.println("[graphx-comparison] " + String.format(Locale.ROOT, format, args));
  }
}

package io.kindred.testing;

import io.kindred.spark.KindredSpark;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * One SparkSession per test JVM: {@code local[2]}, two shuffle partitions, no UI. Every Spark test takes its
 * session from here and writes its tables below a JUnit {@code @TempDir}.
 */
public final class SharedSpark {

  private static SparkSession session;

  private SharedSpark() {
  }

  /** The shared session, started on first use and stopped when the JVM exits. */
  public static synchronized SparkSession session() {
    if (session == null) {
      session = KindredSpark.session("kindred-tests", "local[2]", "local[2]", Map.of(
          "spark.sql.shuffle.partitions", "2",
          "spark.default.parallelism", "2",
          "spark.ui.enabled", "false",
          "spark.ui.showConsoleProgress", "false",
          "spark.databricks.delta.snapshotPartitions", "1",
          "spark.sql.adaptive.enabled", "false",
          "spark.driver.host", "127.0.0.1",
          "spark.sql.warehouse.dir", System.getProperty("java.io.tmpdir") + "/kindred-test-warehouse"));
      session.sparkContext().setLogLevel("WARN");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> session.stop()));
    }
    return session;
  }
}

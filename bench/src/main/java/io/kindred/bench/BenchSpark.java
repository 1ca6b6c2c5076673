package io.kindred.bench;

import io.kindred.config.KindredConfig;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.Location;
import io.kindred.spark.KindredSpark;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** The session and lakehouse of a benchmark command, configured as the jobs are (same overlay, same factory). */
final class BenchSpark {

  private BenchSpark() {
  }

  static KindredConfig config(Path overlay) {
    return KindredConfig.load(overlay, Map.of());
  }

  /** A session for {@code app}, with the Spark settings of the configuration ({@code kindred.spark.conf}). */
  static SparkSession session(String app, String master, KindredConfig config) {
    SparkSession spark = KindredSpark.session(app, master, config.getString("spark.default-master"),
        config.flatStrings("spark.conf"));
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }

  static Lakehouse lake(String root) {
    return new Lakehouse(Location.parse(root));
  }
}

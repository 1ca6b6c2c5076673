package io.kindred.spark;

import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The one place that builds a {@link SparkSession} for Kindred: Delta's SQL extension and catalog, UTC session
 * time zone, portable Parquet timestamps, and whatever {@code kindred.spark.conf} in the configuration adds.
 *
 * <p>Under {@code spark-submit} the master comes from the submit command; elsewhere it falls back to the given
 * default master (the embedded local run).
 */
public final class KindredSpark {

  /** Settings every Kindred session carries, whatever the environment. */
  public static final Map<String, String> REQUIRED_SETTINGS = Map.of(
      "spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension",
      "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog",
      "spark.sql.session.timeZone", "UTC",
      "spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS",
      "spark.sql.legacy.timeParserPolicy", "CORRECTED");

  private KindredSpark() {
  }

  /**
   * Returns the active session or builds one.
   *
   * @param appName the application name shown in the Spark UI and logs
   * @param master the master to use; {@code null} keeps the one spark-submit set, else {@code defaultMaster}
   * @param defaultMaster the master for an embedded run when neither the caller nor spark-submit set one
   * @param settings extra Spark settings (from configuration); they cannot override {@link #REQUIRED_SETTINGS}
   */
  public static SparkSession session(String appName, String master, String defaultMaster,
      Map<String, String> settings) {
    SparkConf conf = new SparkConf(true);
    Map<String, String> merged = new TreeMap<>(settings);
    merged.putAll(REQUIRED_SETTINGS);
    merged.forEach(conf::set);
    if (master != null && !master.isBlank()) {
      requireKnownMaster(master);
      conf.setMaster(master);
    } else if (!conf.contains("spark.master")) {
      conf.setMaster(defaultMaster);
    }
    requireKnownMaster(conf.get("spark.master"));
    conf.setAppName(appName);
    return SparkSession.builder().config(conf).getOrCreate();
  }

  /** The master URLs Spark accepts (SparkContext's own forms, and the cluster managers it ships). */
  private static final java.util.regex.Pattern MASTER = java.util.regex.Pattern.compile(
      "local|local\\[(\\d+|\\*)(\\s*,\\s*\\d+)?]|local-cluster\\[\\s*\\d+\\s*,\\s*\\d+\\s*,\\s*\\d+\\s*]"
          + "|spark://[^\\s/]+|yarn|k8s://\\S+");

  /**
   * Fails unless {@code master} is a master URL Spark accepts, before Spark tries (and logs a stack trace).
   *
   * @throws IllegalArgumentException naming the value and the accepted forms
   */
  public static void requireKnownMaster(String master) {
    if (master == null || !MASTER.matcher(master.trim()).matches()) {
      throw new IllegalArgumentException("Spark master '" + master + "' is not a master URL Spark accepts; expected "
          + "local, local[N], local[*], local[N,F] (F: task failures allowed), spark://HOST:PORT, yarn or "
          + "k8s://https://HOST:PORT");
    }
  }
}

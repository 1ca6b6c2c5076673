package io.kindred.lake;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/** Spark session settings that hold for one call only: set before it, restored (or unset) after it, even on failure. */
public final class SessionConf {

  private SessionConf() {
  }

  /**
   * Runs {@code body} with {@code settings} set on the session, then puts every key back as it was: its previous
   * value, or unset when it had none.
   */
  public static <T> T with(SparkSession spark, Map<String, String> settings, Supplier<T> body) {
    Map<String, String> previous = new LinkedHashMap<>();
    for (String key : settings.keySet()) {
      previous.put(key, spark.conf().getOption(key).getOrElse(() -> null));
    }
    try {
      settings.forEach((key, value) -> spark.conf().set(key, value));
      return body.get();
    } finally {
      previous.forEach((key, value) -> {
        if (value == null) {
          spark.conf().unset(key);
        } else {
          spark.conf().set(key, value);
        }
      });
    }
  }
}

package io.kindred.jobs.cli;

import io.kindred.clv.PeriodUnit;
import io.kindred.clv.PurchaseModel;
import io.kindred.config.KindredConfig;
import io.kindred.segments.ClusteringAlgorithm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoublePredicate;

/**
 * The ranges and names the settings of {@code conf/kindred.conf} must keep, checked before a command starts Spark,
 * so a setting outside them (a rate of 5, a negative window, a misspelt model) fails at once with exit 2 instead of
 * running with it. Unknown keys and values of the wrong type are {@link KindredConfig}'s own check; the generator's
 * settings are checked by {@code GeneratorSettings} when it reads them.
 */
public final class SettingRules {

  /** The currency silver amounts and every figure derived from them are in. */
  public static final String REPORTING_CURRENCY = "reporting-currency";

  private record Rule(String key, String expected, DoublePredicate ok) {
  }

  private static final List<Rule> NUMBERS = List.of(
      rate("quarantine.max-rate"),
      new Rule("audiences.control.share", "a share in [0, 1)", v -> v >= 0 && v < 1),
      new Rule("audiences.control.global-holdout", "a share in [0, 1)", v -> v >= 0 && v < 1),
      count("audiences.measure.window-days", 1),
      count("audiences.measure.min-group-customers", 2),
      new Rule("audiences.measure.confidence", "a level in (0, 1)", v -> v > 0 && v < 1),
      count("features.quantile-accuracy", 1),
      count("features.clv.horizon-months", 1),
      new Rule("features.clv.monthly-discount-rate", "a rate in [0, 1)", v -> v >= 0 && v < 1),
      count("features.clv.min-repeat-buyers", 1),
      nonNegative("features.clv.gamma-gamma-shape-penalty"),
      count("features.churn.horizon-days", 1),
      count("features.churn.retrain-days", 1),
      count("features.state-retention-nights", 1),
      count("social.graph-window-days", 1),
      new Rule("social.pagerank.damping", "a number in (0, 1)", v -> v > 0 && v < 1),
      positive("social.pagerank.tolerance"),
      count("social.pagerank.max-iterations", 1),
      positive("social.communities.tolerance"),
      count("social.communities.max-iterations", 1),
      new Rule("social.opinion-leaders.top-fraction", "a share in (0, 1]", v -> v > 0 && v <= 1),
      count("social.opinion-leaders.min-followers", 0),
      count("social.leader-purchase-window-days", 1),
      count("social.full-recompute-every-days", 1),
      count("segments.k-min", 2),
      count("segments.k-max", 2),
      new Rule("segments.min-segment-share", "a share in [0, 1)", v -> v >= 0 && v < 1),
      count("segments.max-training-customers", 1),
      count("segments.max-iterations", 1),
      count("segments.restarts", 1),
      positive("segments.max-match-distance"),
      count("segments.retrain-interval-days", 1),
      count("segments.publish.score-decimals", 0),
      count("segments.publish.clv-decimals", 0),
      count("forget.retention-hours", 0),
      count("vacuum.retention-hours", 0));

  private SettingRules() {
  }

  /**
   * Fails unless every setting keeps its range and every named choice is a known one.
   *
   * @throws IllegalArgumentException naming each setting out of range, its value and what was expected
   */
  public static KindredConfig check(KindredConfig config) {
    List<String> problems = new ArrayList<>();
    for (Rule rule : NUMBERS) {
      double value = config.getDouble(rule.key());
      if (!rule.ok().test(value)) {
        problems.add(describe(config, rule.key(), "expected " + rule.expected()));
      }
    }
    for (Map.Entry<String, Object> entry : config.section("audiences.control.shares").root().unwrapped().entrySet()) {
      Double n = number(entry.getValue());
      if (n == null || n < 0 || n >= 1) {
        problems.add(describe(config, "audiences.control.shares.\"" + entry.getKey() + "\"",
            "expected a share in [0, 1)"));
      }
    }
    for (String section : List.of("social.weights", "segments.naming")) {
      for (Map.Entry<String, Object> entry : config.section(section).root().unwrapped().entrySet()) {
        Double n = number(entry.getValue());
        if (n == null || n < 0) {
          problems.add(describe(config, section + "." + entry.getKey(), "expected a number >= 0"));
        }
      }
    }
    if (config.getInt("segments.k-max") < config.getInt("segments.k-min")) {
      problems.add(describe(config, "segments.k-max", "expected at least kindred.segments.k-min ("
          + config.getInt("segments.k-min") + ")"));
    }
    if (!config.getString(REPORTING_CURRENCY).matches("[A-Z]{3}")) {
      problems.add(describe(config, REPORTING_CURRENCY, "expected an ISO 4217 code in capitals, such as USD"));
    }
    oneOf(config, "features.clv.model", PurchaseModel.settingValues(), problems);
    oneOf(config, "features.clv.unit", Arrays.stream(PeriodUnit.values())
        .map(u -> u.name().toLowerCase(Locale.ROOT)).toList(), problems);
    oneOf(config, "segments.algorithm", Arrays.stream(ClusteringAlgorithm.values())
        .map(ClusteringAlgorithm::code).toList(), problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Configuration: " + String.join("; ", problems)
          + ". Every setting is documented in conf/kindred.conf.");
    }
    return config;
  }

  private static void oneOf(KindredConfig config, String key, List<String> codes, List<String> problems) {
    if (!codes.contains(config.getString(key).trim().toLowerCase(Locale.ROOT))) {
      problems.add(describe(config, key, "expected one of " + String.join(", ", codes)));
    }
  }

  private static String describe(KindredConfig config, String key, String expected) {
    var value = config.raw().getValue(KindredConfig.ROOT + "." + key);
    return KindredConfig.ROOT + "." + key + " = " + value.render() + " (" + value.origin().description() + "): "
        + expected;
  }

  private static Rule rate(String key) {
    return new Rule(key, "a rate in [0, 1]", v -> v >= 0 && v <= 1);
  }

  /** A number, or a string that is one (as a --set value is); null otherwise. */
  private static Double number(Object value) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    try {
      return value instanceof String text ? Double.valueOf(text.trim()) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Rule count(String key, long min) {
    return new Rule(key, "a whole number >= " + min, v -> v >= min && v == Math.rint(v));
  }

  private static Rule nonNegative(String key) {
    return new Rule(key, "a number >= 0", v -> v >= 0);
  }

  private static Rule positive(String key) {
    return new Rule(key, "a number > 0", v -> v > 0);
  }
}

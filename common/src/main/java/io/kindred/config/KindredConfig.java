package io.kindred.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Kindred's configuration: the defaults of {@code conf/kindred.conf} (packaged in the jar as {@code kindred.conf}),
 * then an environment overlay file ({@code conf/local.conf}, {@code conf/cluster.conf} or the user's own), then
 * the command line. A later layer overrides an earlier one. Every key is documented in {@code conf/kindred.conf}.
 */
public final class KindredConfig {

  /** The classpath resource holding the defaults. */
  public static final String DEFAULTS_RESOURCE = "kindred.conf";
  /** The root of every Kindred key. */
  public static final String ROOT = "kindred";

  /**
   * Sections below {@code kindred} whose keys the user names: RFM segment names, segment display names, audience
   * names and Spark properties. Any key below them is accepted; everywhere else a key must be one of the defaults'.
   */
  public static final List<String> OPEN_SECTIONS = List.of("features.rfm-segments", "segments.names",
      "audiences.filters", "audiences.control.shares", "spark.conf");

  private final Config config;

  private KindredConfig(Config config) {
    this.config = config;
  }

  /**
   * Loads the configuration.
   *
   * @param overlay an overlay file, or {@code null} for the defaults alone
   * @param overrides key/value pairs from the command line, highest precedence (keys are full paths such as
   *     {@code kindred.lakehouse}); a string given for a key whose value below is a list is that list,
   *     comma-separated ({@code --set kindred.generate.categories=books,toys}; an empty string is the empty list)
   * @throws IllegalArgumentException when the overlay does not exist or does not parse, naming the file
   */
  public static KindredConfig load(Path overlay, Map<String, ?> overrides) {
    Config defaults = ConfigFactory.parseResources(KindredConfig.class.getClassLoader(), DEFAULTS_RESOURCE,
        ConfigParseOptions.defaults().setAllowMissing(false));
    Config merged = defaults;
    if (overlay != null) {
      if (!Files.isRegularFile(overlay)) {
        throw new IllegalArgumentException("Configuration file " + overlay.toAbsolutePath()
            + " does not exist or is not a file");
      }
      try {
        merged = ConfigFactory.parseFile(overlay.toFile(), ConfigParseOptions.defaults().setAllowMissing(false))
            .withFallback(merged);
      } catch (ConfigException e) {
        throw new IllegalArgumentException("Configuration file " + overlay + " does not parse: " + e.getMessage(), e);
      }
    }
    if (!overrides.isEmpty()) {
      merged = ConfigFactory.parseMap(typed(overrides, merged), "command line").withFallback(merged);
    }
    Config resolved;
    try {
      resolved = merged.resolve(ConfigResolveOptions.defaults());
    } catch (ConfigException e) {
      throw new IllegalArgumentException("Configuration does not resolve: " + e.getMessage(), e);
    }
    return new KindredConfig(checked(resolved, defaults));
  }

  /** This configuration with {@code overrides} (full keys such as {@code kindred.x.y}) on top. */
  public KindredConfig withOverrides(Map<String, ?> overrides) {
    Config defaults = ConfigFactory.parseResources(KindredConfig.class.getClassLoader(), DEFAULTS_RESOURCE,
        ConfigParseOptions.defaults().setAllowMissing(false));
    return new KindredConfig(checked(ConfigFactory.parseMap(typed(overrides, config), "override")
        .withFallback(config).resolve(), defaults));
  }

  /**
   * {@code config} once every key under {@code kindred} is one the defaults know (or lies in a section whose keys
   * are the user's own: {@link #OPEN_SECTIONS}) and every value has the type of its default (a string that reads as
   * the default's number or boolean counts as one, as {@code --set} gives strings). Whether a number must be whole
   * is the ranges' check (a default of {@code 0} may stand for a real number).
   *
   * @throws IllegalArgumentException naming each unknown key with where it was set and the nearest known key, or
   *     each value of the wrong type
   */
  private static Config checked(Config config, Config defaults) {
    Set<String> known = new TreeSet<>();
    defaults.getConfig(ROOT).entrySet().forEach(e -> known.add(e.getKey()));
    List<String> problems = new ArrayList<>();
    if (config.hasPath(ROOT) && config.getValue(ROOT).valueType() == ConfigValueType.OBJECT) {
      for (Map.Entry<String, ConfigValue> entry : sorted(config.getConfig(ROOT)).entrySet()) {
        String key = entry.getKey();
        if (!known.contains(key) && OPEN_SECTIONS.stream().noneMatch(open -> key.startsWith(open + "."))) {
          String nearest = nearest(key, known);
          problems.add("unknown setting " + ROOT + "." + key + " (" + entry.getValue().origin().description() + ")"
              + (nearest == null ? "" : "; did you mean " + ROOT + "." + nearest + "?"));
        }
      }
    }
    if (problems.isEmpty()) {
      Config reference = defaults.resolve();
      try {
        config.checkValid(reference, ROOT);
      } catch (ConfigException.ValidationFailed e) {
        e.problems().forEach(p -> problems.add(p.path() + " (" + p.origin().description() + "): " + p.problem()));
      }
      // checkValid takes any string for a number or a boolean: read each such value as its default's type
      for (Map.Entry<String, ConfigValue> entry : sorted(reference.getConfig(ROOT)).entrySet()) {
        String path = ROOT + "." + entry.getKey();
        Object value = entry.getValue().unwrapped();
        try {
          if (value instanceof Number) {
            config.getDouble(path);
          } else if (value instanceof Boolean) {
            config.getBoolean(path);
          }
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
          problems.add(path + " (" + config.getValue(path).origin().description() + "): '"
              + config.getValue(path).unwrapped() + "' is not " + (value instanceof Boolean ? "true or false"
              : "a number"));
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Configuration: " + String.join("; ", problems)
          + ". Every setting is documented in conf/kindred.conf.");
    }
    return config;
  }

  private static Map<String, ConfigValue> sorted(Config config) {
    Map<String, ConfigValue> out = new TreeMap<>();
    config.entrySet().forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  /** The known key closest to {@code key} in edit distance, or null when none is close (over a third differs). */
  static String nearest(String key, Set<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int d = editDistance(key, candidate);
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return best != null && bestDistance <= Math.max(2, key.length() / 3) ? best : null;
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  /**
   * The overrides, each string given for a key whose value in {@code below} is a list split at its commas into that
   * list (elements trimmed; an empty string gives the empty list), so that {@code --set} can set a list; Typesafe
   * Config turns numeric strings into numbers where a number is read.
   */
  private static Map<String, Object> typed(Map<String, ?> overrides, Config below) {
    Map<String, Object> out = new LinkedHashMap<>();
    Config view = below.resolve(ConfigResolveOptions.defaults().setAllowUnresolved(true));
    overrides.forEach((key, value) -> {
      if (value instanceof String && isList(view, key)) {
        String text = ((String) value).strip();
        out.put(key, text.isEmpty() ? List.of() : Arrays.stream(text.split(",")).map(String::strip).toList());
      } else {
        out.put(key, value);
      }
    });
    return out;
  }

  /** Whether {@code key} holds a list in {@code config} (false for a bad path or a value not resolved yet). */
  private static boolean isList(Config config, String key) {
    try {
      return config.hasPath(key) && config.getValue(key).valueType() == ConfigValueType.LIST;
    } catch (ConfigException.BadPath | ConfigException.NotResolved e) {
      return false;
    }
  }

  /** The defaults alone. */
  public static KindredConfig defaults() {
    return load(null, Map.of());
  }

  /** The underlying Typesafe Config, rooted above {@code kindred}. */
  public Config raw() {
    return config;
  }

  /** The {@code kindred.<path>} subtree. */
  public Config section(String path) {
    return config.getConfig(ROOT + "." + path);
  }

  public String getString(String path) {
    return config.getString(ROOT + "." + path);
  }

  public double getDouble(String path) {
    return config.getDouble(ROOT + "." + path);
  }

  public int getInt(String path) {
    return config.getInt(ROOT + "." + path);
  }

  public boolean getBoolean(String path) {
    return config.getBoolean(ROOT + "." + path);
  }

  public boolean hasPath(String path) {
    return config.hasPath(ROOT + "." + path);
  }

  /** A section of string-valued settings flattened to {@code key -> value}, e.g. {@code spark.conf}. */
  public Map<String, String> flatStrings(String path) {
    Map<String, String> out = new TreeMap<>();
    if (!hasPath(path)) {
      return out;
    }
    for (Map.Entry<String, ConfigValue> entry : section(path).entrySet()) {
      String key = entry.getKey().replace("\"", "");
      out.put(key, String.valueOf(entry.getValue().unwrapped()));
    }
    return out;
  }
}

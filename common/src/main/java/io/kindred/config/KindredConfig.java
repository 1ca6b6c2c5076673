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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
    try {
      return new KindredConfig(merged.resolve(ConfigResolveOptions.defaults()));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("Configuration does not resolve: " + e.getMessage(), e);
    }
  }

  /** This configuration with {@code overrides} (full keys such as {@code kindred.x.y}) on top. */
  public KindredConfig withOverrides(Map<String, ?> overrides) {
    return new KindredConfig(ConfigFactory.parseMap(typed(overrides, config), "override")
        .withFallback(config).resolve());
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

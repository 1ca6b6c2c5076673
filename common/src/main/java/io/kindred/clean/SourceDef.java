package io.kindred.clean;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import java.io.Serializable;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A source definition ({@code conf/sources/*.conf}): how one source delivers one {@link Feed}: file layout, file
 * formats by extension, the mapping of its columns onto the canonical fields, constants for fields it does not
 * carry, timestamp, date and number formats, the time zone of zone-less timestamps, and which fields are optional.
 * See docs/sources.md, "Writing a source definition".
 *
 * @param name the source's name, stored in every row it produces
 * @param feed the feed it delivers
 * @param layout {@code daily}: {@code <input>/<yyyy-MM-dd>/} per delivery day; {@code single}: the input as is
 * @param formats file extension (without the dot) to format; a {@code delta} format reads the input path (layout
 *     single) as a Delta table
 * @param columns canonical field to the source's column (CSV header name or JSON field)
 * @param constants canonical field to a fixed value, for fields the source does not carry
 * @param optional canonical fields that may be absent or empty
 * @param timestampFormat {@code iso-offset} (ISO-8601 with a zone offset; a value without one is a bad timestamp),
 *     {@code iso} (ISO-8601, the offset optional) or a {@link java.time.format.DateTimeFormatter} pattern; a pattern
 *     with only date fields means midnight
 * @param dateFormat pattern of date fields
 * @param timeZone zone of timestamps that carry no offset
 * @param decimalSeparator the decimal separator of numbers
 * @param groupingSeparator a thousands separator to strip, or empty
 * @param derivedId how to derive a deterministic id when the source has none, or null
 * @param fxRates the FX-rate feed delivered beside this one (transactions only), or null
 * @param fxInput where the FX-rate feed is, relative to this feed's input (e.g. {@code ../fx_rates}), or null
 * @param freePurchases whether a purchase of amount 0 is accepted ({@code free-purchases = accept}); by default
 *     it is quarantined as {@code non_positive_amount}. Sources whose data has real free purchases (CDNOW: 80 of
 *     them, the only purchase of 8 of its sample customers) accept them, so the CLV models see every purchase day.
 * @param derived canonical field to a Spark SQL expression over the source's columns ({@code derived { amount =
 *     "Quantity * UnitPrice" }}), evaluated by Spark while the records are parsed (see {@link DerivedFields})
 * @param maxQuarantineRate this source's own quarantine-rate threshold ({@code max-quarantine-rate}), overriding
 *     {@code kindred.quarantine.max-rate}, or null
 * @param expected optional fields whose column every delimited file (by its header) and table must have
 *     ({@code expected = [category]}): a file without it fails the run, naming the file, the column and the columns
 *     found; the column of any other optional field may be missing (a warning, the field null)
 */
public record SourceDef(String name, Feed feed, Layout layout, Map<String, FileFormat> formats,
    Map<String, String> columns, Map<String, String> constants, Set<String> optional, String timestampFormat,
    String dateFormat, String timeZone, String decimalSeparator, String groupingSeparator, DerivedId derivedId,
    SourceDef fxRates, String fxInput, boolean freePurchases, Map<String, String> derived,
    Double maxQuarantineRate, Set<String> expected) implements Serializable {

  /** Source definitions shipped in {@code conf/sources/} (packaged in the jar as {@code sources/<name>.conf}). */
  public static final List<String> BUILT_IN = List.of("generator-transactions", "generator-customers",
      "generator-interactions", "cdnow", "invoice-lines");

  /** How the input path is organised. */
  public enum Layout { DAILY, SINGLE }

  /** How a file is parsed. */
  public enum FormatType { CSV, WHITESPACE, JSON, PARQUET, DELTA }

  /**
   * One file format.
   *
   * @param type the parser
   * @param delimiter CSV field delimiter (one character)
   * @param header whether the first line of each file names the columns
   * @param encoding the files' character set
   * @param columnNames the column names when there is no header
   */
  public record FileFormat(FormatType type, char delimiter, boolean header, String encoding,
      List<String> columnNames) implements Serializable {
  }

  /** The timestamp formats besides java.time patterns. */
  public static final List<String> TIMESTAMP_KEYWORDS = List.of("iso-offset", "iso", "epoch-seconds",
      "epoch-millis");

  /**
   * A deterministic id for sources without one: a hash of the source name, the listed fields and, when
   * {@code repeatsAreDistinct}, the number of identical lines before this one in the same file.
   *
   * @param fields canonical fields or, for a name that is not a canonical field, the source's own column (its raw
   *     text) hashed
   * @param repeatsAreDistinct true: identical lines in one file are distinct records (repeat purchases); false:
   *     they are copies (exact duplicates, dropped and counted)
   */
  public record DerivedId(List<String> fields, boolean repeatsAreDistinct) implements Serializable {
  }

  /** Fields that must be present and non-empty. */
  public Set<String> required() {
    Set<String> out = new LinkedHashSet<>(feed.fieldNames());
    out.removeAll(optional);
    if (derivedId != null) {
      out.remove(feed.idField());
    }
    return out;
  }

  /** The raw source columns {@link #derivedId} hashes (its fields that are not canonical fields), in its order. */
  public List<String> rawIdColumns() {
    if (derivedId == null) {
      return List.of();
    }
    List<String> known = feed.fieldNames();
    return derivedId.fields().stream().filter(f -> !known.contains(f)).toList();
  }

  /** The canonical fields computed by an expression, in the feed's field order. */
  public List<String> derivedFields() {
    return feed.fieldNames().stream().filter(derived::containsKey).toList();
  }

  /** The source column of canonical field {@code field}, or null. */
  public String columnOf(String field) {
    return columns.get(field);
  }

  /**
   * Loads a source definition: {@code nameOrPath} is a built-in name (see {@link #BUILT_IN}) or a path to a
   * {@code .conf} file.
   *
   * @throws IllegalArgumentException naming the source and what is wrong with it
   */
  public static SourceDef load(String nameOrPath) {
    Path file = Path.of(nameOrPath);
    Config config;
    String origin;
    if (Files.isRegularFile(file)) {
      origin = file.toAbsolutePath().toString();
      try {
        config = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
      } catch (ConfigException e) {
        throw new IllegalArgumentException("Source definition " + origin + " does not parse: " + e.getMessage(), e);
      }
    } else {
      String resource = "sources/" + nameOrPath + ".conf";
      if (SourceDef.class.getClassLoader().getResource(resource) == null) {
        throw new IllegalArgumentException("Unknown source '" + nameOrPath + "'; expected a built-in source "
            + BUILT_IN + " or the path of a source definition file (.conf)");
      }
      origin = resource;
      config = ConfigFactory.parseResources(SourceDef.class.getClassLoader(), resource,
          ConfigParseOptions.defaults().setAllowMissing(false));
    }
    try {
      return fromConfig(config.resolve().getConfig("source"), origin);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("Source definition " + origin + " is invalid: " + e.getMessage(), e);
    }
  }

  /** Reads and checks a {@code source { ... }} block. */
  public static SourceDef fromConfig(Config c, String origin) {
    String name = c.getString("name");
    Feed feed = Feed.ofCode(c.getString("feed"));
    Layout layout = enumOf(Layout.class, c.hasPath("layout") ? c.getString("layout") : "daily", origin, "layout");
    Map<String, FileFormat> formats = new LinkedHashMap<>();
    Config fc = c.getConfig("formats");
    for (String ext : fc.root().keySet()) {
      Config f = fc.getConfig(ext);
      FormatType type = enumOf(FormatType.class, f.getString("type"), origin, "formats." + ext + ".type");
      String delimiter = f.hasPath("delimiter") ? f.getString("delimiter") : ",";
      if (delimiter.length() != 1) {
        throw new IllegalArgumentException("Source definition " + origin + ": formats." + ext
            + ".delimiter must be one character, got '" + delimiter + "'");
      }
      String encoding = f.hasPath("encoding") ? f.getString("encoding") : "UTF-8";
      if (!Charset.isSupported(encoding)) {
        throw new IllegalArgumentException("Source definition " + origin + ": formats." + ext + ".encoding '"
            + encoding + "' is not a character set this JVM knows");
      }
      boolean header = f.hasPath("header") ? f.getBoolean("header") : type != FormatType.JSON;
      List<String> names = f.hasPath("column-names") ? f.getStringList("column-names") : List.of();
      if ((type == FormatType.CSV || type == FormatType.WHITESPACE) && !header && names.isEmpty()) {
        throw new IllegalArgumentException("Source definition " + origin + ": formats." + ext
            + " has no header, so it needs column-names = [...]");
      }
      formats.put(ext.toLowerCase(Locale.ROOT), new FileFormat(type, delimiter.charAt(0), header, encoding, names));
    }
    if (formats.isEmpty()) {
      throw new IllegalArgumentException("Source definition " + origin + " declares no formats");
    }
    Map<String, String> columns = stringMap(c, "columns");
    Map<String, String> constants = stringMap(c, "constants");
    Map<String, String> derived = stringMap(c, "derived");
    Set<String> optional = new LinkedHashSet<>(c.hasPath("optional") ? c.getStringList("optional") : List.of());
    DerivedId derivedId = null;
    if (c.hasPath("derived-id")) {
      Config d = c.getConfig("derived-id");
      String repeats = d.hasPath("repeats-in-file") ? d.getString("repeats-in-file") : "distinct";
      if (!repeats.equals("distinct") && !repeats.equals("duplicate")) {
        throw new IllegalArgumentException("Source definition " + origin + ": derived-id.repeats-in-file must be "
            + "'distinct' or 'duplicate', got '" + repeats + "'");
      }
      derivedId = new DerivedId(d.getStringList("fields"), repeats.equals("distinct"));
    }
    SourceDef fx = null;
    String fxInput = null;
    if (c.hasPath("fx-rates")) {
      Config x = c.getConfig("fx-rates");
      fxInput = x.getString("input");
      fx = fromConfig(x.withFallback(ConfigFactory.parseMap(Map.of("name", name + "-fx", "feed", "fx_rates"))),
          origin + " (fx-rates)");
    }
    SourceDef def = new SourceDef(name, feed, layout, Map.copyOf(formats), Map.copyOf(columns),
        Map.copyOf(constants), Set.copyOf(optional),
        c.hasPath("timestamp-format") ? c.getString("timestamp-format") : "iso",
        c.hasPath("date-format") ? c.getString("date-format") : "yyyy-MM-dd",
        c.hasPath("time-zone") ? c.getString("time-zone") : "UTC",
        c.hasPath("number.decimal-separator") ? c.getString("number.decimal-separator") : ".",
        c.hasPath("number.grouping-separator") ? c.getString("number.grouping-separator") : "",
        derivedId, fx, fxInput, freePurchases(c, origin), Map.copyOf(derived), maxQuarantineRate(c, origin),
        Set.copyOf(c.hasPath("expected") ? c.getStringList("expected") : List.of()));
    def.check(origin);
    return def;
  }

  private static boolean freePurchases(Config c, String origin) {
    String value = c.hasPath("free-purchases") ? c.getString("free-purchases") : "quarantine";
    if (!value.equals("accept") && !value.equals("quarantine")) {
      throw new IllegalArgumentException("Source definition " + origin + ": free-purchases must be 'accept' or "
          + "'quarantine', got '" + value + "'");
    }
    return value.equals("accept");
  }

  private static Double maxQuarantineRate(Config c, String origin) {
    if (!c.hasPath("max-quarantine-rate")) {
      return null;
    }
    double rate = c.getDouble("max-quarantine-rate");
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("Source definition " + origin + ": max-quarantine-rate must be a rate in "
          + "[0, 1], got " + c.getValue("max-quarantine-rate").unwrapped());
    }
    return rate;
  }

  private void check(String origin) {
    List<String> known = feed.fieldNames();
    List<String> problems = new ArrayList<>();
    for (String key : columns.keySet()) {
      if (!known.contains(key)) {
        problems.add("columns." + key + " is not a canonical field");
      }
    }
    for (String key : constants.keySet()) {
      if (!known.contains(key)) {
        problems.add("constants." + key + " is not a canonical field");
      }
    }
    for (String key : optional) {
      if (!known.contains(key)) {
        problems.add("optional lists '" + key + "', which is not a canonical field");
      }
    }
    List<String> derivedKeys = new ArrayList<>(derivedFields());
    derived.keySet().stream().filter(k -> !known.contains(k)).sorted().forEach(derivedKeys::add);
    for (String key : derivedKeys) {
      String expression = derived.get(key);
      if (!known.contains(key)) {
        problems.add("derived." + key + " is not a canonical field");
      } else if (columns.containsKey(key) || constants.containsKey(key)) {
        problems.add("derived." + key + " is also " + (columns.containsKey(key) ? "mapped (columns)" : "a constant"));
      } else {
        String bad = DerivedFields.parseProblem(expression);
        if (bad != null) {
          problems.add("derived." + key + " = \"" + expression + "\" is not a Spark SQL expression: " + bad);
        }
      }
    }
    for (String field : expected) {
      if (!known.contains(field)) {
        problems.add("expected lists '" + field + "', which is not a canonical field");
      }
    }
    for (String field : known) {
      if (expected.contains(field) && (!optional.contains(field) || !columns.containsKey(field))) {
        problems.add("expected lists '" + field + "', which is not an optional field mapped in columns");
      }
    }
    for (String field : required()) {
      if (!columns.containsKey(field) && !constants.containsKey(field) && !derived.containsKey(field)) {
        problems.add("required field '" + field + "' is neither mapped (columns), derived nor a constant");
      }
    }
    String format = timestampFormat.toLowerCase(Locale.ROOT);
    if (!TIMESTAMP_KEYWORDS.contains(format)) {
      try {
        java.time.format.DateTimeFormatter.ofPattern(timestampFormat);
      } catch (IllegalArgumentException e) {
        problems.add("timestamp-format '" + timestampFormat + "' is neither one of " + TIMESTAMP_KEYWORDS
            + " nor a java.time pattern (" + e.getMessage() + ")");
      }
    }
    if (derivedId != null) {
      if (columns.containsKey(feed.idField()) || derived.containsKey(feed.idField())) {
        problems.add("derived-id is set but " + feed.idField() + " is " + (columns.containsKey(feed.idField())
            ? "mapped" : "derived") + " too");
      }
      if (derivedId.fields().isEmpty()) {
        problems.add("derived-id.fields is empty");
      }
    }
    if (feed == Feed.TRANSACTIONS && fxRates == null && !constants.containsKey("currency")) {
      problems.add("a transactions source needs fx-rates { ... } or a constant currency (the reporting currency, "
          + "kindred.reporting-currency)");
    }
    try {
      java.time.ZoneId.of(timeZone);
    } catch (java.time.DateTimeException e) {
      problems.add("time-zone '" + timeZone + "' is not a time zone id (e.g. UTC, Europe/Paris)");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Source definition " + origin + " (feed " + feed.code() + ") is invalid: "
          + String.join("; ", problems) + "; canonical fields are " + known);
    }
  }

  private static Map<String, String> stringMap(Config c, String path) {
    Map<String, String> out = new LinkedHashMap<>();
    if (c.hasPath(path)) {
      for (Map.Entry<String, ConfigValue> e : c.getConfig(path).entrySet()) {
        out.put(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped()));
      }
    }
    return out;
  }

  private static <E extends Enum<E>> E enumOf(Class<E> type, String value, String origin, String key) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value)) {
        return e;
      }
    }
    List<String> expected = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      expected.add(e.name().toLowerCase(Locale.ROOT));
    }
    throw new IllegalArgumentException("Source definition " + origin + ": " + key + " is '" + value
        + "'; expected one of " + expected);
  }
}

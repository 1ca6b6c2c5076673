package io.kindred.clean;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindred.clean.Feed.Field;
import io.kindred.clean.Feed.Kind;
import io.kindred.clean.SourceDef.FileFormat;
import io.kindred.clean.SourceDef.FormatType;
import io.kindred.lake.Tables;
import io.kindred.quality.Reason;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;

/**
 * Reads one raw record of a source into the canonical fields of its feed, typed, and decides whether it is
 * acceptable on its own: the first rule it breaks becomes its reason (null when it passes). Rules that need other
 * records (duplicates, FX rates) come later, in {@link Cleaning}.
 *
 * <p>Order of the checks: the record's text decodes in the file's encoding ({@code bad_encoding}); the line splits
 * ({@code malformed_record}); each mapped value is a single value ({@code not_a_scalar}, JSON), holds no control
 * character ({@code control_character}) and is at most {@link #withMaxFieldLength max-field-length} characters long
 * ({@code field_too_long}); the customer id is present
 * ({@code missing_customer_id}); the other required fields are present ({@code missing_required_field}); timestamps
 * and dates parse ({@code bad_timestamp}); numbers parse ({@code bad_number}); then the feed's own rules. A
 * malformed value of an optional field the feed keeps records without ({@link Feed#keptWhenMalformed}) is nulled
 * instead: the record passes, its detail starting {@link #BAD_OPTIONAL_FIELD}.
 */
public final class RecordParser implements Serializable {

  /** Columns of a parsed record before the canonical fields. */
  public static final String INGEST_DAY = "ingest_day";
  public static final String FILE = "file";
  public static final String LINE = "line";
  public static final String RAW = "raw";
  public static final String OCCURRENCE = "occurrence";
  /** The first byte of the split a line was read in (null for rows of a table); {@code line} counts within it. */
  public static final String SPLIT_START = "split_start";
  public static final String REASON = "reason";
  public static final String DETAIL = "detail";
  public static final String RECORD_ID = "record_id";
  public static final String DEDUP_KEY = "dedup_key";
  public static final String CONTENT_HASH = "content_hash";
  /** How the detail of a record kept with a malformed optional field nulled starts. */
  public static final String BAD_OPTIONAL_FIELD = "bad_optional_field";
  /** The record's event time, used to order copies of one key. */
  public static final String EVENT_TIME = "event_time";

  /** The default of {@code kindred.clean.max-field-length}: the longest value a field may hold, in characters. */
  public static final int DEFAULT_MAX_FIELD_LENGTH = 4096;
  /** What a decoder puts for bytes that are not valid in the file's encoding (see {@link RawFiles#readLines}). */
  static final char REPLACEMENT = '\uFFFD';
  /** A byte-order mark: stripped at the start of a file, a control character anywhere else. */
  static final char BOM = '\uFEFF';


  private static final DateTimeFormatter MICROS = DateTimeFormatter.ISO_INSTANT;

  private final SourceDef source;
  private final Map<String, List<String>> headers;
  private transient ObjectMapper json;
  private transient DateTimeFormatter timestampPattern;
  private transient DateTimeFormatter datePattern;
  private CollectionAccumulator<String> unmappedFields;
  private transient Set<String> mappedColumns;
  private transient Set<String> reportedUnmapped;
  /** What every record needs of the source and feed, worked out once per task (see {@link Plan}). */
  private transient Plan plan;
  private int maxFieldLength = DEFAULT_MAX_FIELD_LENGTH;
  /** The JSON fields of the record being split whose value is an object or an array. */
  private transient Set<String> jsonContainers;

  /**
   * @param source the source definition
   * @param headers the column names of each file (key: the file's path as in the lines' {@code file} column),
   *     for delimited formats
   */
  public RecordParser(SourceDef source, Map<String, List<String>> headers) {
    this.source = source;
    this.headers = Map.copyOf(headers);
  }

  /**
   * Reports every JSON field the source does not map to {@code accumulator} (each name once per task; the caller
   * reads the distinct names after an action), so that extra fields are reported for JSON as for delimited files.
   */
  public RecordParser reportingUnmappedFieldsTo(CollectionAccumulator<String> accumulator) {
    this.unmappedFields = accumulator;
    return this;
  }

  /** Quarantines as {@code field_too_long} a record with a value longer than {@code maxFieldLength} characters. */
  public RecordParser withMaxFieldLength(int maxFieldLength) {
    if (maxFieldLength < 1) {
      throw new IllegalArgumentException("kindred.clean.max-field-length must be at least 1, got " + maxFieldLength);
    }
    this.maxFieldLength = maxFieldLength;
    return this;
  }

  private void noteUnmapped(Set<String> keys) {
    if (mappedColumns == null) {
      mappedColumns = new java.util.HashSet<>();
      for (Field f : source.feed().fields()) {
        String column = source.columnOf(f.name());
        if (column != null) {
          mappedColumns.add(column);
        }
      }
      // the columns derived fields and derived ids read are used, not extra
      mappedColumns.addAll(DerivedFields.columnsUsed(source).keySet());
      reportedUnmapped = new java.util.HashSet<>();
    }
    for (String key : keys) {
      if (!mappedColumns.contains(key) && reportedUnmapped.add(key)) {
        unmappedFields.add(key);
      }
    }
  }

  /**
   * The schema of raw lines: ingest day, file, 1-based line number (within the split, see
   * {@link RawFiles#readLines}), raw text, occurrence of the same text, split start.
   */
  public static StructType linesSchema() {
    return DataTypes.createStructType(new StructField[] {
        DataTypes.createStructField(INGEST_DAY, DataTypes.DateType, false),
        DataTypes.createStructField(FILE, DataTypes.StringType, false),
        DataTypes.createStructField(LINE, DataTypes.LongType, true),
        DataTypes.createStructField(RAW, DataTypes.StringType, true),
        DataTypes.createStructField(OCCURRENCE, DataTypes.IntegerType, false),
        DataTypes.createStructField(SPLIT_START, DataTypes.LongType, true),
    });
  }

  /** The schema of parsed records of {@code feed}. */
  public static StructType parsedSchema(Feed feed) {
    List<StructField> fields = new ArrayList<>(List.of(
        DataTypes.createStructField(INGEST_DAY, DataTypes.DateType, false),
        DataTypes.createStructField(FILE, DataTypes.StringType, false),
        DataTypes.createStructField(LINE, DataTypes.LongType, true),
        DataTypes.createStructField(RAW, DataTypes.StringType, true),
        DataTypes.createStructField(REASON, DataTypes.StringType, true),
        DataTypes.createStructField(DETAIL, DataTypes.StringType, true),
        DataTypes.createStructField(RECORD_ID, DataTypes.StringType, true),
        DataTypes.createStructField(DEDUP_KEY, DataTypes.StringType, true),
        DataTypes.createStructField(CONTENT_HASH, DataTypes.StringType, true),
        DataTypes.createStructField(EVENT_TIME, DataTypes.TimestampType, true),
        DataTypes.createStructField(SPLIT_START, DataTypes.LongType, true)));
    for (Field f : feed.fields()) {
      fields.add(DataTypes.createStructField(f.name(), sparkType(f.kind()), true));
    }
    return DataTypes.createStructType(fields);
  }

  private static DataType sparkType(Kind kind) {
    return switch (kind) {
      case STRING -> DataTypes.StringType;
      case TIMESTAMP -> DataTypes.TimestampType;
      case DATE -> DataTypes.DateType;
      case DECIMAL -> DataTypes.createDecimalType(38, 10);
      case INTEGER -> DataTypes.IntegerType;
      case BOOLEAN -> DataTypes.BooleanType;
    };
  }

  /** A record's verdict before typing succeeded or after a rule failed. */
  private static final class Rejected extends Exception {
    final Reason reason;

    Rejected(Reason reason, String detail) {
      super(detail, null, false, false);
      this.reason = reason;
    }
  }

  /**
   * Parses one line (a row of {@link #linesSchema()}, followed by the values of the source's derived fields in the
   * order of {@link SourceDef#derivedFields()}, computed by {@link DerivedFields#withDerivedValues}) into a row of
   * {@link #parsedSchema(Feed)}.
   */
  public Row parse(Row line) {
    Plan p = plan();
    int n = p.kinds.length;
    Object[] typed = new Object[n];
    String[] text = new String[n];
    Date ingestDay = line.getDate(0);
    String file = line.getString(1);
    Long lineNo = line.isNullAt(2) ? null : line.getLong(2);
    String raw = line.getString(3);
    int occurrence = line.getInt(4);
    Long splitStart = line.size() > 5 && !line.isNullAt(5) ? line.getLong(5) : null;
    int width = linesSchema().size();
    Reason reason = null;
    String detail = null;
    String recordId = null;
    String dedupKey = null;
    String hash = null;
    Timestamp eventTime = null;
    try {
      split(file, raw, text);
      Object[] derived = new Object[n];
      for (int k = 0; k < p.derived.length; k++) {
        // computed by Spark (DerivedFields), typed: a field's text is only used to see whether it is present
        Object v = line.get(width + k);
        derived[p.derived[k]] = v;
        text[p.derived[k]] = v == null ? null : v.toString();
      }
      int idIndex = p.idIndex;
      if (idIndex >= 0 && text[idIndex] != null && !text[idIndex].isBlank()) {
        recordId = text[idIndex].strip(); // named in the quarantine whatever the record's fault
      }
      checkValues(text);
      for (int i = 0; i < n; i++) {
        String value = text[i];
        text[i] = value == null || value.isBlank() ? null : value.strip();
      }
      requirePresent(text);
      for (int i = 0; i < n; i++) {
        try {
          typed[i] = p.isDerived[i] ? (text[i] == null ? null : p.kinds[i] == Kind.STRING ? text[i] : derived[i])
              : type(p.names[i], p.kinds[i], text[i]);
        } catch (Rejected r) {
          if (!p.keptWhenMalformed[i]) {
            throw r;
          }
          typed[i] = null;
          detail = (detail == null ? BAD_OPTIONAL_FIELD + ": " : detail + "; ") + r.getMessage() + " (nulled)";
        }
      }
      if (source.derivedId() != null && idIndex >= 0) {
        recordId = derivedId(typed, p.rawIdColumns.isEmpty() ? null : sourceValues(line, p.rawIdColumns), occurrence);
        text[idIndex] = recordId;
        typed[idIndex] = recordId;
      }
      checkRules(typed, ingestDay.toLocalDate());
      hash = contentHash(typed);
      eventTime = eventTime(typed);
      dedupKey = dedupKey(typed);
    } catch (Rejected r) {
      reason = r.reason;
      detail = r.getMessage();
    }
    if (reason != null) {
      java.util.Arrays.fill(typed, null);
      hash = null;
      dedupKey = null;
      eventTime = null;
    }
    Object[] out = new Object[11 + n];
    out[0] = ingestDay;
    out[1] = file;
    out[2] = lineNo;
    out[3] = raw;
    out[4] = reason == null ? null : reason.code();
    out[5] = detail;
    out[6] = recordId;
    out[7] = dedupKey;
    out[8] = hash;
    out[9] = eventTime;
    out[10] = splitStart;
    System.arraycopy(typed, 0, out, 11, n);
    return RowFactory.create(out);
  }

  /**
   * Puts the record's raw value of each canonical field into {@code out} (by the feed's field order; a field the
   * source does not map gets its constant, or null).
   */
  private void split(String file, String raw, String[] out) throws Rejected {
    if (raw == null) {
      throw new Rejected(Reason.MALFORMED_RECORD, "empty record");
    }
    Plan p = plan();
    FileLayout layout = p.layoutOf(file);
    FileFormat format = layout.format;
    int bad = raw.indexOf(REPLACEMENT);
    if (bad >= 0) {
      throw new Rejected(Reason.BAD_ENCODING, "bytes not valid in " + format.encoding() + " at character "
          + (bad + 1) + " (declare the file's encoding in the source's format, e.g. encoding = ISO-8859-1)");
    }
    if (raw.isBlank()) {
      throw new Rejected(Reason.MALFORMED_RECORD, "empty line");
    }
    if (layout.positions == null) {
      Map<String, String> values = splitJson(raw);
      for (int i = 0; i < out.length; i++) {
        if (p.columns[i] != null && jsonContainers.contains(p.columns[i])) {
          throw new Rejected(Reason.NOT_A_SCALAR, p.names[i] + " (" + p.columns[i] + ") is a JSON "
              + (values.get(p.columns[i]).startsWith("[") ? "array" : "object") + ", expected a single value");
        }
        out[i] = p.columns[i] != null ? values.get(p.columns[i]) : p.constants[i];
      }
      return;
    }
    List<String> names = layout.names;
    List<String> fields;
    try {
      fields = format.type() == FormatType.CSV ? LineSplitter.csv(raw, format.delimiter())
          : LineSplitter.whitespace(raw);
    } catch (LineSplitter.MalformedLineException e) {
      throw new Rejected(Reason.MALFORMED_RECORD, e.getMessage());
    }
    if (fields.size() != names.size()) {
      throw new Rejected(Reason.MALFORMED_RECORD, "expected " + names.size() + " fields " + names + ", got "
          + fields.size());
    }
    int[] positions = layout.positions;
    for (int i = 0; i < out.length; i++) {
      int at = positions[i];
      out[i] = at >= 0 ? fields.get(at) : p.columns[i] != null ? null : p.constants[i];
    }
  }

  /**
   * The text of the source's own columns {@code columns} in {@code line} (a row of {@link #linesSchema()}), null for
   * a column the record does not carry; null when the line does not split (it is quarantined as malformed).
   */
  public String[] sourceValues(Row line, List<String> columns) {
    String file = line.getString(1);
    String raw = line.getString(3);
    String[] out = new String[columns.size()];
    if (raw == null) {
      return null;
    }
    try {
      FileLayout layout = plan().layoutOf(file);
      if (layout.positions == null) {
        Map<String, String> values = splitJson(raw);
        for (int i = 0; i < out.length; i++) {
          out[i] = values.get(columns.get(i));
        }
        return out;
      }
      FileFormat format = layout.format;
      List<String> fields = format.type() == FormatType.CSV ? LineSplitter.csv(raw, format.delimiter())
          : LineSplitter.whitespace(raw);
      if (fields.size() != layout.names.size()) {
        return null;
      }
      for (int i = 0; i < out.length; i++) {
        int at = layout.names.lastIndexOf(columns.get(i));
        out[i] = at < 0 ? null : fields.get(at);
      }
      return out;
    } catch (Rejected | LineSplitter.MalformedLineException e) {
      return null;
    }
  }

  private Map<String, String> splitJson(String raw) throws Rejected {
    if (json == null) {
      json = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }
    JsonNode node;
    try {
      node = json.readTree(raw);
    } catch (Exception e) {
      throw new Rejected(Reason.MALFORMED_RECORD, "not valid JSON: " + firstLine(e.getMessage()));
    }
    if (node == null || !node.isObject()) {
      throw new Rejected(Reason.MALFORMED_RECORD, "not a JSON object");
    }
    Map<String, String> out = new java.util.HashMap<>();
    if (jsonContainers == null) {
      jsonContainers = new java.util.HashSet<>();
    }
    jsonContainers.clear();
    node.properties().forEach(e -> {
      JsonNode v = e.getValue();
      String value;
      if (v.isNull()) {
        value = null;
      } else if (v.isTextual()) {
        value = v.textValue();
      } else if (v.isNumber()) {
        value = v.decimalValue().toPlainString();
      } else {
        value = v.toString();
        if (v.isContainerNode()) {
          jsonContainers.add(e.getKey());
        }
      }
      out.put(e.getKey(), value);
    });
    if (unmappedFields != null) {
      noteUnmapped(out.keySet());
    }
    return out;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  /** The format of {@code file}, by its extension. */
  public static FileFormat formatOf(SourceDef source, String file) {
    String ext = RawFiles.extensionOf(file);
    FileFormat format = source.formats().get(ext);
    if (format == null && ext.equals("parquet")) {
      // the data files of a Delta table
      format = source.formats().values().stream().filter(f -> f.type() == FormatType.DELTA).findFirst()
          .orElse(null);
    }
    if (format == null) {
      throw new IllegalArgumentException("File " + file + " has extension '" + ext + "'; source " + source.name()
          + " reads " + source.formats().keySet());
    }
    return format;
  }

  /** Rejects a record with a value holding a control character or longer than the field length limit. */
  private void checkValues(String[] text) throws Rejected {
    Plan p = plan();
    for (int i = 0; i < text.length; i++) {
      String value = text[i];
      if (value == null) {
        continue;
      }
      if (value.length() > maxFieldLength) {
        throw new Rejected(Reason.FIELD_TOO_LONG, p.names[i] + " is " + value.length() + " characters long; at most "
            + maxFieldLength + " (kindred.clean.max-field-length)");
      }
      for (int c = 0; c < value.length(); c++) {
        char ch = value.charAt(c);
        if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r' || ch == 0x7F || ch == BOM) {
          throw new Rejected(Reason.CONTROL_CHARACTER, p.names[i] + " holds control character "
              + String.format(Locale.ROOT, "U+%04X", (int) ch) + " at character " + (c + 1));
        }
      }
    }
  }

  private void requirePresent(String[] text) throws Rejected {
    Plan p = plan();
    if (p.customerIndex >= 0 && text[p.customerIndex] == null) {
      throw new Rejected(Reason.MISSING_CUSTOMER_ID, p.names[p.customerIndex] + derivedFrom(p.customerIndex)
          + " is missing or empty");
    }
    List<String> missing = null;
    for (int i : p.required) {
      if (text[i] == null) {
        if (missing == null) {
          missing = new ArrayList<>();
        }
        missing.add(p.names[i] + derivedFrom(i));
      }
    }
    if (missing != null) {
      throw new Rejected(Reason.MISSING_REQUIRED_FIELD, "required fields missing or empty: " + missing);
    }
  }

  /** For a derived field: {@code  (derived: <expression>)}; else empty. */
  private String derivedFrom(int field) {
    Plan p = plan();
    return p.isDerived[field] ? " (derived: " + source.derived().get(p.names[field]) + ")" : "";
  }

  private Object type(String field, Kind kind, String value) throws Rejected {
    if (value == null) {
      return null;
    }
    return switch (kind) {
      case STRING -> value;
      case TIMESTAMP -> Timestamp.from(parseTimestamp(field, value));
      case DATE -> Date.valueOf(parseDate(field, value));
      case DECIMAL -> fitDecimal(field, value, parseDecimal(field, value), storedDecimal(source.feed(), field));
      case INTEGER -> {
        BigDecimal d = parseDecimal(field, value);
        if (d.signum() != 0 && d.stripTrailingZeros().scale() > 0) {
          throw new Rejected(Reason.BAD_NUMBER, field + " '" + value + "' is not a whole number");
        }
        try {
          yield d.intValueExact();
        } catch (ArithmeticException e) {
          throw new Rejected(Reason.BAD_NUMBER, field + " '" + value + "' is out of range: at most "
              + Integer.MAX_VALUE + " in absolute value");
        }
      }
      case BOOLEAN -> switch (value.toLowerCase(Locale.ROOT)) {
        case "true", "t", "yes", "y", "1" -> Boolean.TRUE;
        case "false", "f", "no", "n", "0" -> Boolean.FALSE;
        default -> throw new Rejected(Reason.MALFORMED_RECORD, field + " '" + value
            + "' is not a boolean (true/false, yes/no, 1/0)");
      };
    };
  }

  /** Parses a timestamp in the source's format; zone-less values are in the source's time zone. */
  Instant parseTimestamp(String field, String value) throws Rejected {
    ZoneId zone = plan().zone;
    try {
      if (source.timestampFormat().equalsIgnoreCase("iso-offset")) {
        Instant fast = IsoTimes.parseOffsetDateTime(value);
        return fast != null ? fast : OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
      }
      if (source.timestampFormat().equalsIgnoreCase("epoch-seconds")
          || source.timestampFormat().equalsIgnoreCase("epoch-millis")) {
        return parseEpoch(field, value, source.timestampFormat().equalsIgnoreCase("epoch-millis"));
      }
      if (source.timestampFormat().equalsIgnoreCase("iso")) {
        TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parseBest(value, ZonedDateTime::from,
            LocalDateTime::from);
        return t instanceof ZonedDateTime z ? z.toInstant() : ((LocalDateTime) t).atZone(zone).toInstant();
      }
      if (timestampPattern == null) {
        timestampPattern = strict(source.timestampFormat());
      }
      TemporalAccessor t = timestampPattern.parseBest(value, ZonedDateTime::from, OffsetDateTime::from,
          LocalDateTime::from, LocalDate::from);
      if (t instanceof ZonedDateTime z) {
        return z.toInstant();
      }
      if (t instanceof OffsetDateTime o) {
        return o.toInstant();
      }
      if (t instanceof LocalDateTime l) {
        return l.atZone(zone).toInstant();
      }
      return ((LocalDate) t).atStartOfDay(zone).toInstant();
    } catch (DateTimeParseException e) {
      throw new Rejected(Reason.BAD_TIMESTAMP, field + " '" + value + "' is not a timestamp in format "
          + source.timestampFormat());
    }
  }

  /**
   * A whole number of seconds or milliseconds since 1970-01-01T00:00Z (seconds may carry a fraction, down to the
   * microsecond); a value that is not one, or outside years 0001..9999, is a bad timestamp.
   */
  private static Instant parseEpoch(String field, String value, boolean millis) throws Rejected {
    String unit = millis ? "epoch-millis" : "epoch-seconds";
    if (!isPlainNumber(value)) {
      throw new Rejected(Reason.BAD_TIMESTAMP, field + " '" + value + "' is not a timestamp in format " + unit);
    }
    BigDecimal micros = new BigDecimal(value).movePointRight(millis ? 3 : 6);
    if (micros.scale() > 0 && micros.stripTrailingZeros().scale() > 0
        || micros.abs().compareTo(BigDecimal.valueOf(253_402_300_799_000_000L)) > 0) {
      throw new Rejected(Reason.BAD_TIMESTAMP, field + " '" + value + "' is not a timestamp in format " + unit
          + " (whole microseconds in years 0001..9999)");
    }
    long m = micros.longValue();
    Instant instant = Instant.ofEpochSecond(Math.floorDiv(m, 1_000_000L), Math.floorMod(m, 1_000_000L) * 1000L);
    if (instant.isBefore(Instant.parse("0001-01-01T00:00:00Z"))) {
      throw new Rejected(Reason.BAD_TIMESTAMP, field + " '" + value + "' is not a timestamp in format " + unit
          + " (whole microseconds in years 0001..9999)");
    }
    return instant;
  }

  private LocalDate parseDate(String field, String value) throws Rejected {
    try {
      if (datePattern == null) {
        datePattern = strict(source.dateFormat());
      }
      return LocalDate.from(datePattern.parse(value));
    } catch (DateTimeParseException e) {
      throw new Rejected(Reason.BAD_TIMESTAMP, field + " '" + value + "' is not a date in format "
          + source.dateFormat());
    }
  }

  private static DateTimeFormatter strict(String pattern) {
    return DateTimeFormatter.ofPattern(pattern.replace('y', 'u'), Locale.ROOT)
        .withResolverStyle(ResolverStyle.STRICT);
  }

  private BigDecimal parseDecimal(String field, String value) throws Rejected {
    String v = value;
    if (!source.groupingSeparator().isEmpty()) {
      v = v.replace(source.groupingSeparator(), "");
    }
    if (!source.decimalSeparator().equals(".")) {
      if (v.contains(".")) {
        throw new Rejected(Reason.BAD_NUMBER, field + " '" + value + "' is not a number with decimal separator '"
            + source.decimalSeparator() + "'");
      }
      v = v.replace(source.decimalSeparator(), ".");
    }
    if (!isPlainNumber(v)) {
      throw new Rejected(Reason.BAD_NUMBER, field + " '" + value + "' is not a number");
    }
    return new BigDecimal(v);
  }

  /**
   * The range and scale a decimal field of {@code feed} must fit: a transaction's amount those it is stored with in
   * silver ({@link Tables#ORIGINAL_AMOUNT}), other decimals (FX rates) those of the parsed record. A rate with more
   * places than {@link Tables#FX_RATE} keeps is rounded to them when stored, as a rate is a measurement.
   */
  static DecimalType storedDecimal(Feed feed, String field) {
    return (DecimalType) (feed == Feed.TRANSACTIONS ? Tables.ORIGINAL_AMOUNT : sparkType(Kind.DECIMAL));
  }

  /**
   * {@code d} when it fits {@code stored} exactly (at most its precision - scale integer digits and its scale in
   * decimal places, trailing zeros aside): nothing is rounded, and no value fails the write.
   */
  private static BigDecimal fitDecimal(String field, String value, BigDecimal d, DecimalType stored)
      throws Rejected {
    BigDecimal stripped = d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
    int integerDigits = Math.max(stripped.precision() - stripped.scale(), 0);
    int maxIntegerDigits = stored.precision() - stored.scale();
    if (integerDigits > maxIntegerDigits) {
      throw new Rejected(Reason.BAD_NUMBER, field + " '" + abbreviate(value) + "' is out of range: " + integerDigits
          + " integer digits, at most " + maxIntegerDigits);
    }
    if (stripped.scale() > stored.scale()) {
      throw new Rejected(Reason.BAD_NUMBER, field + " '" + abbreviate(value) + "' has " + stripped.scale()
          + " decimal places, at most " + stored.scale() + " are stored (not rounded)");
    }
    return d;
  }

  private static String abbreviate(String value) {
    return value.length() <= 60 ? value : value.substring(0, 57) + "...";
  }

  private String derivedId(Object[] typed, String[] rawValues, int occurrence) {
    StringBuilder key = new StringBuilder(source.name());
    int raw = 0;
    for (String f : source.derivedId().fields()) {
      int at = source.feed().indexOf(f);
      // a source column (not a canonical field): its text as written, stripped
      String rawValue = at >= 0 || rawValues == null ? null : rawValues[raw++];
      key.append('\u0001').append(at >= 0 ? canonical(typed[at]) : rawValue == null ? "\u0000" : rawValue.strip());
    }
    key.append('\u0001').append(source.derivedId().repeatsAreDistinct() ? occurrence : 0);
    return "X" + sha256(key.toString()).substring(0, 24);
  }

  private String contentHash(Object[] typed) {
    StringBuilder key = new StringBuilder(128);
    for (Object v : typed) {
      key.append(canonical(v)).append('\u0001');
    }
    return HexFormat.of().formatHex(plan().sha256.digest(key.toString().getBytes(StandardCharsets.UTF_8)));
  }

  /** A value as text, independent of how it was written (1.50 = 1.5, offsets resolved to UTC). */
  private static String canonical(Object v) {
    if (v == null) {
      return "\u0000";
    }
    if (v instanceof BigDecimal d) {
      return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }
    if (v instanceof Timestamp t) {
      return IsoTimes.formatInstant(t.toInstant());
    }
    return v.toString();
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Timestamp eventTime(Object[] typed) {
    Feed feed = source.feed();
    return switch (feed) {
      case TRANSACTIONS, INTERACTIONS -> (Timestamp) typed[feed.indexOf("timestamp")];
      case CUSTOMERS -> (Timestamp) typed[feed.indexOf("updated_at")];
      case FX_RATES -> null;
    };
  }

  private String dedupKey(Object[] typed) {
    Feed feed = source.feed();
    return switch (feed) {
      case TRANSACTIONS -> (String) typed[feed.indexOf("transaction_id")];
      case INTERACTIONS -> (String) typed[feed.indexOf("event_id")];
      case CUSTOMERS -> typed[feed.indexOf("customer_id")] + "@"
          + canonical(typed[feed.indexOf("updated_at")]);
      case FX_RATES -> typed[feed.indexOf("date")] + "@" + typed[feed.indexOf("currency")];
    };
  }

  private void checkRules(Object[] t, LocalDate ingestDay) throws Rejected {
    Feed feed = source.feed();
    switch (feed) {
      case TRANSACTIONS -> {
        notAfter("timestamp", (Timestamp) t[feed.indexOf("timestamp")], ingestDay);
        BigDecimal amount = (BigDecimal) t[feed.indexOf("amount")];
        Integer quantity = (Integer) t[feed.indexOf("quantity")];
        boolean isReturn = isReturn(quantity, (String) t[feed.indexOf("original_transaction_id")]);
        if (!isReturn && (amount.signum() < 0 || amount.signum() == 0 && !source.freePurchases())) {
          throw new Rejected(Reason.NON_POSITIVE_AMOUNT, "purchase with amount " + amount.toPlainString());
        }
        if (isReturn && amount.signum() > 0) {
          throw new Rejected(Reason.MALFORMED_RECORD, "a return (quantity " + quantity
              + ") with a positive amount " + amount.toPlainString());
        }
        t[feed.indexOf("currency")] = ((String) t[feed.indexOf("currency")]).toUpperCase(Locale.ROOT);
      }
      case CUSTOMERS -> notAfter("updated_at", (Timestamp) t[feed.indexOf("updated_at")], ingestDay);
      case INTERACTIONS -> {
        String type = ((String) t[feed.indexOf("type")]).toLowerCase(Locale.ROOT);
        if (InteractionType.ofCode(type) == null) {
          throw new Rejected(Reason.UNKNOWN_INTERACTION_TYPE, "type '" + t[feed.indexOf("type")]
              + "' is not one of " + InteractionType.sortedCodes());
        }
        t[feed.indexOf("type")] = type;
        // a review's target is a product, whose id may share its number with a user's: never the actor itself
        if (!InteractionType.REVIEW.is(type) && t[feed.indexOf("actor")].equals(t[feed.indexOf("target")])) {
          throw new Rejected(Reason.SELF_INTERACTION, "actor and target are both " + t[feed.indexOf("actor")]);
        }
        notAfter("timestamp", (Timestamp) t[feed.indexOf("timestamp")], ingestDay);
        Integer rating = (Integer) t[feed.indexOf("rating")];
        if (InteractionType.REVIEW.is(type) && (rating == null || rating < 1 || rating > 5)) {
          throw new Rejected(Reason.RATING_OUT_OF_RANGE, "review rating " + rating + " is not in 1..5");
        }
      }
      case FX_RATES -> {
        BigDecimal rate = (BigDecimal) t[feed.indexOf("rate_to_usd")];
        if (rate.signum() <= 0) {
          throw new Rejected(Reason.BAD_NUMBER, "rate_to_usd " + rate.toPlainString() + " is not positive");
        }
        t[feed.indexOf("currency")] = ((String) t[feed.indexOf("currency")]).toUpperCase(Locale.ROOT);
      }
      default -> throw new IllegalStateException(feed.toString());
    }
  }

  /** A transaction is a return when its quantity is negative, or (no quantity) when it names a purchase. */
  public static boolean isReturn(Integer quantity, String originalTransactionId) {
    return quantity != null ? quantity < 0 : originalTransactionId != null;
  }

  private static void notAfter(String field, Timestamp ts, LocalDate day) throws Rejected {
    if (ts != null && ts.toInstant().atOffset(ZoneOffset.UTC).toLocalDate().isAfter(day)) {
      throw new Rejected(Reason.FUTURE_TIMESTAMP, field + " " + MICROS.format(ts.toInstant())
          + " is after the run date " + day);
    }
  }

  /** {@code [+-]?(\\d+(\\.\\d*)?|\\.\\d+)} (ASCII digits), without a regex: it runs for every number. */
  static boolean isPlainNumber(String v) {
    int i = 0;
    int n = v.length();
    if (i < n && (v.charAt(i) == '+' || v.charAt(i) == '-')) {
      i++;
    }
    int intDigits = 0;
    while (i < n && isDigit(v.charAt(i))) {
      i++;
      intDigits++;
    }
    if (i == n) {
      return intDigits > 0;
    }
    if (v.charAt(i) != '.') {
      return false;
    }
    i++;
    int fractionDigits = 0;
    while (i < n && isDigit(v.charAt(i))) {
      i++;
      fractionDigits++;
    }
    return i == n && (intDigits > 0 || fractionDigits > 0);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private Plan plan() {
    if (plan == null) {
      plan = new Plan(source, headers);
    }
    return plan;
  }

  /** How one file's records are read: its format and, for delimited files, where each canonical field sits. */
  private static final class FileLayout {
    final FileFormat format;
    final List<String> names;
    /** Per canonical field, its position in the file's fields (-1: not in the file); null for JSON-like files. */
    final int[] positions;

    FileLayout(FileFormat format, List<String> names, int[] positions) {
      this.format = format;
      this.names = names;
      this.positions = positions;
    }
  }

  /** What every record of a source needs, worked out once per parser (a task's copy), not once per record. */
  private static final class Plan {
    final String[] names;
    final Kind[] kinds;
    final String[] columns;
    final String[] constants;
    final int[] required;
    /** Per field: nulled when malformed (an optional field the feed keeps records without), else a rejection. */
    final boolean[] keptWhenMalformed;
    final int customerIndex;
    final int idIndex;
    /** Per field: computed by a Spark SQL expression (its value arrives with the line). */
    final boolean[] isDerived;
    /** The derived fields' indices, in the order their values follow the line's columns. */
    final int[] derived;
    /** The source columns the derived id hashes besides canonical fields. */
    final List<String> rawIdColumns;
    final ZoneId zone;
    final MessageDigest sha256;
    private final SourceDef source;
    private final Map<String, List<String>> headers;
    private final Map<String, FileLayout> layouts = new java.util.HashMap<>();

    Plan(SourceDef source, Map<String, List<String>> headers) {
      this.source = source;
      this.headers = headers;
      Feed feed = source.feed();
      int n = feed.fields().size();
      names = new String[n];
      kinds = new Kind[n];
      columns = new String[n];
      constants = new String[n];
      for (int i = 0; i < n; i++) {
        names[i] = feed.fields().get(i).name();
        kinds[i] = feed.fields().get(i).kind();
        columns[i] = source.columnOf(names[i]);
        constants[i] = columns[i] == null ? source.constants().get(names[i]) : null;
      }
      // in the feed's field order, as source.required() lists them
      required = source.required().stream().mapToInt(feed::indexOf).toArray();
      keptWhenMalformed = new boolean[n];
      for (int i = 0; i < n; i++) {
        keptWhenMalformed[i] = feed.keptWhenMalformed().contains(names[i]) && !source.required().contains(names[i]);
      }
      String customerField = switch (feed) {
        case TRANSACTIONS, CUSTOMERS -> "customer_id";
        case INTERACTIONS -> "actor";
        case FX_RATES -> null;
      };
      customerIndex = customerField == null ? -1 : feed.indexOf(customerField);
      isDerived = new boolean[n];
      derived = source.derivedFields().stream().mapToInt(feed::indexOf).toArray();
      for (int i : derived) {
        isDerived[i] = true;
      }
      rawIdColumns = source.rawIdColumns();
      idIndex = feed.idField() == null ? -1 : feed.indexOf(feed.idField());
      zone = ZoneId.of(source.timeZone());
      try {
        sha256 = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    FileLayout layoutOf(String file) {
      FileLayout layout = layouts.get(file);
      if (layout == null) {
        layout = layout(file);
        layouts.put(file, layout);
      }
      return layout;
    }

    private FileLayout layout(String file) {
      FileFormat format = formatOf(source, file);
      if (format.type() == FormatType.JSON || format.type() == FormatType.PARQUET
          || format.type() == FormatType.DELTA) {
        return new FileLayout(format, null, null);
      }
      List<String> names = format.header() ? headers.get(file) : format.columnNames();
      if (names == null) {
        throw new IllegalStateException("No header known for file " + file);
      }
      int[] positions = new int[columns.length];
      for (int i = 0; i < columns.length; i++) {
        // a repeated header name: the last one wins, as when the fields were put in a map by name
        positions[i] = columns[i] == null ? -1 : names.lastIndexOf(columns[i]);
      }
      return new FileLayout(format, names, positions);
    }
  }
}

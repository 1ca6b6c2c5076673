package io.kindred.clean;

import io.kindred.clean.SourceDef.FileFormat;
import io.kindred.clean.SourceDef.FormatType;
import io.kindred.clean.SourceDef.Layout;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;

/**
 * Finds a source's raw files for a range of delivery days and reads them as lines exactly as they arrived. Text
 * files are read in splits (Spark's text source) and cut at {@code \n}, a trailing {@code \r} removed, so CRLF and
 * LF files give the same lines and the raw text of each line is kept as it was. A gzip-compressed file
 * ({@code <name>.<ext>.gz}) is read as its format {@code <ext>}; a file of a text format whose first bytes are binary
 * (compressed, an archive, NUL bytes) fails the listing, named.
 */
public final class RawFiles {

  private RawFiles() {
  }

  /** One file to read. */
  public record RawFile(String path, LocalDate ingestDay, String extension) {
  }

  /**
   * The files of one run, the column names of each delimited file, and what was ignored.
   *
   * @param files the files read
   * @param headers file key to its column names (delimited formats with a header)
   * @param extraColumns columns present in the files that the source does not map (ignored)
   * @param ignoredFiles files whose extension the source does not read
   * @param missingColumns columns the source maps to optional fields that a file lacks, each with the files
   *     lacking it (their fields are null in every record of those files)
   */
  public record Input(List<RawFile> files, Map<String, List<String>> headers, Set<String> extraColumns,
      List<String> ignoredFiles, Map<String, List<String>> missingColumns) {
  }

  /**
   * The format extension of {@code path}: what follows its last dot, lower-cased, or, for a gzip-compressed file
   * ({@code a.csv.gz}), what precedes {@code .gz}.
   */
  public static String extensionOf(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    if (name.endsWith(".gz")) {
      name = name.substring(0, name.length() - 3);
    }
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1);
  }

  /** {@code relative} (e.g. {@code ../fx_rates}) resolved against the folder {@code input}. */
  public static String resolve(String input, String relative) {
    return new Path(new Path(input.endsWith("/") ? input : input + "/"), relative).toString();
  }

  /** The key a file is known by in the lines' {@code file} column: its path without scheme and authority. */
  public static String keyOf(String path) {
    return new Path(path).toUri().getPath();
  }

  /**
   * Lists the files of delivery days {@code from..to} and checks their headers against the source.
   *
   * @throws IllegalArgumentException when the input or a day's folder does not exist, or when a file lacks a
   *     required column (naming the column, the file and the columns found)
   */
  public static Input list(SparkSession spark, String input, SourceDef source, LocalDate from, LocalDate to) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    try {
      Path root = new Path(input);
      FileSystem fs = root.getFileSystem(conf);
      if (!fs.exists(root)) {
        throw new IllegalArgumentException("Input path " + input + " does not exist; expected the "
            + source.feed().code() + " feed of source " + source.name()
            + (source.layout() == Layout.DAILY ? " (one folder per delivery day, yyyy-MM-dd)" : ""));
      }
      List<RawFile> files = new ArrayList<>();
      List<String> ignored = new ArrayList<>();
      boolean delta = source.formats().values().stream().anyMatch(f -> f.type() == FormatType.DELTA);
      if (delta) {
        if (source.layout() != Layout.SINGLE || !fs.exists(new Path(root, "_delta_log"))) {
          throw new IllegalArgumentException("Source " + source.name() + " reads a Delta table: expected layout = "
              + "single and a Delta table at " + input + " (a _delta_log folder)");
        }
        files.add(new RawFile(root.toString(), to, "delta"));
      } else if (source.layout() == Layout.SINGLE) {
        collect(fs, root, to, source, files, ignored);
      } else {
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
          Path folder = new Path(root, day.toString());
          if (!fs.exists(folder)) {
            throw new IllegalArgumentException("Input folder " + folder + " for delivery day " + day
                + " does not exist; source " + source.name() + " expects one folder per delivery day (yyyy-MM-dd) "
                + "below " + input);
          }
          collect(fs, folder, day, source, files, ignored);
        }
      }
      Map<String, List<String>> headers = new LinkedHashMap<>();
      Set<String> extra = new LinkedHashSet<>();
      Map<String, List<String>> missing = new java.util.TreeMap<>();
      for (RawFile file : files) {
        FileFormat format = source.formats().get(file.extension());
        boolean delimited = format.type() == FormatType.CSV || format.type() == FormatType.WHITESPACE;
        if (delimited || format.type() == FormatType.JSON) {
          List<String> header = inspectText(fs, file, format);
          if (!delimited) {
            continue;
          }
          List<String> names = format.header() ? header : format.columnNames();
          if (names == null) {
            continue; // an empty file: no header, no rows
          }
          checkColumns(source, file.path(), names, extra);
          for (String column : missingOptionalColumns(source, names)) {
            missing.computeIfAbsent(column, c -> new ArrayList<>()).add(file.path());
          }
          headers.put(keyOf(file.path()), names);
        }
      }
      return new Input(List.copyOf(files), headers, extra, ignored, missing);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list input " + input + ": " + e.getMessage(), e);
    }
  }

  /**
   * Checks that {@code columns} (a file's header or a table's columns) hold every column the source maps to a
   * required field or to a field it lists in {@code expected}, each mapped column once; adds the unmapped ones to {@code extra}.
   */
  public static void checkColumns(SourceDef source, String file, List<String> columns, Set<String> extra) {
    List<String> missing = new ArrayList<>();
    for (String field : source.required()) {
      String column = source.columnOf(field);
      if (column != null && !columns.contains(column)) {
        missing.add(column.equals(field) ? column : column + " (" + field + ")");
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("File " + file + " lacks required column" + (missing.size() > 1 ? "s " : " ")
          + String.join(", ", missing) + " of source " + source.name() + "; columns found: " + columns);
    }
    Map<String, List<String>> used = DerivedFields.columnsUsed(source);
    for (Map.Entry<String, List<String>> e : used.entrySet()) {
      if (!columns.contains(e.getKey())) {
        throw new IllegalArgumentException("File " + file + " lacks column " + e.getKey() + ", which "
            + String.join(" and ", e.getValue()) + " of source " + source.name() + " reads; columns found: "
            + columns);
      }
    }
    List<String> expected = new ArrayList<>();
    for (String field : source.feed().fieldNames()) {
      String column = source.columnOf(field);
      if (source.expected().contains(field) && !columns.contains(column)) {
        expected.add(column.equals(field) ? column : column + " (" + field + ")");
      }
    }
    if (!expected.isEmpty()) {
      throw new IllegalArgumentException("File " + file + " lacks expected column" + (expected.size() > 1 ? "s " : " ")
          + String.join(", ", expected) + " of source " + source.name() + " (optional, but listed in expected); "
          + "columns found: " + columns);
    }
    Set<String> seen = new java.util.HashSet<>();
    for (String column : columns) {
      if (!seen.add(column) && source.columns().containsValue(column)) {
        throw new IllegalArgumentException("File " + file + " has column " + column + " more than once (source "
            + source.name() + " maps it, so which one to read is ambiguous); columns found: " + columns);
      }
    }
    for (String column : columns) {
      if (!source.columns().containsValue(column) && !used.containsKey(column)) {
        extra.add(column);
      }
    }
  }

  /**
   * The columns {@code columns} lacks that the source maps to optional fields (a renamed or dropped column: the
   * field is null in every record), as {@code column (field)} when the names differ.
   */
  public static List<String> missingOptionalColumns(SourceDef source, List<String> columns) {
    List<String> out = new ArrayList<>();
    for (String field : source.feed().fieldNames()) {
      String column = source.columnOf(field);
      if (column != null && !source.required().contains(field) && !columns.contains(column)) {
        out.add(column.equals(field) ? column : column + " (" + field + ")");
      }
    }
    return out;
  }

  /**
   * Reads the start of a text file once: fails, naming the file and what it holds, when it starts with compressed or
   * binary bytes; returns the column names of its header line when {@code format} is delimited text with a header
   * (null for an empty file), else null.
   */
  private static List<String> inspectText(FileSystem fs, RawFile file, FileFormat format) throws IOException {
    byte[] head = new byte[HEAD_BYTES];
    int n = 0;
    try (java.io.BufferedInputStream in = new java.io.BufferedInputStream(open(fs, file.path()), 64 * 1024)) {
      in.mark(HEAD_BYTES);
      try {
        while (n < head.length) {
          int r = in.read(head, n, head.length - n);
          if (r < 0) {
            break;
          }
          n += r;
        }
      } catch (java.util.zip.ZipException | java.io.EOFException e) {
        throw new IllegalArgumentException("File " + file.path() + " is named .gz but is not readable "
            + "gzip-compressed data (" + e.getMessage() + ")");
      }
      String what = binaryKind(head, n);
      if (what != null) {
        throw new IllegalArgumentException("File " + file.path() + " holds " + what + ", not " + file.extension()
            + " text; " + (what.startsWith("gzip") ? "name it " + new Path(file.path()).getName() + ".gz to have it"
            + " read, or" : "") + " remove it from the delivery folder");
      }
      boolean delimited = format.type() == FormatType.CSV || format.type() == FormatType.WHITESPACE;
      if (!delimited || !format.header()) {
        return null;
      }
      in.reset();
      return header(new BufferedReader(new InputStreamReader(in, Charset.forName(format.encoding()))).readLine(),
          file, format);
    }
  }

  /** How many bytes of a file's start are checked for binary content. */
  private static final int HEAD_BYTES = 512;

  /** What binary content {@code head} (the first {@code n} bytes of a file, decompressed) is, or null for text. */
  static String binaryKind(byte[] head, int n) {
    if (n >= 2 && (head[0] & 0xFF) == 0x1F && (head[1] & 0xFF) == 0x8B) {
      return "gzip-compressed data";
    }
    if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
      return "a zip archive";
    }
    if (n >= 3 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h') {
      return "bzip2-compressed data";
    }
    if (n >= 4 && head[0] == 'P' && head[1] == 'A' && head[2] == 'R' && head[3] == '1') {
      return "Parquet data";
    }
    for (int i = 0; i < n; i++) {
      if (head[i] == 0) {
        return "binary data (a NUL byte at byte " + (i + 1) + ")";
      }
    }
    return null;
  }

  /** Opens a raw file, decompressing a {@code .gz} one. */
  private static java.io.InputStream open(FileSystem fs, String path) throws IOException {
    java.io.InputStream in = fs.open(new Path(path));
    return path.toLowerCase(Locale.ROOT).endsWith(".gz") ? new java.util.zip.GZIPInputStream(in) : in;
  }

  private static void collect(FileSystem fs, Path path, LocalDate day, SourceDef source, List<RawFile> files,
      List<String> ignored) throws IOException {
    FileStatus status = fs.getFileStatus(path);
    FileStatus[] children = status.isDirectory() ? fs.listStatus(path) : new FileStatus[] {status};
    Arrays.sort(children, (a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
    for (FileStatus child : children) {
      String name = child.getPath().getName();
      if (child.isDirectory() || name.startsWith(".") || name.startsWith("_")) {
        continue;
      }
      String ext = extensionOf(name);
      if (source.formats().containsKey(ext)) {
        files.add(new RawFile(child.getPath().toString(), day, ext));
      } else {
        ignored.add(child.getPath().toString());
      }
    }
  }

  /** The column names of a header line (null: an empty file). */
  private static List<String> header(String line, RawFile file, FileFormat format) {
    if (line == null) {
      return null;
    }
    line = stripBom(line);
    try {
      return format.type() == FormatType.CSV ? LineSplitter.csv(line, format.delimiter())
          : LineSplitter.whitespace(line);
    } catch (LineSplitter.MalformedLineException e) {
      throw new IllegalArgumentException("The header of " + file.path() + " does not parse: " + e.getMessage());
    }
  }

  private static String stripBom(String line) {
    return line.startsWith("\uFEFF") ? line.substring(1) : line;
  }

  /**
   * Reads the text files of {@code input} as rows of {@link RecordParser#linesSchema()}: one per data line (the
   * header line of a delimited file is not a record). Parquet files are read as rows, each as its JSON text.
   *
   * <p>Text files are read with Spark's text source, which packs small files into one task and splits a large
   * file at block boundaries ({@code spark.sql.files.maxPartitionBytes}), so a file never has to fit in memory and
   * one read is one pass. Lines end at {@code \n} (a trailing {@code \r} is removed) and are decoded with the
   * format's encoding. A line's {@code line} is its number within its split and {@code split_start} the split's
   * first byte; {@code lineCounts} receives each split's line count, from which {@link #lineNumbers} gives every
   * line its number in the file once the pass is done.
   *
   * @param lineCounts receives one entry per split read, {@code file \0 split_start \0 lines}; null when the
   *     caller needs no line numbers beyond the first split of each file
   */
  public static Dataset<Row> readLines(SparkSession spark, SourceDef source, Input input,
      CollectionAccumulator<String> lineCounts) {
    return readLines(spark, source, input, lineCounts, null);
  }

  /**
   * {@link #readLines(SparkSession, SourceDef, Input, CollectionAccumulator)}, skipping a delimited file's header
   * line where it repeats further down (files concatenated upstream): each one skipped is reported to
   * {@code repeatedHeaders} as {@code file:line (within its split)}, when not null. A CSV record whose quoted
   * field spans lines (an odd number of quotes on the line) is joined with the lines that close it (at most
   * {@link #MAX_RECORD_LINES} in all, within one split; a quote left open stays a malformed one-line record).
   */
  public static Dataset<Row> readLines(SparkSession spark, SourceDef source, Input input,
      CollectionAccumulator<String> lineCounts, CollectionAccumulator<String> repeatedHeaders) {
    List<String> textPaths = new ArrayList<>();
    Map<String, Date> days = new HashMap<>();
    for (RawFile f : input.files()) {
      days.put(keyOf(f.path()), Date.valueOf(f.ingestDay()));
      FormatType type = source.formats().get(f.extension()).type();
      if (type != FormatType.PARQUET && type != FormatType.DELTA) {
        textPaths.add(f.path());
      }
    }
    Dataset<Row> lines = spark.createDataFrame(List.of(), RecordParser.linesSchema());
    if (!textPaths.isEmpty()) {
      Map<String, List<String>> headers = new HashMap<>(input.headers());
      MapPartitionsFunction<Row, Row> split = rows -> new SplitLines(rows, source, days, headers, lineCounts,
          repeatedHeaders);
      Dataset<Row> text = spark.read().format("text").option("lineSep", "\n")
          .load(textPaths.toArray(String[]::new))
          .select(functions.col("value").cast("binary"), functions.col("_metadata.file_path"),
              functions.col("_metadata.file_block_start"))
          .mapPartitions(split, Encoders.row(RecordParser.linesSchema()));
      lines = lines.unionByName(text);
    }
    Map<LocalDate, List<String>> parquetByDay = new LinkedHashMap<>();
    for (RawFile f : input.files()) {
      if (source.formats().get(f.extension()).type() == FormatType.PARQUET) {
        parquetByDay.computeIfAbsent(f.ingestDay(), d -> new ArrayList<>()).add(f.path());
      }
    }
    for (RawFile f : input.files()) {
      if (source.formats().get(f.extension()).type() == FormatType.DELTA) {
        Dataset<Row> table = spark.read().format("delta").load(f.path());
        checkColumns(source, f.path(), Arrays.asList(table.columns()), input.extraColumns());
        lines = lines.unionByName(asLines(table, f.ingestDay()));
      }
    }
    for (Map.Entry<LocalDate, List<String>> e : parquetByDay.entrySet()) {
      Dataset<Row> table = spark.read().parquet(e.getValue().toArray(String[]::new));
      checkColumns(source, String.join(", ", e.getValue()), Arrays.asList(table.columns()), input.extraColumns());
      lines = lines.unionByName(asLines(table, e.getKey()));
    }
    return lines;
  }

  /**
   * The number of lines before each split that is not the first of its file, from the counts
   * {@link #readLines} reported: rows {@code (file, split_start, lines_before)}; a split absent from it starts
   * its file ({@code lines_before} 0). A line's number in its file is {@code line + lines_before}.
   */
  public static Dataset<Row> lineNumbers(SparkSession spark, List<String> lineCounts) {
    Map<String, java.util.TreeMap<Long, Long>> byFile = new HashMap<>();
    for (String entry : lineCounts) {
      String[] parts = entry.split("\0", -1);
      // a retried task reports the same split again with the same count: keep one
      byFile.computeIfAbsent(parts[0], f -> new java.util.TreeMap<>())
          .put(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
    }
    List<Row> rows = new ArrayList<>();
    byFile.forEach((file, splits) -> {
      long before = 0;
      for (Map.Entry<Long, Long> s : splits.entrySet()) {
        if (before > 0) {
          rows.add(RowFactory.create(file, s.getKey(), before));
        }
        before += s.getValue();
      }
    });
    return spark.createDataFrame(rows, LINE_OFFSETS);
  }

  /** The schema of {@link #lineNumbers}. */
  public static final StructType LINE_OFFSETS = DataTypes.createStructType(new StructField[] {
      DataTypes.createStructField(RecordParser.FILE, DataTypes.StringType, false),
      DataTypes.createStructField(RecordParser.SPLIT_START, DataTypes.LongType, false),
      DataTypes.createStructField("lines_before", DataTypes.LongType, false)});

  /** The most physical lines one CSV record (a quoted field with line breaks) is joined from. */
  public static final int MAX_RECORD_LINES = 100;

  /**
   * Turns the text source's rows (bytes, file URI, split start) of one task into lines: numbers them within their
   * split, decodes them, drops the header line and reports each split's line count when it ends.
   */
  private static final class SplitLines implements java.util.Iterator<Row> {
    private final java.util.Iterator<Row> rows;
    private final SourceDef source;
    private final Map<String, Date> days;
    private final CollectionAccumulator<String> lineCounts;
    private final Map<String, List<String>> headers;
    private final CollectionAccumulator<String> repeatedHeaders;
    /** Rows read ahead to close a quoted field and given back (in order). */
    private final java.util.ArrayDeque<Row> pending = new java.util.ArrayDeque<>();
    private List<String> header;
    private String uri;
    private String key;
    private long splitStart = -1;
    private long lineNo;
    private Date day;
    private FileFormat format;
    private Charset charset;
    private Row next;

    SplitLines(java.util.Iterator<Row> rows, SourceDef source, Map<String, Date> days,
        Map<String, List<String>> headers, CollectionAccumulator<String> lineCounts,
        CollectionAccumulator<String> repeatedHeaders) {
      this.rows = rows;
      this.source = source;
      this.days = days;
      this.headers = headers;
      this.lineCounts = lineCounts;
      this.repeatedHeaders = repeatedHeaders;
    }

    private boolean hasRaw() {
      return !pending.isEmpty() || rows.hasNext();
    }

    private Row nextRaw() {
      return pending.isEmpty() ? rows.next() : pending.poll();
    }

    private String decode(Row r) {
      byte[] bytes = (byte[]) r.get(0);
      int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
      return new String(bytes, 0, length, charset);
    }

    @Override
    public boolean hasNext() {
      while (next == null && hasRaw()) {
        Row r = nextRaw();
        String fileUri = r.getString(1);
        long start = r.getLong(2);
        if (start != splitStart || !fileUri.equals(uri)) {
          report();
          if (!fileUri.equals(uri)) {
            uri = fileUri;
            key = keyOf(new Path(java.net.URI.create(fileUri)).toString());
            format = RecordParser.formatOf(source, key);
            charset = Charset.forName(format.encoding());
            header = format.header() && format.type() != FormatType.JSON ? headers.get(key) : null;
            day = days.get(key);
            if (day == null) {
              throw new IllegalStateException("Read a file that was not listed: " + key);
            }
          }
          splitStart = start;
          lineNo = 0;
        }
        lineNo++;
        String line = decode(r);
        if (splitStart == 0 && lineNo == 1) {
          line = stripBom(line);
          if (format.header() && format.type() != FormatType.JSON) {
            continue;
          }
        }
        if (header != null && isHeader(line)) {
          if (repeatedHeaders != null) {
            repeatedHeaders.add(key + ":" + (splitStart == 0 ? Long.toString(lineNo) : lineNo + "@" + splitStart));
          }
          continue;
        }
        long first = lineNo;
        if (format.type() == FormatType.CSV && quoteOpen(line, false)) {
          line = joinQuoted(line, fileUri, start);
        }
        next = RowFactory.create(day, key, first, line, 0, splitStart);
      }
      if (next == null) {
        report();
        return false;
      }
      return true;
    }

    /** Whether {@code line} is the file's header again (its fields are the header's names). */
    private boolean isHeader(String line) {
      String firstName = header.isEmpty() ? "" : header.get(0);
      if (!stripBom(line).stripLeading().startsWith(firstName) && !line.startsWith("\"")) {
        return false; // the cheap test that every data line fails
      }
      try {
        List<String> fields = format.type() == FormatType.CSV
            ? LineSplitter.csv(stripBom(line), format.delimiter()) : LineSplitter.whitespace(line);
        return fields.equals(header);
      } catch (LineSplitter.MalformedLineException e) {
        return false;
      }
    }

    /**
     * Whether a quoted field is open at the end of {@code text} ({@code open}: one is open at its start), read as
     * {@link LineSplitter#csv} reads: a quote opens a field only at the field's start (a stray quote inside an
     * unquoted field opens nothing: that line is malformed on its own), a doubled quote inside one is a quote.
     */
    private boolean quoteOpen(String text, boolean open) {
      char delimiter = format.delimiter();
      boolean quoted = open;
      boolean fieldStart = !open;
      for (int i = 0; i < text.length(); i++) {
        char ch = text.charAt(i);
        if (quoted) {
          if (ch == '"') {
            if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
              i++;
            } else {
              quoted = false;
            }
          }
        } else if (ch == '"' && fieldStart) {
          quoted = true;
        }
        fieldStart = !quoted && ch == delimiter;
      }
      return quoted;
    }

    /**
     * {@code line} joined with the following lines of its split up to the one that closes its open quote; the
     * lines joined are counted. When none closes it within {@link #MAX_RECORD_LINES}, the split or the input, the
     * lines read ahead are given back and {@code line} is returned alone.
     */
    private String joinQuoted(String line, String fileUri, long start) {
      List<Row> ahead = new ArrayList<>();
      StringBuilder record = new StringBuilder(line);
      boolean open = true;
      while (open && ahead.size() < MAX_RECORD_LINES - 1 && hasRaw()) {
        Row r = nextRaw();
        ahead.add(r);
        if (r.getLong(2) != start || !r.getString(1).equals(fileUri)) {
          break;
        }
        String more = decode(r);
        record.append('\n').append(more);
        open = quoteOpen(more, true);
      }
      if (open) {
        for (int i = ahead.size() - 1; i >= 0; i--) {
          pending.addFirst(ahead.get(i));
        }
        return line;
      }
      lineNo += ahead.size();
      return record.toString();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      Row out = next;
      next = null;
      return out;
    }

    private void report() {
      if (uri != null && lineCounts != null && lineNo > 0) {
        lineCounts.add(key + "\0" + splitStart + "\0" + lineNo);
      }
      lineNo = 0;
    }
  }

  /** Rows of a table (Parquet, Delta) as lines: the JSON of each row is its raw text. */
  public static Dataset<Row> asLines(Dataset<Row> table, LocalDate ingestDay) {
    Column file = functions.input_file_name();
    Column day = functions.lit(Date.valueOf(ingestDay));
    return table.select(
        day.as(RecordParser.INGEST_DAY),
        file.as(RecordParser.FILE),
        functions.lit(null).cast("long").as(RecordParser.LINE),
        functions.to_json(functions.struct(Arrays.stream(table.columns()).map(functions::col)
            .toArray(Column[]::new))).as(RecordParser.RAW),
        functions.lit(0).as(RecordParser.OCCURRENCE),
        functions.lit(null).cast("long").as(RecordParser.SPLIT_START));
  }
}

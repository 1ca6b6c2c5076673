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
 * LF files give the same lines and the raw text of each line is kept as it was.
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
   */
  public record Input(List<RawFile> files, Map<String, List<String>> headers, Set<String> extraColumns,
      List<String> ignoredFiles) {
  }

  /** {@code relative} (e.g. {@code ../fx_rates}) resolved against the folder {@code input}. */
  public static String resolve(String input, String relative) {
    return new Path(new Path(input.endsWith("/") ? input : input + "/"), relative).toString();
  }

  /** Whether {@code path} exists. */
  public static boolean exists(SparkSession spark, String path) {
    try {
      Path p = new Path(path);
      return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot check " + path + ": " + e.getMessage(), e);
    }
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
      for (RawFile file : files) {
        FileFormat format = source.formats().get(file.extension());
        if ((format.type() == FormatType.CSV || format.type() == FormatType.WHITESPACE)) {
          List<String> names = format.header() ? readHeader(fs, file, format) : format.columnNames();
          if (names == null) {
            continue; // an empty file: no header, no rows
          }
          checkColumns(source, file.path(), names, extra);
          headers.put(keyOf(file.path()), names);
        }
      }
      return new Input(List.copyOf(files), headers, extra, ignored);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list input " + input + ": " + e.getMessage(), e);
    }
  }

  /**
   * Checks that {@code columns} (a file's header or a table's columns) hold every column the source maps to a
   * required field; adds the unmapped ones to {@code extra}.
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
    for (String column : columns) {
      if (!source.columns().containsValue(column) && !used.containsKey(column)) {
        extra.add(column);
      }
    }
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
      int dot = name.lastIndexOf('.');
      String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
      if (source.formats().containsKey(ext)) {
        files.add(new RawFile(child.getPath().toString(), day, ext));
      } else {
        ignored.add(child.getPath().toString());
      }
    }
  }

  private static List<String> readHeader(FileSystem fs, RawFile file, FileFormat format) throws IOException {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(new Path(file.path())),
        Charset.forName(format.encoding())))) {
      String line = in.readLine();
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
      MapPartitionsFunction<Row, Row> split = rows -> new SplitLines(rows, source, days, lineCounts);
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

  /**
   * Turns the text source's rows (bytes, file URI, split start) of one task into lines: numbers them within their
   * split, decodes them, drops the header line and reports each split's line count when it ends.
   */
  private static final class SplitLines implements java.util.Iterator<Row> {
    private final java.util.Iterator<Row> rows;
    private final SourceDef source;
    private final Map<String, Date> days;
    private final CollectionAccumulator<String> lineCounts;
    private String uri;
    private String key;
    private long splitStart = -1;
    private long lineNo;
    private Date day;
    private FileFormat format;
    private Charset charset;
    private Row next;

    SplitLines(java.util.Iterator<Row> rows, SourceDef source, Map<String, Date> days,
        CollectionAccumulator<String> lineCounts) {
      this.rows = rows;
      this.source = source;
      this.days = days;
      this.lineCounts = lineCounts;
    }

    @Override
    public boolean hasNext() {
      while (next == null && rows.hasNext()) {
        Row r = rows.next();
        String fileUri = r.getString(1);
        long start = r.getLong(2);
        if (start != splitStart || !fileUri.equals(uri)) {
          report();
          if (!fileUri.equals(uri)) {
            uri = fileUri;
            key = keyOf(new Path(java.net.URI.create(fileUri)).toString());
            format = RecordParser.formatOf(source, key);
            charset = Charset.forName(format.encoding());
            day = days.get(key);
            if (day == null) {
              throw new IllegalStateException("Read a file that was not listed: " + key);
            }
          }
          splitStart = start;
          lineNo = 0;
        }
        lineNo++;
        byte[] bytes = (byte[]) r.get(0);
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        String line = new String(bytes, 0, length, charset);
        if (splitStart == 0 && lineNo == 1) {
          line = stripBom(line);
          if (format.header() && format.type() != FormatType.JSON) {
            continue;
          }
        }
        next = RowFactory.create(day, key, lineNo, line, 0, splitStart);
      }
      if (next == null) {
        report();
        return false;
      }
      return true;
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

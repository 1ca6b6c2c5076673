package io.kindred.generate;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kindred.lake.Location;
import io.kindred.ops.Steps;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Generates the raw feeds and their truth (docs/sources.md) with Spark: one row per social user from
 * {@code spark.range}, each user's lines from {@link World#emit}, then one sorted file per feed and day, written to
 * a staging folder below the output and moved into place.
 */
public final class SampleGenerator {

  /** Columns of the generated lines. */
  public static final String FEED = "feed";
  public static final String DAY = "day";
  public static final String KEY = "key";
  public static final String LINE = "line";
  public static final String TAG = "tag";
  /** Columns of the write's counts. */
  public static final String LINES = "lines";

  /** The generated lines: feed (or truth pseudo-feed), day folder ("all" for truth), sort key, line, tag. */
  public static final StructType LINES_SCHEMA = new StructType()
      .add(FEED, DataTypes.StringType, false)
      .add(DAY, DataTypes.StringType, false)
      .add(KEY, DataTypes.StringType, false)
      .add(LINE, DataTypes.StringType, false)
      .add(TAG, DataTypes.StringType, false);

  /** What the writer reports: lines per feed, day and tag. */
  public static final StructType COUNTS_SCHEMA = new StructType()
      .add(FEED, DataTypes.StringType, false)
      .add(DAY, DataTypes.StringType, false)
      .add(TAG, DataTypes.StringType, false)
      .add(LINES, DataTypes.LongType, false);

  /** The day value of truth lines. */
  public static final String ALL_DAYS = "all";
  /** The staging folder below the output while a run writes. */
  public static final String STAGING = "_generate-staging";

  private SampleGenerator() {
  }

  /** The partitions a run of this size uses: from the size, never from the cluster. */
  public static int partitionsFor(SampleSpec spec) {
    long users = spec.socialUsers();
    return (int) Math.max(1, (users + spec.settings().usersPerPartition - 1) / spec.settings().usersPerPartition);
  }

  /** Every line of the run, unsorted: a lazy Dataset (nothing is computed until it is written). */
  public static Dataset<Row> withGeneratedLines(SparkSession spark, World world) {
    SampleSpec spec = world.spec();
    FlatMapFunction<Long, Row> perUser = u -> {
      List<Row> rows = new ArrayList<>();
      world.emit(u, (feed, day, key, line, tag) -> rows.add(row(world, feed, day, key, line, tag)));
      return rows.iterator();
    };
    Dataset<Row> users = spark.range(0, spec.socialUsers(), 1, partitionsFor(spec))
        .flatMap(perUser, Encoders.row(LINES_SCHEMA));
    List<Row> daily = new ArrayList<>();
    world.emitDaily((feed, day, key, line, tag) -> daily.add(row(world, feed, day, key, line, tag)));
    return users.union(spark.createDataFrame(daily, LINES_SCHEMA));
  }

  private static Row row(World world, String feed, int day, String key, String line, String tag) {
    return RowFactory.create(feed, day == World.NO_DAY ? ALL_DAYS : world.dayName(day), key, line, tag);
  }

  /** The file extension of a feed's file on a day. */
  static String extension(World world, String feed, String day) {
    if (feed.equals(RawFeeds.INTERACTIONS)) {
      return RawFeeds.JSONL;
    }
    if (feed.equals(RawFeeds.TRANSACTIONS)) {
      int d = (int) (java.time.LocalDate.parse(day).toEpochDay() - world.spec().startDate().toEpochDay());
      return world.isJsonDay(d) ? RawFeeds.JSONL : RawFeeds.CSV;
    }
    return RawFeeds.CSV;
  }

  /** Where a feed's file of a day (or a truth file) goes, relative to the output. */
  static String relativePath(World world, String feed, String day) {
    if (feed.startsWith(World.TRUTH_PREFIX)) {
      return RawFeeds.TRUTH + "/" + feed.substring(World.TRUTH_PREFIX.length());
    }
    return feed + "/" + day + "/" + feed + "-" + day + "-00000." + extension(world, feed, day);
  }

  /**
   * Generates a sample into {@code out}.
   *
   * @param overwrite whether to replace feed and truth folders that {@code out} already holds
   * @return the run's summary (also written to {@code truth/summary.json})
   * @throws IllegalStateException when {@code out} already holds feed folders and {@code overwrite} is false
   */
  public static GenerationSummary generate(SparkSession spark, SampleSpec spec, Location out, boolean overwrite,
      Steps steps) throws IOException {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Path root = new Path(URI.create(out.uri()));
    FileSystem fs = root.getFileSystem(hadoop);
    steps.run("check output " + out, () -> prepareOutput(fs, root, out, overwrite));
    World world = new World(spec);
    Path staging = new Path(root, STAGING);
    Map<String, String> hadoopSettings = new HashMap<>();
    hadoop.forEach(e -> hadoopSettings.put(e.getKey(), e.getValue()));
    String stagingUri = staging.toString();
    int partitions = partitionsFor(spec);
    List<Row> counts = steps.run("generate and write " + spec.customers() + " customers, " + spec.socialUsers()
        + " social users, " + spec.days() + " days in " + partitions + " partitions", () ->
        withGeneratedLines(spark, world)
            .repartition(partitions, col(FEED), col(DAY))
            .sortWithinPartitions(FEED, DAY, KEY, LINE)
            .mapPartitions(writeFiles(world, stagingUri, hadoopSettings), Encoders.row(COUNTS_SCHEMA))
            .collectAsList());
    steps.run("move folders into place", () -> moveIntoPlace(fs, staging, root));
    GenerationSummary summary = GenerationSummary.of(spec, counts);
    steps.run("write parameters and summary", () -> {
      writeJson(fs, new Path(root, RawFeeds.TRUTH + "/" + RawFeeds.TRUTH_PARAMETERS), parameters(spec, world));
      writeJson(fs, new Path(root, RawFeeds.TRUTH + "/" + RawFeeds.TRUTH_SUMMARY), summary.asMap());
      return null;
    });
    return summary;
  }

  private static void prepareOutput(FileSystem fs, Path root, Location out, boolean overwrite) {
    try {
      if (fs.exists(root) && !fs.getFileStatus(root).isDirectory()) {
        throw new IllegalStateException("Output " + out + " is a file; expected a folder (or nothing)");
      }
      List<String> present = new ArrayList<>();
      for (String folder : folders()) {
        if (fs.exists(new Path(root, folder))) {
          present.add(folder);
        }
      }
      if (!present.isEmpty() && !overwrite) {
        throw new IllegalStateException("Output " + out + " already holds " + present + "; expected no feed "
            + "folders there (pass --overwrite to replace them)");
      }
      for (String folder : present) {
        fs.delete(new Path(root, folder), true);
      }
      fs.delete(new Path(root, STAGING), true);
      fs.mkdirs(root);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot prepare output " + out + ": " + e.getMessage(), e);
    }
  }

  private static List<String> folders() {
    List<String> folders = new ArrayList<>(RawFeeds.FEEDS);
    folders.add(RawFeeds.TRUTH);
    return folders;
  }

  /** Writes each (feed, day) run of sorted lines to its file below the staging folder; returns line counts. */
  private static MapPartitionsFunction<Row, Row> writeFiles(World world, String stagingUri,
      Map<String, String> hadoopSettings) {
    return rows -> {
      Configuration conf = new Configuration(false);
      hadoopSettings.forEach(conf::set);
      Path staging = new Path(URI.create(stagingUri));
      Map<List<String>, Long> counts = new LinkedHashMap<>();
      try (FileSystem fs = FileSystem.newInstance(staging.toUri(), conf)) {
        fs.setWriteChecksum(false);
        String feed = null;
        String day = null;
        Writer writer = null;
        try {
          while (rows.hasNext()) {
            Row r = rows.next();
            String f = r.getString(0);
            String d = r.getString(1);
            if (!f.equals(feed) || !d.equals(day)) {
              if (writer != null) {
                writer.close();
              }
              feed = f;
              day = d;
              writer = new BufferedWriter(new OutputStreamWriter(
                  fs.create(new Path(staging, relativePath(world, feed, day)), true), StandardCharsets.UTF_8),
                  1 << 16);
            }
            writer.write(r.getString(3));
            writer.write('\n');
            counts.merge(List.of(f, d, r.getString(4)), 1L, Long::sum);
          }
        } finally {
          if (writer != null) {
            writer.close();
          }
        }
      }
      List<Row> out = new ArrayList<>();
      counts.forEach((k, n) -> out.add(RowFactory.create(k.get(0), k.get(1), k.get(2), n)));
      return out.iterator();
    };
  }

  /**
   * Moves each feed's folder (and the truth folder) from staging into place: one rename per folder; returns the
   * folders moved.
   */
  private static int moveIntoPlace(FileSystem fs, Path staging, Path root) throws IOException {
    int files = 0;
    for (String folder : folders()) {
      Path source = new Path(staging, folder);
      if (fs.exists(source) && !fs.rename(source, new Path(root, folder))) {
        throw new IOException("Could not move " + source + " to " + new Path(root, folder));
      }
      files++;
    }
    fs.delete(staging, true);
    return files;
  }

  private static Map<String, Object> parameters(SampleSpec spec, World world) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("seed", spec.seed());
    p.put("customers", spec.customers());
    p.put("non_customers", spec.nonCustomers());
    p.put("days", spec.days());
    p.put("start_date", spec.startDate().toString());
    p.put("end_date", spec.endDate().toString());
    p.put("partitions", partitionsFor(spec));
    List<String> jsonDays = new ArrayList<>();
    for (int d = 0; d < spec.days(); d++) {
      if (world.isJsonDay(d)) {
        jsonDays.add(world.dayName(d));
      }
    }
    p.put("transactions_json_days", jsonDays);
    double[] shares = spec.settings().normalisedShares();
    Map<String, Object> archetypes = new LinkedHashMap<>();
    for (GeneratorSettings.ArchetypeParams a : spec.settings().archetypes) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("share", shares[a.archetype().ordinal()]);
      m.put("bgnbd", Map.of("r", a.r(), "alpha", a.alpha(), "a", a.a(), "b", a.b()));
      m.put("gamma_gamma", Map.of("p", a.p(), "q", a.q(), "gamma", a.gamma()));
      m.put("expected_lambda_per_day", a.r() / a.alpha());
      m.put("expected_dropout_p", a.a() / (a.a() + a.b()));
      m.put("expected_value_usd", a.q() > 1 ? a.p() * a.gamma() / (a.q() - 1) : null);
      archetypes.put(a.archetype().code(), m);
    }
    p.put("archetypes", archetypes);
    p.put("settings", spec.settings().asMap());
    return p;
  }

  static void writeJson(FileSystem fs, Path path, Object value) throws IOException {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    fs.mkdirs(path.getParent());
    try (FileSystem plain = FileSystem.newInstance(path.toUri(), fs.getConf())) {
      plain.setWriteChecksum(false);
      try (var stream = plain.create(path, true)) {
        stream.write(mapper.writeValueAsBytes(value));
        stream.write('\n');
      }
    }
  }
}

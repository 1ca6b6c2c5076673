package io.kindred.lake;

import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One lakehouse root holding path-based Delta tables in layers ({@link Layer}). Jobs ask it for a table's
 * location and read and create tables through it, so that no job spells a path itself.
 */
public final class Lakehouse {

  /** The table property naming the columns Delta keeps statistics on. */
  public static final String STATS_COLUMNS = "delta.dataSkippingStatsColumns";
  /** The table property giving how many leading columns Delta keeps statistics on when none are named. */
  public static final String NUM_INDEXED_COLUMNS = "delta.dataSkippingNumIndexedCols";

  private final Location root;

  public Lakehouse(Location root) {
    this.root = Objects.requireNonNull(root, "root");
  }

  public Location root() {
    return root;
  }

  /** Where {@code table} lives. */
  public Location location(TableDef table) {
    return root.resolve(table.relativePath());
  }

  /** A folder of a layer, e.g. {@code raw/} or {@code models/segments}. */
  public Location location(Layer layer, String relative) {
    return root.resolve(layer.folder()).resolve(relative);
  }

  /** Whether {@code table} exists as a Delta table. */
  public boolean exists(SparkSession spark, TableDef table) {
    return DeltaTable.isDeltaTable(spark, location(table).uri());
  }

  /**
   * Fails unless a local lakehouse root can be written: a directory the process may write to, or a path that does
   * not exist yet below one (the first write creates it). A remote root (hdfs://, s3a://, ...) is not checked here:
   * its file system reports its own errors on first use.
   *
   * @throws IllegalArgumentException naming the path and what is wrong with it
   */
  public Lakehouse requireWritable() {
    if (!root.isLocal()) {
      return this;
    }
    java.nio.file.Path path = root.toLocalPath();
    java.nio.file.Path existing = path;
    while (existing != null && !java.nio.file.Files.exists(existing)) {
      existing = existing.getParent();
    }
    String what = "The lakehouse " + path + (existing == path ? "" : " (to be created below " + existing + ")");
    if (existing == null || !java.nio.file.Files.isDirectory(existing)) {
      throw new IllegalArgumentException(what + " is not a directory: " + (existing == null ? "no part of the path "
          + "exists" : existing + " is a file") + "; expected a directory (kindred.lakehouse or --lakehouse)");
    }
    if (!java.nio.file.Files.isWritable(existing)) {
      throw new IllegalArgumentException(what + " is not writable by this user; expected a directory Kindred may "
          + "write to (kindred.lakehouse or --lakehouse)");
    }
    return this;
  }

  /** Reads {@code table}; it must exist. */
  public Dataset<Row> read(SparkSession spark, TableDef table) {
    if (!exists(spark, table)) {
      throw new IllegalStateException("Table " + table.relativePath() + " does not exist at " + location(table)
          + "; run the stage that writes it first");
    }
    return spark.read().format("delta").load(location(table).uri());
  }

  /** Reads {@code table}, or an empty frame of its schema when it does not exist yet. */
  public Dataset<Row> readOrEmpty(SparkSession spark, TableDef table) {
    if (!exists(spark, table)) {
      return spark.createDataFrame(java.util.List.of(), table.schema());
    }
    return spark.read().format("delta").load(location(table).uri());
  }

  /**
   * Creates {@code table} empty, with its schema, partitioning and properties, if it does not exist yet; returns it.
   * Extra table properties (such as {@code delta.enableChangeDataFeed}) may be given as key, value pairs; with the
   * table's statistics columns ({@link TableDef#statsColumns}; none at all for a table with personal data and no
   * statistics columns named) they are its properties, and a table created before
   * a property was introduced or changed gets it set (one metadata commit; files written since follow it).
   */
  public DeltaTable createIfNotExists(SparkSession spark, TableDef table, String... properties) {
    if (properties.length % 2 != 0) {
      throw new IllegalArgumentException("Table properties come in key, value pairs; got " + properties.length
          + " strings");
    }
    Map<String, String> wanted = new LinkedHashMap<>();
    for (int i = 0; i < properties.length; i += 2) {
      wanted.put(properties[i], properties[i + 1]);
    }
    boolean noStats = table.statsColumns().isEmpty() && table.holdsPersonalData();
    if (!table.statsColumns().isEmpty()) {
      wanted.put(STATS_COLUMNS, String.join(",", table.statsColumns()));
    } else if (noStats) {
      // Delta's default would index the first 32 columns, the personal ones among them
      wanted.put(NUM_INDEXED_COLUMNS, "0");
    }
    if (exists(spark, table)) {
      DeltaTable existing = DeltaTable.forPath(spark, location(table).uri());
      evolveSchema(spark, table, existing.toDF().schema());
      Map<String, String> has = existing.detail().select("properties").first().getJavaMap(0);
      List<String> changed = wanted.entrySet().stream().filter(e -> !e.getValue().equals(has.get(e.getKey())))
          .map(e -> "'" + e.getKey() + "' = '" + e.getValue() + "'").toList();
      String name = "delta.`" + location(table).uri().replace("`", "``") + "`";
      if (!changed.isEmpty()) {
        spark.sql("ALTER TABLE " + name + " SET TBLPROPERTIES (" + String.join(", ", changed) + ")");
      }
      if (noStats && has.containsKey(STATS_COLUMNS)) {
        // an earlier definition named statistics columns, which take precedence over the count
        spark.sql("ALTER TABLE " + name + " UNSET TBLPROPERTIES ('" + STATS_COLUMNS + "')");
      }
      return existing;
    }
    var builder = DeltaTable.createIfNotExists(spark)
        .location(location(table).uri())
        .addColumns(table.schema())
        .comment(table.description());
    if (!table.partitionColumns().isEmpty()) {
      builder = builder.partitionedBy(table.partitionColumns().toArray(String[]::new));
    }
    for (Map.Entry<String, String> property : wanted.entrySet()) {
      builder = builder.property(property.getKey(), property.getValue());
    }
    return builder.execute();
  }

  /**
   * Brings a table written by an earlier Kindred to its definition: columns the definition added (nullable ones
   * only) are added, and columns the definition made nullable lose their NOT NULL. Anything else that differs is
   * left for the write to report.
   */
  private void evolveSchema(SparkSession spark, TableDef table, StructType has) {
    String name = "delta.`" + location(table).uri().replace("`", "``") + "`";
    List<String> added = new ArrayList<>();
    for (StructField field : table.schema().fields()) {
      Optional<StructField> existing = Arrays.stream(has.fields()).filter(f -> f.name().equals(field.name()))
          .findFirst();
      if (existing.isEmpty()) {
        if (!field.nullable()) {
          throw new IllegalStateException(table.relativePath() + " lacks its column " + field.name() + ", which "
              + "cannot be added to a table that holds rows: it may not be null");
        }
        added.add("`" + field.name() + "` " + field.dataType().sql());
      } else if (field.nullable() && !existing.get().nullable()) {
        spark.sql("ALTER TABLE " + name + " ALTER COLUMN `" + field.name() + "` DROP NOT NULL");
      }
    }
    if (!added.isEmpty()) {
      spark.sql("ALTER TABLE " + name + " ADD COLUMNS (" + String.join(", ", added) + ")");
    }
  }

  /** Delta refuses a VACUUM retention under this many hours unless its check is turned off. */
  public static final long DELTA_MIN_RETENTION_HOURS = 168;
  private static final String RETENTION_CHECK = "spark.databricks.delta.retentionDurationCheck.enabled";
  private static final String LISTING_PARALLELISM = "spark.sql.sources.parallelPartitionDiscovery.parallelism";
  private static final String VACUUM_LOGGING = "spark.databricks.delta.vacuum.logging.enabled";

  /**
   * VACUUMs {@code tables} that exist: deletes the files no longer in them (and change data files) older than
   * {@code hours}; with fewer hours than Delta's own floor (a week) its retention check is turned off for the call.
   * Time travel to a version older than {@code hours} fails from then on.
   *
   * @return the tables vacuumed
   */
  public List<TableDef> vacuum(SparkSession spark, List<TableDef> tables, long hours) {
    if (hours < 0) {
      throw new IllegalArgumentException("A VACUUM retention of " + hours + " hours; expected 0 or more");
    }
    Map<String, String> settings = new LinkedHashMap<>();
    // no VACUUM START / VACUUM END commits: a nightly VACUUM must not move a table's version (activation tools read
    // gold/customer_segments' changes by version), and ops/run_metrics records the run
    settings.put(VACUUM_LOGGING, "false");
    if (hours < DELTA_MIN_RETENTION_HOURS) {
      settings.put(RETENTION_CHECK, "false");
    }
    // VACUUM lists and deletes in this many tasks (Spark's default 10,000: 30 s of task overhead per small table on
    // two cores); a few per core list a table of any size as fast
    settings.put(LISTING_PARALLELISM, Integer.toString(Math.max(8, 4 * spark.sparkContext().defaultParallelism())));
    return SessionConf.with(spark, settings, () -> {
      List<TableDef> vacuumed = new ArrayList<>();
      for (TableDef table : tables) {
        if (exists(spark, table)) {
          DeltaTable.forPath(spark, location(table).uri()).vacuum(hours);
          vacuumed.add(table);
        }
      }
      return vacuumed;
    });
  }

  /** The latest version of {@code table}, or -1 when it does not exist yet. */
  public long version(SparkSession spark, TableDef table) {
    if (!exists(spark, table)) {
      return -1;
    }
    return DeltaTable.forPath(spark, location(table).uri()).history(1).select("version").first().getLong(0);
  }

  /**
   * The rows the commits of {@code table} after {@code version} wrote, as the commits themselves recorded them
   * (a write's {@code numOutputRows} less the rows a replaceWhere copied from the files it rewrote; a MERGE's
   * inserted plus updated rows); 0 when there was none (a write of no rows may commit nothing).
   */
  public long rowsWrittenSince(SparkSession spark, TableDef table, long version) {
    long rows = 0;
    for (Row commit : DeltaTable.forPath(spark, location(table).uri()).history()
        .filter(org.apache.spark.sql.functions.col("version").gt(version)).select("operationMetrics")
        .collectAsList()) {
      if (commit.isNullAt(0)) {
        continue;
      }
      scala.collection.Map<String, String> metrics = commit.getMap(0);
      if (metrics.contains("numTargetRowsInserted")) {
        rows += Long.parseLong(metrics.apply("numTargetRowsInserted"))
            + Long.parseLong(metrics.getOrElse("numTargetRowsUpdated", () -> "0"));
      } else {
        // a replaceWhere rewrites the other rows of the files it touches: numOutputRows counts them as copied
        rows += Long.parseLong(metrics.getOrElse("numOutputRows", () -> "0"))
            - Long.parseLong(metrics.getOrElse("numCopiedRows", () -> "0"));
      }
    }
    return rows;
  }

  /**
   * A scratch folder of one run below the lakehouse ({@code _staging/<runId>}), for intermediate results that a
   * run writes once and reads several times; the run deletes it when it ends.
   */
  public Location staging(String runId) {
    return root.resolve("_staging").resolve(runId);
  }

  /** Whether {@code location} exists (a file or a folder, e.g. a saved model's folder). */
  public static boolean pathExists(SparkSession spark, Location location) {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(location.uri());
    try {
      return path.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(path);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot check " + location + ": " + e.getMessage(), e);
    }
  }

  /** Deletes {@code location} and everything below it, if it exists (a run's staging folder). */
  public static void delete(SparkSession spark, Location location) {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(location.uri());
    try {
      path.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(path, true);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot delete " + location + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return root.toString();
  }
}

package io.kindred.lake;

import io.delta.tables.DeltaTable;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One lakehouse root holding path-based Delta tables in layers ({@link Layer}). Jobs ask it for a table's
 * location and read and create tables through it, so that no job spells a path itself.
 */
public final class Lakehouse {

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
   * Creates {@code table} empty, with its schema and partitioning, if it does not exist yet; returns it.
   * Extra table properties (such as {@code delta.enableChangeDataFeed}) may be given as key, value pairs.
   */
  public DeltaTable createIfNotExists(SparkSession spark, TableDef table, String... properties) {
    if (properties.length % 2 != 0) {
      throw new IllegalArgumentException("Table properties come in key, value pairs; got " + properties.length
          + " strings");
    }
    var builder = DeltaTable.createIfNotExists(spark)
        .location(location(table).uri())
        .addColumns(table.schema())
        .comment(table.description());
    if (!table.partitionColumns().isEmpty()) {
      builder = builder.partitionedBy(table.partitionColumns().toArray(String[]::new));
    }
    for (int i = 0; i < properties.length; i += 2) {
      builder = builder.property(properties[i], properties[i + 1]);
    }
    // only at creation: a table created before keeps its statistics columns (a create with other properties than
    // the existing table's would fail)
    if (!table.statsColumns().isEmpty() && !exists(spark, table)) {
      builder = builder.property("delta.dataSkippingStatsColumns", String.join(",", table.statsColumns()));
    }
    return builder.execute();
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

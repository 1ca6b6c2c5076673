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
    return builder.execute();
  }

  @Override
  public String toString() {
    return root.toString();
  }
}

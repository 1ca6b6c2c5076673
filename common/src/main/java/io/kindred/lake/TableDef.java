package io.kindred.lake;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A Delta table of the lakehouse: where it lives, its schema, its partition columns. Every table has exactly one
 * definition, in {@link Tables}; jobs, tests and docs/tables.md all use it.
 *
 * @param layer the lakehouse layer
 * @param name the table's folder below the layer, e.g. {@code transactions}
 * @param schema the table's schema
 * @param partitionColumns the Delta partition columns, possibly none
 * @param description one line for docs/tables.md and logs
 * @param statsColumns the columns Delta keeps file statistics of (min, max, nulls) for data skipping, set as
 *     {@code delta.dataSkippingStatsColumns} when the table is created; empty: Delta's default (the first 32)
 *     for a table without personal data, none for a table with (see {@link Lakehouse#createIfNotExists})
 * @param idColumns the columns holding a person's id (a customer or user): a row is that person's when one of them
 *     holds it; {@code kindred forget} deletes such rows
 * @param personalColumns the other columns holding personal data (e-mail, phone, a raw input line): never among
 *     the statistics columns, so their values never enter the Delta log; a forgotten person's id, e-mail or phone
 *     found in one of them as a word marks the row as theirs too
 * @param idNameColumns columns whose value may be some person's id used as a name (a community named after a
 *     member): {@code kindred forget} renames such values instead of deleting the rows
 */
public record TableDef(Layer layer, String name, StructType schema, List<String> partitionColumns,
    String description, List<String> statsColumns, List<String> idColumns, List<String> personalColumns,
    List<String> idNameColumns) {

  public TableDef {
    Objects.requireNonNull(layer, "layer");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schema, "schema");
    partitionColumns = List.copyOf(partitionColumns);
    statsColumns = List.copyOf(statsColumns);
    idColumns = List.copyOf(idColumns);
    personalColumns = List.copyOf(personalColumns);
    idNameColumns = List.copyOf(idNameColumns);
    List<String> names = Arrays.asList(schema.fieldNames());
    java.util.List<String> personal = new java.util.ArrayList<>(idColumns);
    personal.addAll(personalColumns);
    personal.addAll(idNameColumns);
    for (String column : personal) {
      if (!names.contains(column)) {
        throw new IllegalArgumentException("Personal column '" + column + "' of table " + layer.folder() + "/"
            + name + " is not in its schema " + names);
      }
      if (statsColumns.contains(column) || partitionColumns.contains(column)) {
        throw new IllegalArgumentException("Personal column '" + column + "' of table " + layer.folder() + "/"
            + name + " is a " + (statsColumns.contains(column) ? "statistics" : "partition") + " column: its values "
            + "would enter the Delta log, which forget cannot erase");
      }
    }
    for (String column : partitionColumns) {
      if (!names.contains(column)) {
        throw new IllegalArgumentException("Partition column '" + column + "' of table " + layer.folder() + "/"
            + name + " is not in its schema " + names);
      }
    }
    for (String column : statsColumns) {
      if (!names.contains(column)) {
        throw new IllegalArgumentException("Statistics column '" + column + "' of table " + layer.folder() + "/"
            + name + " is not in its schema " + names);
      }
      org.apache.spark.sql.types.DataType type = schema.apply(column).dataType();
      if (type instanceof org.apache.spark.sql.types.BooleanType
          || type instanceof org.apache.spark.sql.types.BinaryType || type instanceof org.apache.spark.sql.types.MapType
          || type instanceof org.apache.spark.sql.types.ArrayType) {
        throw new IllegalArgumentException("Statistics column '" + column + "' of table " + layer.folder() + "/"
            + name + " is of type " + type.simpleString() + ": Delta keeps statistics of numbers, dates, times and "
            + "strings only");
      }
      if (partitionColumns.contains(column)) {
        throw new IllegalArgumentException("Statistics column '" + column + "' of table " + layer.folder() + "/"
            + name + " is a partition column: Delta prunes those by their values and keeps no statistics on them");
      }
    }
  }

  /** A table with Delta's default statistics columns and no personal data. */
  public TableDef(Layer layer, String name, StructType schema, List<String> partitionColumns, String description) {
    this(layer, name, schema, partitionColumns, description, List.of(), List.of(), List.of(), List.of());
  }

  /**
   * This table with file statistics kept only for {@code columns}: the ones readers filter on. Statistics of
   * every column cost the writer a comparison per value (most of a wide table's are never used to skip a file).
   */
  public TableDef withStatsColumns(String... columns) {
    return new TableDef(layer, name, schema, partitionColumns, description, List.of(columns), idColumns,
        personalColumns, idNameColumns);
  }

  /** This table with {@code columns} holding a person's id ({@link #idColumns}). */
  public TableDef withIdColumns(String... columns) {
    return new TableDef(layer, name, schema, partitionColumns, description, statsColumns, List.of(columns),
        personalColumns, idNameColumns);
  }

  /** This table with {@code columns} holding other personal data ({@link #personalColumns}). */
  public TableDef withPersonalColumns(String... columns) {
    return new TableDef(layer, name, schema, partitionColumns, description, statsColumns, idColumns,
        List.of(columns), idNameColumns);
  }

  /** This table with {@code columns} whose values may be a person's id used as a name ({@link #idNameColumns}). */
  public TableDef withIdNameColumns(String... columns) {
    return new TableDef(layer, name, schema, partitionColumns, description, statsColumns, idColumns,
        personalColumns, List.of(columns));
  }

  /** Whether rows of this table can belong to a person: it has id or personal columns. */
  public boolean holdsPersonalData() {
    return !idColumns.isEmpty() || !personalColumns.isEmpty();
  }

  /** The table's path relative to the lakehouse root, e.g. {@code silver/transactions}. */
  public String relativePath() {
    return layer.folder() + "/" + name;
  }

  /**
   * Checks that {@code data} has every column of this table with the same type, and nothing else.
   *
   * @throws IllegalArgumentException naming the missing, unexpected and mistyped columns, and the columns present
   */
  public void requireSchemaOf(Dataset<Row> data) {
    StructType actual = data.schema();
    List<String> missing = Arrays.stream(schema.fields())
        .filter(f -> !Arrays.asList(actual.fieldNames()).contains(f.name()))
        .map(StructField::name).toList();
    List<String> extra = Arrays.stream(actual.fields())
        .filter(f -> !Arrays.asList(schema.fieldNames()).contains(f.name()))
        .map(StructField::name).toList();
    List<String> mistyped = Arrays.stream(schema.fields())
        .filter(f -> Arrays.asList(actual.fieldNames()).contains(f.name()))
        .filter(f -> !actual.apply(f.name()).dataType().sameType(f.dataType()))
        .map(f -> f.name() + " is " + actual.apply(f.name()).dataType().simpleString() + ", expected "
            + f.dataType().simpleString())
        .toList();
    if (!missing.isEmpty() || !extra.isEmpty() || !mistyped.isEmpty()) {
      throw new IllegalArgumentException("Data for table " + relativePath() + " does not match its schema:"
          + (missing.isEmpty() ? "" : " missing columns " + missing + ";")
          + (extra.isEmpty() ? "" : " unexpected columns " + extra + ";")
          + (mistyped.isEmpty() ? "" : " " + String.join("; ", mistyped) + ";")
          + " columns present: " + Arrays.stream(actual.fieldNames()).collect(Collectors.joining(", ")));
    }
  }
}

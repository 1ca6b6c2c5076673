package io.kindred.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import io.delta.tables.DeltaTable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Writing Kindred's tables. {@link #conform} shapes rows to a table's schema and {@link #replace} replaces a part of
 * a table (a night, a range of days) in one commit. Writing only what changed: the rows of a group of a table (a
 * customer's history, a follow pair's edges) are recomputed elsewhere; {@link #changes} compares them with the rows
 * the table holds for the same groups and keeps only the differences, and {@link #mergeChanges} applies those in one
 * Delta MERGE commit.
 *
 * <p>A row is identified by a key (columns that are unique in the table); key parts are compared null-safely
 * ({@code <=>}), so a nullable key part matches a null.
 */
public final class DeltaWrites {

  /** Column of {@link #changes}: true for a row to delete (only its key columns are set). */
  public static final String DELETE = "_delete";
  /** Session setting whose value Delta records as the {@code userMetadata} of the next commits. */
  public static final String USER_METADATA_CONF = "spark.databricks.delta.commitInfo.userMetadata";

  private DeltaWrites() {
  }

  /**
   * The columns of {@code table}, in its order and types; a nullable column {@code data} lacks is null (the social
   * columns of gold/customer_features, which build-social-features fills in). A missing column that may not be null
   * fails, naming it.
   */
  public static Dataset<Row> conform(TableDef table, Dataset<Row> data) {
    List<String> present = java.util.Arrays.asList(data.columns());
    return data.select(java.util.Arrays.stream(table.schema().fields())
        .map(f -> (present.contains(f.name()) || !f.nullable() ? col(f.name()) : lit(null))
            .cast(f.dataType()).as(f.name()))
        .toArray(Column[]::new));
  }

  /**
   * Appends {@code rows} (values in the order of its schema) to {@code table} in one Delta commit; the table is
   * created first when missing.
   */
  public static void append(SparkSession spark, Lakehouse lake, TableDef table, List<Row> rows) {
    lake.createIfNotExists(spark, table);
    spark.createDataFrame(rows, table.schema()).write().format("delta").mode("append")
        .save(lake.location(table).uri());
  }

  /**
   * Replaces the rows matching {@code predicate} in {@code table} with {@code rows} (which must have its schema), in
   * one Delta commit; the table is created first when missing.
   *
   * @return the rows written, as the commit recorded them ({@link Lakehouse#rowsWrittenSince}): the count comes
   *     from the write itself, no read of the table afterwards
   */
  public static long replace(SparkSession spark, Lakehouse lake, TableDef table, Dataset<Row> rows,
      String predicate) {
    table.requireSchemaOf(rows);
    long before = lake.version(spark, table);
    lake.createIfNotExists(spark, table);
    rows.write().format("delta").mode("overwrite").option("replaceWhere", predicate)
        .save(lake.location(table).uri());
    return lake.rowsWrittenSince(spark, table, before);
  }

  /**
   * What turns {@code existing} into {@code recomputed}: each recomputed row that differs from the existing row
   * with its key (or has none), with {@code _delete} false, and the key of each existing row whose key is not
   * recomputed, with {@code _delete} true. Rows equal in every column are left out: the MERGE does not touch them.
   *
   * @param existing the table's current rows of the recomputed groups
   * @param recomputed the new rows of the same groups (same columns), unique by {@code key}
   * @param key the columns identifying a row
   * @return the columns of {@code recomputed} plus {@code _delete}
   */
  public static Dataset<Row> changes(Dataset<Row> existing, Dataset<Row> recomputed, List<String> key) {
    String[] columns = recomputed.columns();
    // the other side's columns renamed: both sides often read the same table, and a self-join would be ambiguous
    Dataset<Row> existingRenamed = renamed(existing, columns);
    Dataset<Row> changedOrNew = recomputed.join(existingRenamed, nullSafeEqual(List.of(columns)), "left_anti");
    Dataset<Row> gone = existing.join(renamed(recomputed.select(key.stream().map(functions::col)
        .toArray(Column[]::new)), key.toArray(String[]::new)), nullSafeEqual(key), "left_anti");
    Column[] deleted = new Column[columns.length];
    for (int i = 0; i < columns.length; i++) {
      deleted[i] = key.contains(columns[i]) ? col(columns[i])
          : lit(null).cast(recomputed.schema().apply(columns[i]).dataType()).as(columns[i]);
    }
    return changedOrNew.withColumn(DELETE, lit(false))
        .unionByName(gone.select(deleted).distinct().withColumn(DELETE, lit(true)));
  }

  /**
   * Applies {@link #changes} to {@code table} in one MERGE commit: matched by key and flagged, deleted; matched,
   * every column updated; not matched, inserted. Returns the commit's operation metrics
   * ({@code numTargetRowsInserted}, {@code numTargetRowsUpdated}, {@code numTargetRowsDeleted},
   * {@code numTargetFilesAdded}, {@code numTargetFilesRemoved}, {@code numTargetRowsCopied}, ...); none when
   * the MERGE committed nothing.
   *
   * @param userMetadata recorded as the commit's {@code userMetadata} (null for none)
   */
  public static Map<String, String> mergeChanges(SparkSession spark, DeltaTable table, Dataset<Row> changes,
      List<String> key, String userMetadata) {
    Map<String, String> set = new LinkedHashMap<>();
    for (String c : table.toDF().columns()) {
      set.put(c, "s.`" + c + "`");
    }
    Column on = null;
    for (String k : key) {
      Column eq = col("t.`" + k + "`").eqNullSafe(col("s.`" + k + "`"));
      on = on == null ? eq : on.and(eq);
    }
    long before = lastCommit(table).version();
    Column condition = on;
    SessionConf.with(spark, userMetadata == null ? Map.of() : Map.of(USER_METADATA_CONF, userMetadata), () -> {
      table.as("t").merge(changes.as("s"), condition)
          .whenMatched(col("s." + DELETE)).delete()
          .whenMatched().updateExpr(set)
          .whenNotMatched(not(col("s." + DELETE))).insertExpr(set)
          .execute();
      return null;
    });
    Commit commit = lastCommit(table);
    // a MERGE that changes nothing may commit nothing: the latest commit is then an earlier one's
    return commit.version() == before ? Map.of() : commit.operationMetrics();
  }

  /** The latest commit of {@code table}: version, operation, its parameters and metrics, user metadata. */
  public static Commit lastCommit(DeltaTable table) {
    Row r = table.history(1).select("version", "operation", "operationParameters", "operationMetrics",
        "userMetadata").first();
    Map<String, String> parameters = new LinkedHashMap<>();
    if (!r.isNullAt(2)) {
      parameters.putAll(r.<String, String>getJavaMap(2));
    }
    Map<String, String> metrics = new LinkedHashMap<>();
    if (!r.isNullAt(3)) {
      metrics.putAll(r.<String, String>getJavaMap(3));
    }
    return new Commit(r.getLong(0), r.getString(1), parameters, metrics, r.isNullAt(4) ? null : r.getString(4));
  }

  /** One Delta commit, from the table's history. */
  public record Commit(long version, String operation, Map<String, String> operationParameters,
      Map<String, String> operationMetrics, String userMetadata) {
  }

  private static final String OTHER = "_other_";

  private static Dataset<Row> renamed(Dataset<Row> data, String[] columns) {
    Column[] out = new Column[columns.length];
    for (int i = 0; i < columns.length; i++) {
      out[i] = col(columns[i]).as(OTHER + columns[i]);
    }
    return data.select(out);
  }

  private static Column nullSafeEqual(List<String> columns) {
    Column on = null;
    for (String c : columns) {
      Column eq = col(c).eqNullSafe(col(OTHER + c));
      on = on == null ? eq : on.and(eq);
    }
    return on;
  }
}

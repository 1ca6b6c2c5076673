package io.kindred.lake;

import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.types.DataTypes.createMapType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import java.util.List;

/**
 * Every Delta table of the lakehouse, defined once: its layer, folder, schema and partitioning. Column names are
 * the constants of the nested {@code *Columns} classes.
 */
public final class Tables {

  private Tables() {
  }

  /** Columns of {@link #RUN_METRICS}. */
  public static final class RunMetricsColumns {
    public static final String JOB = "job";
    public static final String RUN_ID = "run_id";
    public static final String RUN_DATE = "run_date";
    public static final String STARTED_AT = "started_at";
    public static final String FINISHED_AT = "finished_at";
    public static final String DURATION_MS = "duration_ms";
    public static final String STATUS = "status";
    public static final String ROWS_IN = "rows_in";
    public static final String ROWS_WRITTEN = "rows_written";
    public static final String ROWS_QUARANTINED = "rows_quarantined";
    public static final String QUARANTINED_BY_REASON = "quarantined_by_reason";
    public static final String DUPLICATES_DROPPED = "duplicates_dropped";
    public static final String STEP_DURATIONS_MS = "step_durations_ms";
    public static final String DETAILS = "details";
    public static final String MESSAGE = "message";

    private RunMetricsColumns() {
    }
  }

  /** {@code ops/run_metrics}: one row per job run, successful or not. */
  public static final TableDef RUN_METRICS = new TableDef(Layer.OPS, "run_metrics",
      createStructType(new org.apache.spark.sql.types.StructField[] {
          createStructField(RunMetricsColumns.JOB, StringType, false),
          createStructField(RunMetricsColumns.RUN_ID, StringType, false),
          createStructField(RunMetricsColumns.RUN_DATE, DateType, true),
          createStructField(RunMetricsColumns.STARTED_AT, TimestampType, false),
          createStructField(RunMetricsColumns.FINISHED_AT, TimestampType, false),
          createStructField(RunMetricsColumns.DURATION_MS, LongType, false),
          createStructField(RunMetricsColumns.STATUS, StringType, false),
          createStructField(RunMetricsColumns.ROWS_IN, LongType, false),
          createStructField(RunMetricsColumns.ROWS_WRITTEN, LongType, false),
          createStructField(RunMetricsColumns.ROWS_QUARANTINED, LongType, false),
          createStructField(RunMetricsColumns.QUARANTINED_BY_REASON, createMapType(StringType, LongType, false),
              false),
          createStructField(RunMetricsColumns.DUPLICATES_DROPPED, LongType, false),
          createStructField(RunMetricsColumns.STEP_DURATIONS_MS, createMapType(StringType, LongType, false),
              false),
          createStructField(RunMetricsColumns.DETAILS, createMapType(StringType, StringType, true), false),
          createStructField(RunMetricsColumns.MESSAGE, StringType, true),
      }),
      List.of(),
      "One row per job run: rows in, written, quarantined by reason, duplicates dropped, step durations.");

  /** Every table, in nightly order; the README's schema section is generated from this list. */
  public static List<TableDef> all() {
    return List.of(RUN_METRICS);
  }
}

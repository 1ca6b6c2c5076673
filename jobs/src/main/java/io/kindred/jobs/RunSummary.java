package io.kindred.jobs;

import static org.apache.spark.sql.functions.col;

import io.kindred.lake.Lakehouse;
import io.kindred.lake.TableDef;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.RunMetricsColumns;
import io.kindred.ops.Steps;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What a series of runs wrote, as a plain-text table for a person: one line per job run from
 * {@code ops/run_metrics}, then the row count of every table that exists.
 */
public final class RunSummary {

  private RunSummary() {
  }

  /** The runs that started at or after {@code since}, in order, and the lakehouse's tables. */
  public static String render(SparkSession spark, Lakehouse lake, Instant since) {
    StringBuilder out = new StringBuilder();
    List<String[]> runs = new ArrayList<>();
    runs.add(new String[] {"job", "run date", "status", "rows in", "written", "quarantined", "duplicates",
        "duration"});
    if (lake.exists(spark, Tables.RUN_METRICS)) {
      List<Row> rows = lake.read(spark, Tables.RUN_METRICS)
          .where(col(RunMetricsColumns.STARTED_AT).geq(Timestamp.from(since)))
          .orderBy(RunMetricsColumns.STARTED_AT).collectAsList();
      for (Row row : rows) {
        runs.add(new String[] {row.getAs(RunMetricsColumns.JOB),
            String.valueOf((Object) row.getAs(RunMetricsColumns.RUN_DATE)),
            row.getAs(RunMetricsColumns.STATUS),
            count(row.getAs(RunMetricsColumns.ROWS_IN)),
            count(row.getAs(RunMetricsColumns.ROWS_WRITTEN)),
            count(row.getAs(RunMetricsColumns.ROWS_QUARANTINED)) + reasons(row),
            count(row.getAs(RunMetricsColumns.DUPLICATES_DROPPED)),
            Steps.formatMillis(row.<Long>getAs(RunMetricsColumns.DURATION_MS))});
      }
    }
    out.append("Runs\n").append(table(runs)).append('\n');
    List<String[]> tables = new ArrayList<>();
    tables.add(new String[] {"table", "rows"});
    for (TableDef table : Tables.all()) {
      if (lake.exists(spark, table)) {
        tables.add(new String[] {table.relativePath(), count(lake.read(spark, table).count())});
      }
    }
    out.append("Tables in ").append(lake).append('\n').append(table(tables));
    return out.toString();
  }

  private static String reasons(Row row) {
    Map<String, Long> byReason = row.getJavaMap(row.fieldIndex(RunMetricsColumns.QUARANTINED_BY_REASON));
    if (byReason.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder(" (");
    byReason.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(3)
        .forEach(e -> out.append(out.length() > 2 ? ", " : "").append(e.getKey()).append(' ')
            .append(count(e.getValue())));
    if (byReason.size() > 3) {
      out.append(", ...");
    }
    return out.append(')').toString();
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** Left-aligned text columns, numbers right-aligned. */
  static String table(List<String[]> rows) {
    int columns = rows.get(0).length;
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      out.append("  ");
      for (int i = 0; i < columns; i++) {
        boolean numeric = row != rows.get(0) && row[i].matches("-?[0-9,]+(\\.[0-9]+)?( .*)?");
        String cell = numeric ? " ".repeat(Math.max(0, widths[i] - row[i].length())) + row[i]
            : row[i] + " ".repeat(widths[i] - row[i].length());
        out.append(cell).append(i + 1 < columns ? "  " : "");
      }
      out.append('\n');
    }
    return out.toString().replaceAll(" +\n", "\n");
  }
}

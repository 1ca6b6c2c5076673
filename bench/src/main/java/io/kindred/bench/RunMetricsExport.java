package io.kindred.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.RunMetricsColumns;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@code bench run-metrics}: writes the {@code ops/run_metrics} rows started at or after an instant as a JSON list
 * (every column; maps as objects, timestamps as ISO instants), oldest first: how bench/run gets each stage's rows in
 * and step durations from the lakehouse, as every job records them.
 *
 * <p>Reads only. Example: {@code bench run-metrics --lakehouse /tmp/bench/lake --since 2026-11-23T10:00:00Z --out
 * night1-metrics.json}
 */
@Parameters(commandNames = "run-metrics", commandDescription = "Write ops/run_metrics rows since an instant as "
    + "JSON.")
final class RunMetricsExport implements Bench.Command {

  @ParametersDelegate
  private final LakeOptions lakeOptions = new LakeOptions();

  @Parameter(names = "--since", required = true, description = "ISO instant: rows started at or after it.")
  private String since;

  @Parameter(names = "--out", required = true, description = "JSON file to write.")
  private String out;



  @Override
  public void run() throws Exception {
    Instant from = Instant.parse(since);
    SparkSession spark = lakeOptions.session("kindred bench run-metrics");
    try {
      Lakehouse lake = lakeOptions.lake();
      if (!lake.exists(spark, Tables.RUN_METRICS)) {
        throw new IllegalStateException("No " + Tables.RUN_METRICS.relativePath() + " table below "
            + lakeOptions.lakehouse);
      }
      List<Row> rows = lake.read(spark, Tables.RUN_METRICS)
          .filter(col(RunMetricsColumns.STARTED_AT).geq(lit(Timestamp.from(from))))
          .orderBy(RunMetricsColumns.STARTED_AT).collectAsList();
      List<Map<String, Object>> json = new ArrayList<>();
      for (Row r : rows) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String field : r.schema().fieldNames()) {
          m.put(field, value(r.get(r.fieldIndex(field))));
        }
        json.add(m);
      }
      Json.write(Path.of(out), json);
      System.out.println("bench run-metrics: " + json.size() + " rows since " + from + " to " + out);
    } finally {
      spark.stop();
    }
  }

  private static Object value(Object v) {
    if (v instanceof Timestamp t) {
      return t.toInstant().toString();
    }
    if (v instanceof java.sql.Date d) {
      return d.toLocalDate().toString();
    }
    if (v instanceof java.time.LocalDate || v instanceof Instant) {
      return v.toString();
    }
    if (v instanceof scala.collection.Map<?, ?> map) {
      Map<String, Object> m = new LinkedHashMap<>();
      CollectionConverters.asJava(map).forEach((k, x) -> m.put(String.valueOf(k), value(x)));
      return m;
    }
    return v;
  }
}

package io.kindred.jobs.clean;

import io.kindred.clean.Feed;
import io.kindred.config.KindredConfig;
import io.kindred.jobs.cli.JobContext;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.Location;
import io.kindred.lake.TableDef;
import io.kindred.lake.Tables.RunMetricsColumns;
import io.kindred.ops.RunMetrics;
import io.kindred.testing.SharedSpark;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/** Runs cleaning jobs the way production does (same {@link CleanJob#run}) on a lakehouse below a temp folder. */
final class CleanHarness {

  final Path root;
  final Lakehouse lake;
  final SparkSession spark = SharedSpark.session();
  double maxRate = 1.0;
  /** Extra configuration keys (full paths) for the jobs' contexts. */
  final Map<String, String> settings = new java.util.HashMap<>();

  CleanHarness(Path root) {
    this.root = root;
    this.lake = new Lakehouse(Location.of(root.resolve("lake")));
  }

  /** Writes a raw file below {@code root/raw} with LF line ends (each line followed by \n). */
  Path write(String relative, String... lines) throws IOException {
    Path file = root.resolve("raw").resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, lines.length == 0 ? "" : String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return file;
  }

  Path raw(String feed) {
    return root.resolve("raw").resolve(feed);
  }

  JobContext context(String job, LocalDate runDate) {
    Map<String, String> all = new java.util.HashMap<>(settings);
    all.put("kindred.lakehouse", root.resolve("lake").toString());
    all.put("kindred.quarantine.max-rate", Double.toString(maxRate));
    KindredConfig config = KindredConfig.load(null, all);
    return new JobContext(spark, config, lake, runDate, job);
  }

  RunMetrics clean(Feed feed, String source, Path input, LocalDate from, LocalDate to) throws Exception {
    CleanOptions options = new CleanOptions().withInput(input.toString()).withSource(source).withFromDate(from);
    return CleanJob.run(context("clean-" + feed.code(), to), feed, options);
  }

  Dataset<Row> table(TableDef table) {
    return lake.read(spark, table);
  }

  /** The rows of {@code data}'s {@code columns}, each as values joined by '|', sorted. */
  static List<String> rows(Dataset<Row> data, String... columns) {
    List<String> out = new ArrayList<>();
    for (Row r : data.select(Arrays.stream(columns).map(functions::col).toArray(org.apache.spark.sql.Column[]::new))
        .collectAsList()) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < r.size(); i++) {
        if (i > 0) {
          b.append('|');
        }
        Object v = r.get(i);
        b.append(v instanceof Timestamp t ? t.toInstant().toString()
            : v instanceof BigDecimal d ? d.toPlainString() : String.valueOf(v));
      }
      out.add(b.toString());
    }
    out.sort(null);
    return out;
  }

  /** Every column but the run id, for comparing tables across runs. */
  static String[] allBut(TableDef table, String... excluded) {
    return Arrays.stream(table.schema().fieldNames()).filter(n -> !Arrays.asList(excluded).contains(n))
        .toArray(String[]::new);
  }

  /** The metrics rows of {@code job}, oldest first. */
  List<Row> metrics(String job) {
    return lake.read(spark, io.kindred.lake.Tables.RUN_METRICS)
        .filter(functions.col(RunMetricsColumns.JOB).equalTo(job))
        .orderBy(RunMetricsColumns.STARTED_AT).collectAsList();
  }
}

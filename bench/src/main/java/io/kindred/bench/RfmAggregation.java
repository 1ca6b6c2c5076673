package io.kindred.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import io.kindred.config.KindredConfig;
import io.kindred.features.CustomerState;
import io.kindred.features.RfmFeatures;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.CustomerFeatureColumns;
import io.kindred.lake.Tables.LineageColumns;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bench rfm}: times Kindred's per-customer RFM aggregation over {@code silver/transactions} as of a date and
 * writes its recency, frequency and monetary per customer to Parquet, for the DuckDB side to check equal.
 *
 * <p>Two methods, each Kindred's own code in {@code common}: {@code first-night} is what {@code build-features}
 * runs on a first night ({@link CustomerState#fold} of every delivery into an empty state, then
 * {@link CustomerState#aggregates}; the job also writes the state to Delta, which is left out here), and
 * {@code full} is {@code --full-recompute} ({@link RfmFeatures#customerAggregates} of
 * {@link RfmFeatures#customerDays}). A timed run reads the Delta table, aggregates and writes
 * {@code customer_id, recency_days, frequency, monetary} to {@code <out>/kindred-rfm-<method>/} (Parquet); the
 * session's start is not in it. Also writes the table's active Parquet files ({@code silver-transactions-files.txt},
 * the files DuckDB reads) and its row count, and {@code kindred-rfm.json} with the times.
 *
 * <p>Reads only; a re-run overwrites its outputs. Example: {@code bench rfm --lakehouse /tmp/bench/lake --as-of
 * 2026-11-22 --out /tmp/bench/rfm}
 */
@Parameters(commandNames = "rfm", commandDescription = "Time Kindred's RFM aggregation over silver/transactions; "
    + "write its values for the DuckDB comparison.")
final class RfmAggregation implements Bench.Command {

  /** The columns the comparison checks, in the output's order. */
  static final String FREQUENCY = "frequency";

  @ParametersDelegate
  private final LakeOptions lakeOptions = new LakeOptions();

  @Parameter(names = "--as-of", required = true, description = "As-of date (yyyy-MM-dd), as build-features --as-of.")
  private String asOf;

  @Parameter(names = "--out", required = true, description = "Output folder (created; outputs overwritten).")
  private String out;



  @Parameter(names = "--methods", description = "Comma-separated: first-night (build-features' first night), full "
      + "(--full-recompute).")
  private String methods = "first-night,full";

  @Parameter(names = "--repeat", description = "Timed runs per method (the first one has a cold JIT).")
  private int repeat = 2;

  @Override
  public void run() throws Exception {
    LocalDate date = LocalDate.parse(asOf);
    if (repeat < 1) {
      throw new IllegalArgumentException("--repeat must be at least 1, got " + repeat);
    }
    List<String> chosen = Arrays.stream(methods.split(",")).map(String::trim).toList();
    for (String m : chosen) {
      if (!m.equals("first-night") && !m.equals("full")) {
        throw new IllegalArgumentException("--methods names '" + m + "'; expected first-night or full");
      }
    }
    Path outDir = Path.of(out).toAbsolutePath();
    Files.createDirectories(outDir);
    KindredConfig conf = lakeOptions.kindredConfig();
    long sessionStart = System.nanoTime();
    SparkSession spark = BenchSpark.session("kindred bench rfm", lakeOptions.master, conf);
    try {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("as_of", date.toString());
      result.put("spark_master", spark.sparkContext().master());
      result.put("session_start_ms", Json.millisSince(sessionStart));
      result.put("jvm_uptime_at_session_ms", ManagementFactory.getRuntimeMXBean().getUptime());
      Lakehouse lake = lakeOptions.lake();
      if (!lake.exists(spark, Tables.SILVER_TRANSACTIONS)) {
        throw new IllegalStateException("No " + Tables.SILVER_TRANSACTIONS.relativePath() + " table below "
            + lakeOptions.lakehouse + ": run clean-transactions first");
      }
      Dataset<Row> silver = lake.read(spark, Tables.SILVER_TRANSACTIONS);
      List<String> files = new ArrayList<>();
      for (String uri : silver.inputFiles()) {
        files.add(localPath(uri));
      }
      files.sort(null);
      Path fileList = outDir.resolve("silver-transactions-files.txt");
      Files.write(fileList, files, StandardCharsets.UTF_8);
      result.put("silver_files", files.size());
      result.put("silver_files_list", fileList.toString());
      // every row of the active files; the DuckDB side checks its own count of the same files against it (a row
      // hidden by a deletion vector would make them differ)
      result.put("silver_rows", silver.count());

      Map<String, Object> byMethod = new LinkedHashMap<>();
      for (String method : chosen) {
        Path output = outDir.resolve("kindred-rfm-" + method);
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int i = 0; i < repeat; i++) {
          long cpu = Json.processCpuMillis();
          long start = System.nanoTime();
          rfm(aggregates(spark, lake, date, method))
              .write().mode("overwrite").parquet(output.toString());
          Map<String, Object> run = new LinkedHashMap<>();
          run.put("wall_ms", Json.millisSince(start));
          run.put("cpu_ms", Json.processCpuMillis() - cpu);
          runs.add(run);
          System.out.println("bench rfm: " + method + " run " + (i + 1) + ": " + run);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runs", runs);
        m.put("customers", spark.read().parquet(output.toString()).count());
        m.put("output", output.toString());
        byMethod.put(method, m);
      }
      result.put("methods", byMethod);
      Json.write(outDir.resolve("kindred-rfm.json"), result);
    } finally {
      spark.stop();
    }
  }

  /** A local file's path for a {@code file:} URI (what DuckDB reads); any other URI unchanged. */
  static String localPath(String uri) {
    URI u = URI.create(uri);
    if (u.getScheme() == null) {
      return uri;
    }
    return "file".equals(u.getScheme()) ? Path.of(u).toString() : uri;
  }

  /** The per-customer aggregates of {@code method}, Kindred's own transformations. */
  static Dataset<Row> aggregates(SparkSession spark, Lakehouse lake, LocalDate asOf, String method) {
    Dataset<Row> silver = lake.read(spark, Tables.SILVER_TRANSACTIONS);
    if (method.equals("full")) {
      return RfmFeatures.customerAggregates(RfmFeatures.customerDays(RfmFeatures.transactionsAsOf(silver, asOf,
          false)), asOf);
    }
    // build-features' first night: no state yet, so every row delivered by the as-of date is folded into nothing
    Dataset<Row> deliveries = silver.filter(col(LineageColumns.INGEST_DAY).leq(lit(Date.valueOf(asOf))));
    Dataset<Row> noState = spark.createDataFrame(List.of(), Tables.GOLD_CUSTOMER_STATE.schema());
    return CustomerState.aggregates(CustomerState.fold(noState, deliveries, asOf), asOf);
  }

  /** The compared columns: customer id, recency (days), frequency (purchase days), monetary (net, USD). */
  static Dataset<Row> rfm(Dataset<Row> aggregates) {
    return aggregates.select(col(CustomerFeatureColumns.CUSTOMER_ID), col(CustomerFeatureColumns.RECENCY_DAYS),
        col(CustomerFeatureColumns.PURCHASE_DAYS).as(FREQUENCY), col(CustomerFeatureColumns.MONETARY));
  }
}

package io.kindred.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.CustomerFeatureColumns;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Iterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bench clv-summaries}: writes the CLV models' per-customer summary of one night of
 * {@code gold/customer_features} ({@code clv_x, clv_t_x, clv_t, clv_mbar}, in the night's unit, weeks by default)
 * as CSV {@code customer_id,x,t_x,T,mbar}, sorted by customer id, numbers written so that they read back exactly.
 * This is the input {@code build-features} fitted that night; the Python side samples it for the fit comparison.
 *
 * <p>Reads only. Example: {@code bench clv-summaries --lakehouse /tmp/bench/lake --as-of 2026-11-22 --out
 * /tmp/bench/clv/summaries.csv}
 */
@Parameters(commandNames = "clv-summaries", commandDescription = "Write a night's (x, t_x, T, mbar) per customer "
    + "from gold/customer_features as CSV.")
final class ClvSummaries implements Bench.Command {

  /** The CSV header, read by {@link ClvFitTiming} and by bench/side_by_side.py. */
  static final String HEADER = "customer_id,x,t_x,T,mbar";

  @ParametersDelegate
  private final LakeOptions lakeOptions = new LakeOptions();

  @Parameter(names = "--as-of", required = true, description = "The night (as_of of gold/customer_features).")
  private String asOf;

  @Parameter(names = "--out", required = true, description = "CSV file to write (replaced).")
  private String out;



  @Override
  public void run() throws Exception {
    LocalDate date = LocalDate.parse(asOf);
    SparkSession spark = lakeOptions.session("kindred bench clv-summaries");
    try {
      Lakehouse lake = lakeOptions.lake();
      Dataset<Row> night = lake.read(spark, Tables.GOLD_CUSTOMER_FEATURES)
          .filter(col(CustomerFeatureColumns.AS_OF).equalTo(lit(Date.valueOf(date))))
          .select(col(CustomerFeatureColumns.CUSTOMER_ID), col(CustomerFeatureColumns.CLV_X),
              col(CustomerFeatureColumns.CLV_T_X), col(CustomerFeatureColumns.CLV_T),
              col(CustomerFeatureColumns.CLV_MBAR))
          .orderBy(CustomerFeatureColumns.CUSTOMER_ID);
      Path file = Path.of(out).toAbsolutePath();
      Files.createDirectories(file.getParent());
      long rows = 0;
      try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        w.write(HEADER);
        w.newLine();
        for (Iterator<Row> it = night.toLocalIterator(); it.hasNext(); rows++) {
          Row r = it.next();
          // Double.toString gives the shortest text that reads back as the same double
          w.write(r.getString(0) + "," + r.getInt(1) + "," + r.getDouble(2) + "," + r.getDouble(3) + ","
              + r.getDouble(4));
          w.newLine();
        }
      }
      if (rows == 0) {
        throw new IllegalStateException("gold/customer_features has no row as of " + date + " below "
            + lakeOptions.lakehouse + ": run build-features --as-of " + date + " first");
      }
      System.out.println("bench clv-summaries: " + rows + " customers as of " + date + " to " + file);
    } finally {
      spark.stop();
    }
  }
}

package io.kindred.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import io.kindred.jobs.cli.CommonOptions;
import io.kindred.jobs.cli.JobContext;
import io.kindred.jobs.cli.KindredCommand;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.Location;
import io.kindred.lake.SingleFile;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.AudienceColumns;
import io.kindred.ops.RunMetrics;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * {@code kindred export-audience}: one audience of a run date as a single file an ad platform or e-mail tool can
 * upload.
 *
 * <p>Reads the {@code as_of = D} rows of {@code gold/audiences}, the treatment group only unless
 * {@code --include-control}. Writes one file at {@code --out} (any Hadoop
 * location): CSV with a header, or Parquet, with the columns {@code customer_id, email_sha256, phone_sha256}
 * (hashes as lower-case hex; empty in CSV when the customer has none), sorted by customer id; one row of
 * {@code ops/exports} naming the file (the files to recall when a customer is forgotten); and one row of
 * {@code ops/run_metrics} (rows in = the audience's rows = rows written). An unknown audience fails naming the
 * audiences published for that date; an existing file is replaced only with {@code --overwrite}.
 *
 * <p>A re-run with {@code --overwrite} is safe: the same rows give the same file.
 *
 * <p>Example: {@code ./kindred export-audience --run-date 2026-03-04 --audience "champions at risk of churn"
 * --format csv --out /tmp/champions-at-risk.csv}
 */
@Parameters(commandNames = "export-audience", commandDescription = "Write one audience of gold/audiences for a run "
    + "date to a CSV or Parquet file for upload (hashed identifiers).")
public final class ExportAudienceCommand implements KindredCommand {

  /** File formats. */
  public enum Format {
    CSV, PARQUET;

    String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The file's columns, in order. */
  public static final List<String> COLUMNS = List.of(AudienceColumns.CUSTOMER_ID, AudienceColumns.EMAIL_SHA256,
      AudienceColumns.PHONE_SHA256);

  @ParametersDelegate
  private final CommonOptions common = new CommonOptions();

  @Parameter(names = "--audience", required = true, description = "The audience's name, e.g. \"segment: High "
      + "value, active\", \"rfm: champions\" or a configured filter audience.")
  private String audience;

  @Parameter(names = "--format", description = "csv (with a header) or parquet.")
  private String format = "csv";

  @Parameter(names = "--out", required = true, description = "The file to write (a local path or a URI).")
  private String out;

  @Parameter(names = "--overwrite", description = "Replace the file when it exists.")
  private boolean overwrite;

  @Parameter(names = "--include-control", description = "Also write the audience's control group (for a tool that "
      + "keeps its own holdout); by default only the treatment group is written.")
  private boolean includeControl;

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public List<String> upstream() {
    return List.of("publish-audiences");
  }

  public ExportAudienceCommand audience(String value) {
    this.audience = value;
    return this;
  }

  public ExportAudienceCommand format(Format value) {
    this.format = value.code();
    return this;
  }

  public ExportAudienceCommand out(String value) {
    this.out = value;
    return this;
  }

  public ExportAudienceCommand overwrite(boolean value) {
    this.overwrite = value;
    return this;
  }

  public ExportAudienceCommand includeControl(boolean value) {
    this.includeControl = value;
    return this;
  }

  private Format parsedFormat() {
    return Arrays.stream(Format.values()).filter(f -> f.code().equals(format)).findFirst()
        .orElseThrow(() -> new ParameterException("--format is '" + format + "'; expected csv or parquet"));
  }

  @Override
  public void validate() {
    parsedFormat();
    Location.parse(out);
  }

  @Override
  public void run(JobContext context) throws Exception {
    export(context);
  }

  /** Runs the job; returns its metrics. */
  public RunMetrics export(JobContext context) throws Exception {
    SparkSession spark = context.spark();
    Lakehouse lake = context.lake();
    LocalDate date = context.runDate();
    Format fileFormat = parsedFormat();
    Location target = Location.parse(out);
    return context.accounted(m -> {
      m.detail("audience", audience).detail("format", fileFormat.code()).detail("out", target);
      Dataset<Row> published = lake.read(spark, Tables.GOLD_AUDIENCES)
          .filter(col(AudienceColumns.AS_OF).equalTo(lit(Date.valueOf(date))));
      List<String> known = context.steps().run("list audiences", () -> published.select(AudienceColumns.AUDIENCE)
          .distinct().orderBy(AudienceColumns.AUDIENCE).as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
      if (known.isEmpty()) {
        throw new IllegalStateException(Tables.GOLD_AUDIENCES.relativePath() + " has no audiences for " + date
            + "; run kindred publish-audiences --run-date " + date + " first");
      }
      if (!known.contains(audience)) {
        throw new IllegalArgumentException("Unknown audience \"" + audience + "\" for " + date + "; known audiences: "
            + String.join(", ", known.stream().map(a -> "\"" + a + "\"").toList()));
      }
      Dataset<Row> members = published.filter(col(AudienceColumns.AUDIENCE).equalTo(lit(audience)));
      if (!includeControl) {
        // rows published before control groups have none: all treatment
        members = members.filter(col(AudienceColumns.AUDIENCE_GROUP).isNull()
            .or(col(AudienceColumns.AUDIENCE_GROUP).notEqual(AudienceColumns.CONTROL)));
      }
      m.detail("include_control", includeControl);
      Dataset<Row> rows = members
          .select(COLUMNS.stream().map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new))
          .orderBy(AudienceColumns.CUSTOMER_ID);
      long n = context.steps().run("count audience", rows::count);
      m.addRowsIn(n);
      context.steps().run("write " + target, () -> SingleFile.write(spark, rows, fileFormat.code(), target, overwrite,
          context.runId()));
      context.log().info("audience \"{}\" of {}: {} customers written to {} ({})", audience, date, n, target,
          fileFormat.code());
      m.addRowsWritten(n);
      context.steps().run("record in " + Tables.EXPORTS.relativePath(), () -> {
        lake.createIfNotExists(spark, Tables.EXPORTS);
        spark.createDataFrame(List.of(RowFactory.create(Timestamp.from(Instant.now()), context.runId(),
                Date.valueOf(date), audience, fileFormat.code(), target.uri(), n)), Tables.EXPORTS.schema())
            .write().format("delta").mode("append").save(lake.location(Tables.EXPORTS).uri());
      });
    });
  }
}

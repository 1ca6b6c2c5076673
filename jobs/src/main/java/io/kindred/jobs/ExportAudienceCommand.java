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
import java.io.PrintStream;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

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
 * <p>{@code --list} prints the audiences published for the run date instead (type, customers in treatment and in
 * control), writing nothing.
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

  private PrintStream stdout = new PrintStream(System.out, true, java.nio.charset.StandardCharsets.UTF_8);

  @Parameter(names = "--audience", description = "The audience's name, e.g. \"segment: High value, active\", "
      + "\"rfm: champions\" or a configured filter audience (--list shows them).")
  private String audience;

  @Parameter(names = "--list", description = "List the audiences published for the run date, with their customers "
      + "in treatment and control, instead of writing a file.")
  private boolean list;

  @Parameter(names = "--format", description = "csv (with a header) or parquet.")
  private String format = "csv";

  @Parameter(names = "--out", description = "The file to write (a local path or a URI).")
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

  /** Sets --list. */
  public ExportAudienceCommand list(boolean value) {
    this.list = value;
    return this;
  }

  /** Where --list prints (standard output by default). */
  public ExportAudienceCommand printTo(PrintStream value) {
    this.stdout = value;
    return this;
  }

  @Override
  public void validate() {
    if (list) {
      if (audience != null || out != null) {
        throw new ParameterException("--list prints the audiences of the run date; leave out --audience and --out");
      }
      return;
    }
    if (audience == null || out == null) {
      throw new ParameterException("export-audience needs --audience and --out (--list shows the audiences of a "
          + "night)");
    }
    parsedFormat();
    Location.parse(out);
  }

  @Override
  public void run(JobContext context) throws Exception {
    if (list) {
      listAudiences(context);
    } else {
      export(context);
    }
  }

  /**
   * Prints the audiences published for the run date, one line each: type, customers, of them in treatment and in
   * control. Read-only: writes no file and no run record.
   */
  public void listAudiences(JobContext context) {
    LocalDate date = context.runDate();
    List<Row> audiences = context.steps().run("list audiences", () -> context.lake().readOrEmpty(context.spark(),
            Tables.GOLD_AUDIENCES).filter(col(AudienceColumns.AS_OF).equalTo(lit(Date.valueOf(date))))
        .groupBy(AudienceColumns.AUDIENCE, AudienceColumns.AUDIENCE_TYPE)
        .agg(functions.count(lit(1)), functions.count(functions.when(col(AudienceColumns.AUDIENCE_GROUP)
            .equalTo(AudienceColumns.CONTROL), lit(1))))
        .orderBy(AudienceColumns.AUDIENCE).collectAsList());
    if (audiences.isEmpty()) {
      stdout.println("No audiences published for " + date + " in " + context.lake() + " (kindred publish-audiences "
          + "--run-date " + date + " publishes them)");
      return;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"audience", "type", "customers", "treatment", "control"});
    for (Row r : audiences) {
      long all = r.getLong(2);
      long control = r.getLong(3);
      rows.add(new String[] {r.getString(0), r.getString(1), count(all), count(all - control), count(control)});
    }
    stdout.println("Audiences of " + date + " (export-audience writes the treatment group)");
    stdout.print(RunSummary.table(rows));
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
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

package io.kindred.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import io.kindred.jobs.cli.CommonOptions;
import io.kindred.jobs.cli.JobContext;
import io.kindred.jobs.cli.KindredCommand;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.Location;
import io.kindred.lake.SingleFile;
import io.kindred.lake.TableDef;
import io.kindred.lake.Tables;
import io.kindred.report.ReportPage;
import io.kindred.report.ReportSections;
import io.kindred.report.Section;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code kindred report}: the night's segments, RFM grid, movement, lifetime value, churn, social features and data
 * quality as one self-contained HTML file (charts as inline SVG) that a marketing team opens in any browser.
 *
 * <p>Reads the gold tables as of {@code --run-date D} (and the runs on record); writes one file at {@code --out},
 * all at once (a reader never sees half a report). Fails, writing nothing, when the night has no customer features.
 *
 * <p>Example: {@code ./kindred report --run-date 2026-03-04 --out report.html}
 */
@Parameters(commandNames = "report", commandDescription = "Write the night's report for marketers: one HTML file "
    + "with charts of segments, RFM, movement, lifetime value, churn, social features and data quality.")
public final class ReportCommand implements KindredCommand {

  /** The RFM segment whose newcomers the report lists. */
  static final String AT_RISK = "at risk";

  @ParametersDelegate
  private final CommonOptions common = new CommonOptions();

  @Parameter(names = "--out", required = true, description = "The HTML file to write (a local path or a URI).")
  private String out;

  @Parameter(names = "--overwrite", description = "Replace the file when it exists.")
  private boolean overwrite;

  @Override
  public CommonOptions common() {
    return common;
  }

  public ReportCommand out(String value) {
    this.out = value;
    return this;
  }

  public ReportCommand overwrite(boolean value) {
    this.overwrite = value;
    return this;
  }

  @Override
  public void validate() {
    Location.parse(out);
  }

  @Override
  public void run(JobContext context) {
    report(context);
  }

  /** The report's sections by id, in its order. */
  static final List<String> SECTIONS = List.of("segments", "rfm", "movement", "clv", "churn", "social", "lift",
      "quality");

  /** Writes the report; returns its sections. */
  public List<Section> report(JobContext context) {
    SparkSession spark = context.spark();
    Lakehouse lake = context.lake();
    LocalDate day = context.runDate();
    Location target = Location.parse(out);
    List<Section> sections = sections(context, SECTIONS);
    String html = ReportPage.render("Kindred: customers on " + day, "The night of " + day + ", from " + lake
        + ". Amounts in " + ReportSections.CURRENCY + ".", sections);
    context.steps().run("write " + target, () -> SingleFile.writeText(spark, html, target, overwrite,
        context.runId()));
    context.log().info("report of {} written to {}: {} sections, {} charts, {} KB", day, target, sections.size(),
        html.split("<svg ", -1).length - 1, html.length() / 1024);
    return sections;
  }

  /**
   * The report's sections {@code ids} (of {@link #SECTIONS}) of the night {@code context.runDate()}, in the report's
   * order.
   *
   * @throws IllegalArgumentException naming an unknown section id
   * @throws IllegalStateException when the night has no customer features
   */
  static List<Section> sections(JobContext context, List<String> ids) {
    for (String id : ids) {
      if (!SECTIONS.contains(id)) {
        throw new IllegalArgumentException("Unknown report section '" + id + "'; expected one of " + SECTIONS);
      }
    }
    SparkSession spark = context.spark();
    Lakehouse lake = context.lake();
    LocalDate day = context.runDate();
    Dataset<Row> features = night(spark, lake, Tables.GOLD_CUSTOMER_FEATURES, day);
    if (context.steps().run("check the night", () -> features.isEmpty())) {
      throw new IllegalStateException(Tables.GOLD_CUSTOMER_FEATURES.relativePath() + " has no customers as of " + day
          + " in " + lake + "; run the nightly pipeline for that night first (kindred build-features --as-of " + day
          + ", then score-segments)");
    }
    Map<String, java.util.function.Supplier<Section>> builders = new java.util.LinkedHashMap<>();
    builders.put("segments", () -> ReportSections.segments(night(spark, lake, Tables.GOLD_SEGMENT_PROFILES, day)));
    builders.put("rfm", () -> ReportSections.rfm(features));
    builders.put("movement", () -> ReportSections.movement(
        lake.readOrEmpty(spark, Tables.GOLD_SEGMENT_MEMBERSHIP_CHANGES), features,
        night(spark, lake, Tables.GOLD_CUSTOMER_FEATURES, day.minusDays(7)), atRiskSegment(context), day));
    builders.put("clv", () -> ReportSections.lifetimeValue(lake.readOrEmpty(spark, Tables.GOLD_CUSTOMER_SEGMENTS),
        upTo(spark, lake, Tables.GOLD_CLV_MODELS, day), features, upTo(spark, lake, Tables.GOLD_CLV_HOLDOUT, day)));
    builders.put("churn", () -> ReportSections.churn(upTo(spark, lake, Tables.GOLD_CHURN_MODELS, day)));
    builders.put("social", () -> ReportSections.social(night(spark, lake, Tables.GOLD_SOCIAL_FEATURES, day)));
    builders.put("lift", () -> ReportSections.audienceLift(night(spark, lake, Tables.GOLD_AUDIENCE_LIFT, day),
        context.config().getDouble("audiences.measure.confidence")));
    builders.put("quality", () -> ReportSections.dataQuality(lake.readOrEmpty(spark, Tables.RUN_METRICS), day));
    List<Section> out = new java.util.ArrayList<>();
    for (Map.Entry<String, java.util.function.Supplier<Section>> b : builders.entrySet()) {
      if (ids.contains(b.getKey())) {
        out.add(context.steps().run(b.getKey(), b.getValue()::get));
      }
    }
    return out;
  }

  /**
   * The report's sections {@code ids} (comma-separated ids of {@link #SECTIONS}; empty: all) of the night {@code day}
   * of {@code lakehouse}, as an HTML fragment with the report's style scoped to it: what Kindred's notebooks show,
   * drawn by the same code as the report (notebooks/kindred_notebook.py calls it through PySpark's JVM gateway).
   */
  public static String notebookSections(SparkSession spark, String lakehouse, String day, String ids) {
    io.kindred.config.KindredConfig config = io.kindred.config.KindredConfig.load(null,
        Map.of("kindred.lakehouse", lakehouse));
    JobContext context = new JobContext(spark, config, new Lakehouse(Location.parse(config.getString("lakehouse"))),
        LocalDate.parse(day), "notebook");
    List<String> wanted = ids == null || ids.isBlank() ? SECTIONS
        : java.util.Arrays.stream(ids.split(",")).map(String::strip).toList();
    return ReportPage.fragment(sections(context, wanted));
  }

  /** The RFM segment named "at risk" when the configuration names one, else null. */
  private static String atRiskSegment(JobContext context) {
    return context.config().section("features.rfm-segments").root().keySet().contains(AT_RISK) ? AT_RISK : null;
  }

  /** The rows of a nightly snapshot table as of {@code day} (none when the table does not exist yet). */
  private static Dataset<Row> night(SparkSession spark, Lakehouse lake, TableDef table, LocalDate day) {
    return lake.readOrEmpty(spark, table).where(col("as_of").equalTo(lit(Date.valueOf(day))));
  }

  /** The rows of a table of runs up to {@code day}. */
  private static Dataset<Row> upTo(SparkSession spark, Lakehouse lake, TableDef table, LocalDate day) {
    return lake.readOrEmpty(spark, table).where(col("as_of").leq(lit(Date.valueOf(day))));
  }
}

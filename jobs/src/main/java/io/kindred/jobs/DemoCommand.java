package io.kindred.jobs;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import io.kindred.config.KindredConfig;
import io.kindred.jobs.clean.CleanJob;
import io.kindred.jobs.cli.CommonOptions;
import io.kindred.jobs.cli.JobContext;
import io.kindred.jobs.cli.KindredCommand;
import io.kindred.lake.Layer;
import io.kindred.lake.Location;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code kindred demo}: generates a sample into a fresh lakehouse and runs every pipeline stage, in nightly order,
 * then prints what each stage wrote.
 *
 * <p>Reads nothing; writes the whole lakehouse ({@code raw/}, then every stage's tables). It starts from a fresh
 * lakehouse: one it made before (marked by a {@code .kindred-demo} file) is deleted first, any other non-empty
 * folder is refused, so a re-run is safe. Example: {@code ./kindred demo --customers 5000 --lakehouse /tmp/demo}
 */
@Parameters(commandNames = "demo", commandDescription = "Generate a sample into a fresh lakehouse and run every "
    + "pipeline stage on it, then print a summary.")
public final class DemoCommand implements KindredCommand {

  /** The file that marks a lakehouse as the demo's own, so that a re-run may delete it. */
  public static final String MARKER = ".kindred-demo";
  /** The audience of the campaign the demo plants, and the days from its night to the last. */
  static final String CAMPAIGN = "winter campaign";
  static final int CAMPAIGN_DAYS = 14;
  /** History a campaign night needs before it (four weeks): the features and segments of that night are built. */
  static final int MIN_HISTORY_DAYS = 28;
  /** Where the demo writes unless --lakehouse says otherwise. */
  public static final String DEFAULT_LAKEHOUSE = "demo-lakehouse";

  @ParametersDelegate
  private final CommonOptions common = new CommonOptions().lakehouse(DEFAULT_LAKEHOUSE);

  @Parameter(names = "--customers", description = "Customers to generate.")
  private long customers = 20_000;

  @Parameter(names = "--days", description = "Days of history to generate, ending on the run date.")
  private int days = 120;

  @Parameter(names = "--seed", description = "Random seed of the generator.")
  private long seed = 42;

  private final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

  @Override
  public CommonOptions common() {
    return common;
  }

  /** Sets the sizes, for tests. */
  public DemoCommand sample(long customerCount, int dayCount, long randomSeed) {
    this.customers = customerCount;
    this.days = dayCount;
    this.seed = randomSeed;
    return this;
  }

  @Override
  public void validate() {
    if (customers < 1) {
      throw new ParameterException("--customers must be at least 1, got " + customers);
    }
    if (days < 14) {
      throw new ParameterException("--days must be at least 14 (two weeks of nightly feeds), got " + days);
    }
  }

  @Override
  public void run(JobContext context) throws Exception {
    Instant started = Instant.now();
    LocalDate runDate = context.runDate();
    LocalDate firstDay = runDate.minusDays(days - 1L);
    context.log().info("demo: {} customers, {} days {} .. {}, seed {}, lakehouse {}", customers, days, firstDay,
        runDate, seed, context.lake());
    context.steps().run("fresh lakehouse", () -> freshLakehouse(context));
    JobContext demo = withDemoCampaign(withDemoChurnHorizon(context));
    boolean campaign = !demo.config().getString("generate.campaign.audience").isEmpty();
    LocalDate campaignNight = runDate.minusDays(demo.config().getInt("generate.campaign.night-before-end"));

    // 1. Raw feeds with a known truth and a planted campaign (see withDemoCampaign).
    GenerateCommand.generate(demo.forJob("generate", runDate), customers, days, seed,
        demo.lake().root().resolve(Layer.RAW.folder()), true);
    // 2. Cleaning: every delivery day of each feed in one run per feed.
    CleanJob.cleanGeneratedFeeds(demo, demo.lake().location(Layer.RAW, "").uri(), firstDay, runDate);
    // 3-5 for the campaign night: the audiences the campaign went out to.
    if (campaign) {
      nightly(demo, campaignNight);
    }
    // 3-5 for the last night: features, social features, segments (trained when due), audiences.
    PublishAudiencesCommand.Result audiences = nightly(demo, runDate);
    // What each audience earned since the campaign night: treatment against control.
    if (campaign) {
      new MeasureAudiencesCommand().measure(demo.forJob("measure-audiences", runDate));
    }
    // 6. The largest segment audience as a file an ad platform could upload.
    String exported = exportLargestSegmentAudience(demo, audiences);
    // 7. The night's report for the marketing team.
    String report = demo.lake().root().resolve("report.html").uri();
    new ReportCommand().out(report).overwrite(true).report(demo.forJob("report", runDate));

    out.println();
    out.println("Kindred demo: " + customers + " customers, " + days + " days " + firstDay + " .. " + runDate);
    out.println(RunSummary.render(context.spark(), context.lake(), started));
    if (exported != null) {
      out.println("Exported audience: " + exported);
    }
    out.println("Report: " + report + " (open it in a browser)");
  }

  /**
   * One night's features, social features, segments (trained when due: no model yet, or the latest older than the
   * retrain interval) and audiences.
   */
  private static PublishAudiencesCommand.Result nightly(JobContext demo, LocalDate night) throws Exception {
    // Customer features as of the night, then its social features: influence, communities, peer value, referrals.
    new BuildFeaturesCommand().build(demo.forJob("build-features", night));
    new BuildSocialFeaturesCommand().build(demo.forJob("build-social-features", night));
    new TrainSegmentsCommand().ifDue(true).train(demo.forJob("train-segments", night));
    new ScoreSegmentsCommand().score(demo.forJob("score-segments", night));
    return new PublishAudiencesCommand().publish(demo.forJob("publish-audiences", night));
  }

  /**
   * Plants a campaign, unless the configuration plants one of its own or the history is shorter than six weeks:
   * the audience {@value #CAMPAIGN} (the first
   * half of the customer ids, a filter audience) goes out on the night {@value #CAMPAIGN_DAYS} days before the last,
   * and its treatment group buys 20% more often over the days after; its control group does not. The report of the
   * last night shows what measure-audiences made of it.
   */
  private JobContext withDemoCampaign(JobContext context) {
    if (!context.config().getString("generate.campaign.audience").isEmpty()) {
      return context;
    }
    if (days < CAMPAIGN_DAYS + MIN_HISTORY_DAYS) {
      context.log().info("demo: {} days of history are too few to plant a campaign ({} days before its night and {} "
          + "after are needed); none planted", days, MIN_HISTORY_DAYS, CAMPAIGN_DAYS);
      return context;
    }
    long campaignCustomers = Math.max(1, customers / 2);
    String root = KindredConfig.ROOT + ".";
    Map<String, Object> campaign = new java.util.LinkedHashMap<>();
    campaign.put(root + "generate.campaign.audience", CAMPAIGN);
    campaign.put(root + "generate.campaign.customers", campaignCustomers);
    campaign.put(root + "generate.campaign.night-before-end", CAMPAIGN_DAYS);
    campaign.put(root + "generate.campaign.days", CAMPAIGN_DAYS);
    campaign.put(root + "generate.campaign.purchase-uplift", 0.2);
    campaign.put(com.typesafe.config.ConfigUtil.joinPath(KindredConfig.ROOT, "audiences", "filters", CAMPAIGN),
        String.format(java.util.Locale.ROOT, "customer_id <= 'C%08d'", campaignCustomers));
    return context.withConfig(context.config().withOverrides(campaign));
  }

  /** Exports the segment audience with the most customers to {@code <lakehouse>/exports/}; returns its path. */
  private static String exportLargestSegmentAudience(JobContext demo, PublishAudiencesCommand.Result audiences)
      throws Exception {
    String largest = audiences.byAudience().entrySet().stream()
        .filter(e -> e.getKey().startsWith(io.kindred.segments.Audiences.SEGMENT_PREFIX))
        // most customers; on a tie the first name
        .max(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry::getKey,
            java.util.Comparator.<String>reverseOrder()))
        .map(Map.Entry::getKey).orElse(null);
    if (largest == null) {
      demo.log().warn("demo: no segment audience has a consenting customer; nothing exported");
      return null;
    }
    String file = largest.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("-$", "")
        + ".csv";
    String path = demo.lake().root().resolve("exports").resolve(file).uri();
    long written = new ExportAudienceCommand().audience(largest).format(ExportAudienceCommand.Format.CSV).out(path)
        .overwrite(true).export(demo.forJob("export-audience", demo.runDate())).rowsWritten();
    return path + " (\"" + largest + "\": " + written + " of its " + audiences.byAudience().get(largest)
        + " customers; the others are its control group)";
  }

  /**
   * The churn model needs two horizons of history before the as-of date; a short demo history gets a horizon of a
   * quarter of its days instead of failing.
   */
  private JobContext withDemoChurnHorizon(JobContext context) {
    String key = "features.churn.horizon-days";
    int horizon = context.config().getInt(key);
    if (2 * horizon < days - 7) {
      return context;
    }
    int shorter = days / 4;
    context.log().info("demo: {} days of history are too few for a {}-day churn horizon; using {} days", days,
        horizon, shorter);
    KindredConfig config = context.config().withOverrides(Map.of(KindredConfig.ROOT + "." + key, shorter));
    return context.withConfig(config);
  }

  /** Deletes a lakehouse the demo made before; refuses any other non-empty folder. Marks the fresh one. */
  private static void freshLakehouse(JobContext context) {
    Location root = context.lake().root();
    try {
      Path path = new Path(root.uri());
      FileSystem fs = path.getFileSystem(context.spark().sparkContext().hadoopConfiguration());
      if (fs.exists(path)) {
        FileStatus[] children = fs.listStatus(path);
        if (children.length > 0) {
          if (!fs.exists(new Path(path, MARKER))) {
            throw new IllegalStateException("Lakehouse " + root + " is not empty and was not made by the demo (no "
                + MARKER + " file); expected an empty or missing folder, or pass another --lakehouse");
          }
          context.log().info("demo: deleting the previous demo lakehouse {}", root);
          fs.delete(path, true);
        }
      }
      fs.mkdirs(path);
      fs.create(new Path(path, MARKER), true).close();
    } catch (IOException e) {
      throw new IllegalStateException("Could not prepare the demo lakehouse " + root + ": " + e.getMessage(), e);
    }
  }
}

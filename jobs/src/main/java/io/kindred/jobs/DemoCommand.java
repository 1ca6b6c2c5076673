package io.kindred.jobs;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import io.kindred.jobs.clean.CleanJob;
import io.kindred.jobs.cli.CommonOptions;
import io.kindred.jobs.cli.JobContext;
import io.kindred.jobs.cli.KindredCommand;
import io.kindred.lake.Layer;

/**
 * {@code kindred demo}: generates a sample into a fresh lakehouse and runs every pipeline stage, in nightly order,
 * then prints what each stage wrote.
 *
 * <p>Reads nothing; writes the whole lakehouse ({@code raw/}, then every stage's tables). A re-run starts from a
 * fresh lakehouse, so it is safe. Example: {@code ./kindred demo --lakehouse /tmp/kindred-demo}
 */
@Parameters(commandNames = "demo", commandDescription = "Generate a sample into a fresh lakehouse and run every "
    + "pipeline stage on it, then print a summary.")
public final class DemoCommand implements KindredCommand {

  @ParametersDelegate
  private final CommonOptions common = new CommonOptions();

  @Parameter(names = "--customers", description = "Customers to generate.")
  private long customers = 20_000;

  @Parameter(names = "--days", description = "Days of history to generate, ending on the run date.")
  private int days = 120;

  @Parameter(names = "--seed", description = "Random seed of the generator.")
  private long seed = 42;

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public void run(JobContext context) throws Exception {
    context.log().info("demo: {} customers, {} days ending {}, seed {}, lakehouse {}", customers, days,
        context.runDate(), seed, context.lake());
    // 1. Raw feeds with a known truth, into a fresh <lakehouse>/raw.
    GenerateCommand.generate(context.forJob("generate", context.runDate()), customers, days, seed,
        context.lake().root().resolve(Layer.RAW.folder()), true);
    // 2. Cleaning: every delivery day of every feed, one run per feed.
    CleanJob.cleanGeneratedFeeds(context, context.lake().location(Layer.RAW, "").uri(),
        context.runDate().minusDays(days - 1L), context.runDate());
  }
}

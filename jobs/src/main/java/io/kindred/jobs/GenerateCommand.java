package io.kindred.jobs;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import io.kindred.generate.GenerationSummary;
import io.kindred.generate.GeneratorSettings;
import io.kindred.generate.SampleGenerator;
import io.kindred.generate.SampleSpec;
import io.kindred.jobs.cli.CommonOptions;
import io.kindred.jobs.cli.JobContext;
import io.kindred.jobs.cli.KindredCommand;
import io.kindred.jobs.segments.SegmentSettings;
import io.kindred.lake.Layer;
import io.kindred.lake.Location;

/**
 * {@code kindred generate}: writes a realistic sample of the raw feeds with a known truth (docs/sources.md):
 * customers, transactions, FX rates and interactions, one folder per delivery day for {@code --days} days ending on
 * the run date, with planted archetypes, a social graph, dirty and late records, and {@code truth/} beside them.
 *
 * <p>Reads only the configuration ({@code kindred.generate}); writes {@code <out>/customers}, {@code transactions},
 * {@code fx_rates}, {@code interactions} and {@code truth}. It refuses an output that already holds any of them;
 * with {@code --overwrite} a re-run replaces them and, for the same options and seed, writes the same bytes, so a
 * re-run is safe. Example: {@code ./kindred generate --customers 20000 --days 120 --seed 42 --run-date 2026-11-22
 * --out /tmp/kindred/raw}
 */
@Parameters(commandNames = "generate", commandDescription = "Generate sample raw feeds (customers, transactions, "
    + "fx_rates, interactions) with a known truth, for tests, the demo and benchmarks.")
public final class GenerateCommand implements KindredCommand {

  @ParametersDelegate
  private final CommonOptions common = new CommonOptions();

  @Parameter(names = "--customers", description = "Customers to generate (non-customer social users come on top, "
      + "kindred.generate.non-customers-per-customer per customer).")
  private long customers = 20_000;

  @Parameter(names = "--days", description = "Days of history, one delivery folder per day, ending on the run date.")
  private int days = 120;

  @Parameter(names = "--seed", description = "Random seed: the same seed and options give the same files.")
  private long seed = 42;

  @Parameter(names = "--out", description = "Output folder: a local path or a URI (hdfs://, s3a://). Default: "
      + "<lakehouse>/raw.")
  private String out;

  @Parameter(names = "--overwrite", description = "Replace feed and truth folders the output already holds.")
  private boolean overwrite;

  @Override
  public CommonOptions common() {
    return common;
  }

  public GenerateCommand customers(long value) {
    this.customers = value;
    return this;
  }

  public GenerateCommand days(int value) {
    this.days = value;
    return this;
  }

  public GenerateCommand seed(long value) {
    this.seed = value;
    return this;
  }

  public GenerateCommand out(String value) {
    this.out = value;
    return this;
  }

  public GenerateCommand overwrite(boolean value) {
    this.overwrite = value;
    return this;
  }

  public long customers() {
    return customers;
  }

  public int days() {
    return days;
  }

  public long seed() {
    return seed;
  }

  public String out() {
    return out;
  }

  public boolean overwrite() {
    return overwrite;
  }

  @Override
  public void validate() {
    if (customers < 1 || customers > SampleSpec.MAX_USERS) {
      throw new ParameterException("--customers is " + customers + "; expected 1 .. " + SampleSpec.MAX_USERS);
    }
    if (days < 1) {
      throw new ParameterException("--days is " + days + "; expected at least 1");
    }
    if (out != null) {
      Location.parse(out);
    }
  }

  /** Where the feeds go: {@code --out}, else the lakehouse's {@code raw/} folder. */
  public Location outLocation(JobContext context) {
    return out != null ? Location.parse(out) : context.lake().root().resolve(Layer.RAW.folder());
  }

  @Override
  public void run(JobContext context) throws Exception {
    generate(context, customers, days, seed, outLocation(context), overwrite);
  }

  /** Generates into {@code out}; the demo calls this as its first step. */
  public static GenerationSummary generate(JobContext context, long customers, int days, long seed, Location out,
      boolean overwrite) throws Exception {
    GeneratorSettings settings = GeneratorSettings.from(context.config().section("generate"),
        SegmentSettings.controlGroups(context.config()));
    SampleSpec spec = new SampleSpec(customers, days, context.runDate(), seed, settings);
    context.log().info("generate: {} customers ({} social users), {} days {} .. {}, seed {}, into {}", customers,
        spec.socialUsers(), days, spec.startDate(), spec.endDate(), seed, out);
    long start = System.nanoTime();
    GenerationSummary[] summary = new GenerationSummary[1];
    // One ops/run_metrics row like every job: a generated record is both in and written (nothing is rejected
    // here; the dirty records are written on purpose, and counted in details.bad_records).
    context.accounted(metrics -> {
      summary[0] = SampleGenerator.generate(context.spark(), spec, out, overwrite, context.steps());
      long records = summary[0].recordsByFeed().values().stream().mapToLong(Long::longValue).sum();
      metrics.addRowsIn(records).addRowsWritten(records)
          .detail("out", out.uri())
          .detail("customers", customers)
          .detail("days", days)
          .detail("seed", seed)
          .detail("feed_records", summary[0].recordsByFeed())
          .detail("bad_records", summary[0].badRecords())
          .detail("late_records", summary[0].lateByFeed())
          .detail("files", summary[0].files());
    });
    context.log().info("generate: wrote {} in {}", summary[0].describe(),
        io.kindred.ops.Steps.formatMillis((System.nanoTime() - start) / 1_000_000));
    return summary[0];
  }
}

package io.kindred.jobs;

import io.kindred.config.KindredConfig;
import io.kindred.jobs.cli.CommandLine;
import io.kindred.jobs.cli.JobContext;
import io.kindred.jobs.cli.KindredCommand;
import io.kindred.jobs.cli.SettingRules;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.Location;
import io.kindred.spark.KindredSpark;
import java.io.PrintStream;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code kindred} entry point: {@code kindred <command> [options]}, for {@code spark-submit} and the
 * {@code ./kindred} launcher alike. It parses, runs one command, stops Spark and exits: 0 on success, 1 when the
 * job failed, 2 when the command line is wrong.
 *
 * <pre>spark-submit --class io.kindred.jobs.Kindred jobs/target/kindred-jobs.jar clean-transactions \
 *     --run-date 2026-11-22 --lakehouse s3a://bucket/kindred</pre>
 */
public final class Kindred {

  private static final Logger LOG = LoggerFactory.getLogger(Kindred.class);

  private Kindred() {
  }

  /** Every command, fresh instances, in nightly order. */
  public static List<KindredCommand> commands() {
    return List.of(
        new DemoCommand(),
        new GenerateCommand(),
        new CleanCustomersCommand(),
        new CleanTransactionsCommand(),
        new CleanInteractionsCommand(),
        new BuildFeaturesCommand(),
        new BuildSocialFeaturesCommand(),
        new TrainSegmentsCommand(),
        new ScoreSegmentsCommand(),
        new PublishAudiencesCommand(),
        new MeasureAudiencesCommand(),
        new ExportAudienceCommand(),
        new SqlCommand(),
        new ReportCommand(),
        new RunsCommand(),
        new VacuumCommand(),
        new ForgetCommand());
  }

  public static void main(String[] args) {
    System.exit(execute(System.out, System.err, args));
  }

  /** Parses and runs one command in a session of its own, which it stops. */
  public static int execute(PrintStream out, PrintStream err, String... args) {
    CommandLine.Parsed parsed = CommandLine.parse(commands(), args);
    if (parsed.command() == null) {
      out.print(parsed.stdout());
      err.print(parsed.stderr());
      return parsed.exitCode();
    }
    KindredCommand command = parsed.command();
    KindredConfig config;
    try {
      config = configFor(command);
      new Lakehouse(Location.parse(config.getString("lakehouse"))).requireWritable();
      if (command.common().master() != null) {
        KindredSpark.requireKnownMaster(command.common().master());
      }
    } catch (IllegalArgumentException e) {
      err.println("Error: " + e.getMessage());
      return CommandLine.USAGE;
    }
    SparkSession spark;
    try {
      spark = sessionFor(command, config);
    } catch (RuntimeException e) {
      LOG.debug("kindred {}: Spark did not start", command.name(), e);
      err.println("kindred " + command.name() + ": Spark did not start: " + describe(e));
      return CommandLine.FAILED;
    }
    try {
      return run(command, spark, config, err);
    } finally {
      spark.stop();
    }
  }

  /** The configuration a command runs with: defaults, its overlay file, then its options. */
  public static KindredConfig configFor(KindredCommand command) {
    return SettingRules.check(KindredConfig.load(command.common().config(), command.common().configOverrides()));
  }

  /** Builds (or joins) the session for {@code command}. */
  public static SparkSession sessionFor(KindredCommand command, KindredConfig config) {
    return KindredSpark.session("kindred " + command.name(), command.common().master(),
        config.getString("spark.default-master"), config.flatStrings("spark.conf"));
  }

  /** Runs a parsed command in an existing session; tests call this with the shared session. */
  public static int run(KindredCommand command, SparkSession spark, KindredConfig config, PrintStream err) {
    Lakehouse lake = new Lakehouse(Location.parse(config.getString("lakehouse")));
    JobContext context = new JobContext(spark, config, lake, command.common().runDate(), command.name())
        .withUpstream(command.upstream(), command.common().allowUnfinishedUpstream());
    LOG.info("kindred {} started: run date {}, lakehouse {}, master {}", command.name(), context.runDate(), lake,
        spark.sparkContext().master());
    try {
      command.run(context);
      return CommandLine.OK;
    } catch (Exception e) {
      LOG.debug("kindred {} failed", command.name(), e);
      err.println("kindred " + command.name() + " failed: " + describe(e));
      return CommandLine.FAILED;
    }
  }

  /** The message of an exception and of its causes, without repeats. */
  static String describe(Throwable e) {
    StringBuilder out = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
      String message = cause.getMessage();
      if (message != null && !out.toString().contains(message)) {
        out.append("\n  caused by ").append(cause.getClass().getSimpleName()).append(": ").append(message);
      }
    }
    return out.toString();
  }
}

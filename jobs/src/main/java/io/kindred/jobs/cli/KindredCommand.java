package io.kindred.jobs.cli;

/**
 * A {@code kindred} subcommand: a JCommander options object (annotated with {@code @Parameters(commandNames=...)})
 * that also knows how to run itself. Tests fill the options and call {@link #run(JobContext)} directly, the way
 * production does; {@link io.kindred.jobs.Kindred#main} only parses.
 */
public interface KindredCommand {

  /** The shared options, mixed in with {@code @ParametersDelegate}. */
  CommonOptions common();

  /** The command's name, as typed after {@code kindred}. */
  default String name() {
    return CommandLine.nameOf(this);
  }

  /**
   * Checks rules that span several options, after parsing and before Spark starts.
   *
   * @throws com.beust.jcommander.ParameterException naming the offending value and what was expected
   */
  default void validate() {
  }

  /**
   * The jobs whose tables this one reads for its run date: a run refuses to start while the latest run of one of
   * them for that date did not succeed ({@code --allow-unfinished-upstream} overrides).
   */
  default java.util.List<String> upstream() {
    return java.util.List.of();
  }

  /** Runs the command. A failure is an exception whose message tells the user what went wrong. */
  void run(JobContext context) throws Exception;
}

package io.kindred.bench;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.ParameterException;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's Java entry point: {@code bench <command> [options]}, run by {@code bench/run} with the class path
 * of {@code bench/target/classpath.txt}. Each command measures one piece of Kindred's own code on a lakehouse that
 * the nightly stages wrote, and writes what it measured as JSON for the Python side:
 * <ul>
 *   <li>{@code rfm}: Kindred's RFM aggregation over {@code silver/transactions} ({@link RfmAggregation});</li>
 *   <li>{@code clv-summaries}: the night's (x, t_x, T, mbar) per customer as CSV ({@link ClvSummaries});</li>
 *   <li>{@code clv-fit}: Kindred's BG/NBD and Gamma-Gamma fits on summary CSVs ({@link ClvFitTiming});</li>
 *   <li>{@code run-metrics}: {@code ops/run_metrics} rows since an instant ({@link RunMetricsExport}).</li>
 * </ul>
 * Exits 0 on success, 1 when the command failed (the reason on stderr), 2 on a bad command line.
 */
public final class Bench {

  /** One benchmark command: options parsed by JCommander, then {@link #run()}. */
  interface Command {
    void run() throws Exception;
  }

  private Bench() {
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  static int execute(String... args) {
    List<Command> commands = List.of(new RfmAggregation(), new ClvSummaries(), new ClvFitTiming(),
        new RunMetricsExport());
    JCommander.Builder builder = JCommander.newBuilder().programName("bench");
    commands.forEach(builder::addCommand);
    JCommander jc = builder.build();
    try {
      jc.parse(args);
      if (jc.getParsedCommand() == null) {
        throw new ParameterException("expected a command: rfm, clv-summaries, clv-fit or run-metrics");
      }
    } catch (ParameterException e) {
      System.err.println("bench: " + e.getMessage());
      StringBuilder usage = new StringBuilder();
      jc.getUsageFormatter().usage(usage);
      System.err.println(usage);
      return 2;
    }
    Command command = (Command) jc.getCommands().get(jc.getParsedCommand()).getObjects().get(0);
    try {
      command.run();
      return 0;
    } catch (Exception e) {
      System.err.println(String.format(Locale.ROOT, "bench %s failed: %s", jc.getParsedCommand(), e));
      for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
        System.err.println("  caused by " + c);
      }
      return 1;
    }
  }
}

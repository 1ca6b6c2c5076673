package io.kindred.jobs.cli;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.UnixStyleUsageFormatter;
import java.util.List;
import java.util.Objects;

/**
 * Parses {@code kindred [--help] [--check-args] <command> [options]} into one of the given commands. Parsing never
 * starts Spark, so the CLI's errors are immediate and testable, and {@code --check-args} lets a scheduler check
 * its arguments against the jar's own rules.
 */
public final class CommandLine {

  /** Exit code of a successful run, and of {@code --help}. */
  public static final int OK = 0;
  /** Exit code of a job that failed while running. */
  public static final int FAILED = 1;
  /** Exit code of a command line that does not parse: unknown command, bad or missing option. */
  public static final int USAGE = 2;

  /** The program name in usage texts. */
  public static final String PROGRAM = "kindred";

  /** Options before the command. */
  @Parameters(separators = " =")
  static final class MainOptions {
    @Parameter(names = {"--help", "-h"}, help = true, description = "List the commands.")
    boolean help;

    @Parameter(names = "--check-args", description = "Parse and validate the command's options, print 'ok' and "
        + "exit without running it (for schedulers checking their arguments).")
    boolean checkArgs;
  }

  /**
   * The outcome of parsing: either a command to run, or an exit code with the text to print.
   *
   * @param command the command to run, or {@code null}
   * @param exitCode the exit code when there is nothing to run
   * @param stdout text for standard output (help, check result), possibly empty
   * @param stderr text for standard error (errors and usage), possibly empty
   */
  public record Parsed(KindredCommand command, int exitCode, String stdout, String stderr) {

    static Parsed run(KindredCommand command) {
      return new Parsed(command, OK, "", "");
    }

    static Parsed exit(int code, String stdout, String stderr) {
      return new Parsed(null, code, stdout, stderr);
    }
  }

  private CommandLine() {
  }

  /** The name a command is registered under: the first of its {@code @Parameters(commandNames)}. */
  public static String nameOf(Object command) {
    Parameters parameters = command.getClass().getAnnotation(Parameters.class);
    if (parameters == null || parameters.commandNames().length == 0) {
      throw new IllegalStateException(command.getClass().getName() + " has no @Parameters(commandNames = ...)");
    }
    return parameters.commandNames()[0];
  }

  /** Parses {@code args} against fresh instances of {@code commands}. */
  public static Parsed parse(List<? extends KindredCommand> commands, String... args) {
    MainOptions main = new MainOptions();
    JCommander jc = JCommander.newBuilder().programName(PROGRAM).addObject(main).build();
    jc.setUsageFormatter(new UnixStyleUsageFormatter(jc));
    for (KindredCommand command : commands) {
      jc.addCommand(nameOf(command), command);
    }
    try {
      jc.parse(args);
    } catch (ParameterException e) {
      String parsed = jc.getParsedCommand();
      return Parsed.exit(USAGE, "", error(friendly(e.getMessage(), parsed), parsed));
    }
    String name = jc.getParsedCommand();
    if (name == null) {
      if (main.help) {
        return Parsed.exit(OK, usage(jc, null), "");
      }
      return Parsed.exit(USAGE, "", error("no command given", null));
    }
    KindredCommand command = commands.stream().filter(c -> nameOf(c).equals(name)).findFirst()
        .orElseThrow(() -> new IllegalStateException("Parsed unknown command " + name));
    if (main.help || command.common().help()) {
      return Parsed.exit(OK, usage(jc, name), "");
    }
    try {
      command.common().configOverrides();
      command.validate();
    } catch (ParameterException | IllegalArgumentException e) {
      return Parsed.exit(USAGE, "", error(e.getMessage(), name));
    }
    if (main.checkArgs) {
      return Parsed.exit(OK, "ok: " + String.join(" ", args) + "\n", "");
    }
    return Parsed.run(command);
  }

  /** A usage error in two lines: what was wrong, and where the options are described. */
  private static String error(String message, String command) {
    return "Error: " + message + "\n" + (command == null
        ? "Run '" + PROGRAM + " --help' for the commands.\n"
        : "Run '" + PROGRAM + " " + command + " --help' for its options.\n");
  }

  /** JCommander's message for an option a command does not take, said plainly. */
  private static String friendly(String message, String command) {
    java.util.regex.Matcher unknown = java.util.regex.Pattern
        .compile("Was passed main parameter '(-[^']*)' but no main parameter was defined.*").matcher(message);
    if (unknown.matches()) {
      return "unknown option " + unknown.group(1) + (command == null ? "" : " for " + PROGRAM + " " + command);
    }
    return message;
  }

  private static String usage(JCommander jc, String command) {
    StringBuilder out = new StringBuilder();
    if (command == null) {
      jc.getUsageFormatter().usage(out);
      out.append("\nRun '").append(PROGRAM).append(" <command> --help' for a command's options.\n");
    } else {
      Objects.requireNonNull(jc.getCommands().get(command), command).getUsageFormatter().usage(out);
      // the command's own usage line names the command alone
      return out.toString().replaceFirst("^Usage: " + java.util.regex.Pattern.quote(command) + " ",
          "Usage: " + PROGRAM + " " + command + " ");
    }
    return out.toString();
  }
}

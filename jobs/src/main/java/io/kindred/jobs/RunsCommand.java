package io.kindred.jobs;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import io.kindred.jobs.cli.CommonOptions;
import io.kindred.jobs.cli.JobContext;
import io.kindred.jobs.cli.KindredCommand;
import io.kindred.ops.Runs;
import io.kindred.ops.Steps;
import java.io.PrintStream;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code kindred runs}: the recent runs on record in {@code ops/run_metrics}, newest first, with their status as
 * seen now: {@code running}, {@code succeeded}, {@code failed}, or {@code abandoned} (a run whose process is gone).
 * {@code --abandon RUN_ID} records a run that died where its process cannot be checked (another host) as abandoned,
 * so the next run of its job may start.
 */
@Parameters(commandNames = "runs", commandDescription = "List the recent runs and their status (running, "
    + "succeeded, failed, abandoned), from ops/run_metrics.")
public final class RunsCommand implements KindredCommand {

  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
      .withZone(ZoneOffset.UTC);
  private static final int MESSAGE_WIDTH = 100;

  @ParametersDelegate
  private final CommonOptions common = new CommonOptions();

  @Parameter(names = "--job", description = "Only the runs of this job, e.g. clean-transactions.")
  private String job;

  @Parameter(names = "--limit", description = "Runs shown at most.")
  private int limit = 30;

  @Parameter(names = "--abandon", description = "Record this running run as abandoned (its process died where "
      + "Kindred cannot see it), so the next run of its job may start.")
  private String abandon;

  private PrintStream stdout = System.out;

  @Override
  public CommonOptions common() {
    return common;
  }

  /** Where the list is printed (tests capture it). */
  public RunsCommand printTo(PrintStream value) {
    this.stdout = value;
    return this;
  }

  public RunsCommand job(String value) {
    this.job = value;
    return this;
  }

  public RunsCommand abandon(String value) {
    this.abandon = value;
    return this;
  }

  @Override
  public void validate() {
    if (limit < 1) {
      throw new ParameterException("--limit is " + limit + "; expected at least 1");
    }
  }

  @Override
  public void run(JobContext context) {
    if (abandon != null) {
      Runs.Run run = Runs.find(context.spark(), context.lake(), abandon)
          .orElseThrow(() -> new IllegalArgumentException("No run " + abandon + " in ops/run_metrics of "
              + context.lake() + "; `kindred runs` lists them"));
      if (!Runs.RUNNING.equals(run.status())) {
        throw new IllegalArgumentException("Run " + abandon + " is " + run.status() + ", not running: nothing to "
            + "abandon");
      }
      Runs.abandon(context.spark(), context.lake(), run, "recorded as abandoned by `kindred runs --abandon` on "
          + Runs.thisHost());
      stdout.println(run.job() + " " + run.describe() + " recorded as abandoned");
      return;
    }
    List<Runs.Run> runs = Runs.recent(context.spark(), context.lake(), job, limit);
    if (runs.isEmpty()) {
      stdout.println("No runs on record in " + context.lake() + (job == null ? "" : " for job " + job));
      return;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"started (UTC)", "job", "run date", "status", "duration", "run id", "host", "message"});
    for (Runs.Run r : runs) {
      String message = r.message() == null ? "" : r.message().lines().findFirst().orElse("");
      if (message.length() > MESSAGE_WIDTH) {
        message = message.substring(0, MESSAGE_WIDTH - 3) + "...";
      }
      rows.add(new String[] {WHEN.format(r.startedAt()), r.job(), String.valueOf(r.runDate()), r.seenStatus(),
          r.finishedAt() == null ? "" : Steps.formatMillis(r.finishedAt().toEpochMilli()
              - r.startedAt().toEpochMilli()),
          r.runId(), (r.host() == null ? "" : r.host()) + (r.pid() == null ? "" : " (pid " + r.pid() + ")"),
          message});
    }
    stdout.print(RunSummary.table(rows));
  }
}

package io.kindred.jobs;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import io.kindred.jobs.cli.CommonOptions;
import io.kindred.jobs.cli.JobContext;
import io.kindred.jobs.cli.KindredCommand;
import io.kindred.lake.TableDef;
import io.kindred.lake.Tables;
import io.kindred.ops.RunMetrics;
import java.util.List;

/**
 * {@code kindred vacuum}: deletes the files the lakehouse's tables no longer use (old versions left by MERGEs,
 * replaced days, deleted rows, change data) once they are older than {@code kindred.vacuum.retention-hours} (a week
 * by default), so that personal data a table no longer holds is not kept in old files beyond that retention. Time
 * travel reaches back as far as the retention. The nightly DAG runs it last.
 *
 * <p>Example: {@code ./kindred vacuum} or {@code ./kindred vacuum --retention-hours 720}
 */
@Parameters(commandNames = "vacuum", commandDescription = "Delete the files the tables no longer use, older than "
    + "the retention (kindred.vacuum.retention-hours, a week): old versions and deleted rows.")
public final class VacuumCommand implements KindredCommand {

  static final String RETENTION_KEY = "vacuum.retention-hours";

  @ParametersDelegate
  private final CommonOptions common = new CommonOptions();

  @Parameter(names = "--retention-hours", description = "Keep files no longer used for this many hours (time "
      + "travel reaches back as far). Default: kindred.vacuum.retention-hours (168).")
  private Long retentionHours;

  @Override
  public CommonOptions common() {
    return common;
  }

  public VacuumCommand retentionHours(long hours) {
    retentionHours = hours;
    return this;
  }

  @Override
  public void validate() {
    if (retentionHours != null && retentionHours < 0) {
      throw new ParameterException("--retention-hours is " + retentionHours + "; expected 0 or more hours");
    }
  }

  @Override
  public void run(JobContext context) throws Exception {
    vacuum(context);
  }

  /** Runs the job; returns its metrics. */
  public RunMetrics vacuum(JobContext context) throws Exception {
    validate();
    long hours = retentionHours != null ? retentionHours : context.config().getInt(RETENTION_KEY);
    return context.accounted(m -> {
      List<TableDef> vacuumed = context.steps().run("vacuum the tables (retention " + hours + " hours)",
          () -> context.lake().vacuum(context.spark(), Tables.all(), hours));
      m.detail("retention_hours", hours).detail("tables_vacuumed", vacuumed.size());
      context.log().info("{} tables vacuumed: files unused for more than {} hours deleted", vacuumed.size(), hours);
    });
  }
}

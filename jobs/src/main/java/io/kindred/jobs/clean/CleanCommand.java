package io.kindred.jobs.clean;

import com.beust.jcommander.ParametersDelegate;
import io.kindred.clean.Feed;
import io.kindred.jobs.cli.CommonOptions;
import io.kindred.jobs.cli.JobContext;
import io.kindred.jobs.cli.KindredCommand;

/**
 * The shared body of the three cleaning commands: the common and cleaning options, their check, and one
 * {@link CleanJob} run for the command's feed. Each subclass names its command and documents what it writes.
 */
public abstract class CleanCommand implements KindredCommand {

  @ParametersDelegate
  private final CommonOptions common = new CommonOptions();

  @ParametersDelegate
  private final CleanOptions clean = new CleanOptions();

  private final Feed feed;

  protected CleanCommand(Feed feed) {
    this.feed = feed;
  }

  @Override
  public CommonOptions common() {
    return common;
  }

  public CleanOptions clean() {
    return clean;
  }

  @Override
  public void validate() {
    clean.validate(common.runDate());
  }

  @Override
  public void run(JobContext context) throws Exception {
    CleanJob.run(context, feed, clean);
  }
}

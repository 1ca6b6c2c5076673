package io.kindred.jobs.clean;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
import java.time.LocalDate;

/** Options the three cleaning commands share, mixed in with {@code @ParametersDelegate}. */
public final class CleanOptions {

  @Parameter(names = "--input", required = true, description = "The feed's root: a folder with one sub-folder per "
      + "delivery day (yyyy-MM-dd) for a daily source, or the file or folder itself for a single source. A local "
      + "path or a URI (hdfs://, s3a://).")
  private String input;

  @Parameter(names = "--source", description = "Source definition: a built-in name (generator-transactions, "
      + "generator-customers, generator-interactions, cdnow, invoice-lines) or the path of a .conf file. Default: "
      + "the generator's source for the command's feed.")
  private String source;

  @Parameter(names = "--from-date", description = "First delivery day to process (yyyy-MM-dd); days from-date .. "
      + "run-date are cleaned in one run, with the same result as one run per day in order. Default: the run date.")
  private LocalDate fromDate;

  @Parameter(names = "--allow-empty", description = "Let a delivery day with no records (empty or header-only "
      + "files) replace the rows the tables already hold for that day with nothing. Without it such a run is "
      + "refused, naming the day.")
  private boolean allowEmpty;

  public String input() {
    return input;
  }

  public CleanOptions withInput(String value) {
    this.input = value;
    return this;
  }

  /** The source given, or {@code defaultSource}. */
  public String source(String defaultSource) {
    return source != null ? source : defaultSource;
  }

  public CleanOptions withSource(String value) {
    this.source = value;
    return this;
  }

  /** The first delivery day: --from-date, else the run date. */
  public LocalDate fromDate(LocalDate runDate) {
    return fromDate != null ? fromDate : runDate;
  }

  public CleanOptions withFromDate(LocalDate value) {
    this.fromDate = value;
    return this;
  }

  /** Whether --allow-empty was given. */
  public boolean allowEmpty() {
    return allowEmpty;
  }

  public CleanOptions withAllowEmpty(boolean value) {
    this.allowEmpty = value;
    return this;
  }

  /** Checks --from-date against the run date. */
  public void validate(LocalDate runDate) {
    if (fromDate != null && fromDate.isAfter(runDate)) {
      throw new ParameterException("--from-date " + fromDate + " is after the run date " + runDate
          + "; expected a day on or before it");
    }
  }
}

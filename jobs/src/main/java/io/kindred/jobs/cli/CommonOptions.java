package io.kindred.jobs.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Options every command shares, declared once and mixed into each command with {@code @ParametersDelegate}.
 * A value given here overrides the configuration file, which overrides the defaults.
 */
public final class CommonOptions {

  @Parameter(names = {"--run-date", "--as-of"}, description = "The night to process (yyyy-MM-dd): only data up to "
      + "this date is used. Default: yesterday, UTC.")
  private LocalDate runDate;

  @Parameter(names = "--lakehouse", description = "Lakehouse root: a local path or a URI (hdfs://, s3a://, "
      + "abfss://). Default: kindred.lakehouse from the configuration (./lakehouse).")
  private String lakehouse;

  @Parameter(names = "--config", description = "Configuration overlay file (HOCON), e.g. conf/local.conf or "
      + "conf/cluster.conf, applied over the packaged defaults. Default: $KINDRED_CONFIG when set.")
  private Path config;

  @Parameter(names = "--master", description = "Spark master, e.g. local[2] or spark://host:7077. Default: the one "
      + "spark-submit sets, else kindred.spark.default-master (local[*]).")
  private String master;

  @Parameter(names = "--set", description = "Override one configuration key, as key=value (repeatable), e.g. "
      + "--set kindred.quarantine.max-rate=0.1")
  private List<String> settings = new ArrayList<>();

  @Parameter(names = "--allow-unfinished-upstream", description = "Run even when the latest run of a job this one "
      + "reads from, for the same date, failed, was abandoned or is still running (ops/run_metrics); by default such "
      + "a run is refused.")
  private boolean allowUnfinishedUpstream;

  @Parameter(names = {"--help", "-h"}, help = true, description = "Show this command's options.")
  private boolean help;

  public LocalDate runDate() {
    return runDate != null ? runDate : LocalDate.now(ZoneOffset.UTC).minusDays(1);
  }

  public CommonOptions runDate(LocalDate value) {
    this.runDate = value;
    return this;
  }

  public String lakehouse() {
    return lakehouse;
  }

  public CommonOptions lakehouse(String value) {
    this.lakehouse = value;
    return this;
  }

  public Path config() {
    if (config != null) {
      return config;
    }
    String env = System.getenv("KINDRED_CONFIG");
    return env == null || env.isBlank() ? null : Path.of(env);
  }

  public CommonOptions config(Path value) {
    this.config = value;
    return this;
  }

  public String master() {
    return master;
  }

  public CommonOptions master(String value) {
    this.master = value;
    return this;
  }

  public boolean allowUnfinishedUpstream() {
    return allowUnfinishedUpstream;
  }

  public CommonOptions allowUnfinishedUpstream(boolean value) {
    this.allowUnfinishedUpstream = value;
    return this;
  }

  public boolean help() {
    return help;
  }

  public CommonOptions set(String key, String value) {
    settings.add(key + "=" + value);
    return this;
  }

  /** The configuration overrides these options make, highest precedence first among equals. */
  public Map<String, String> configOverrides() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String setting : settings) {
      int eq = setting.indexOf('=');
      if (eq <= 0) {
        throw new ParameterException("--set expects key=value, got '" + setting + "'");
      }
      out.put(setting.substring(0, eq).trim(), setting.substring(eq + 1).trim());
    }
    if (lakehouse != null) {
      out.put("kindred.lakehouse", lakehouse);
    }
    return out;
  }
}

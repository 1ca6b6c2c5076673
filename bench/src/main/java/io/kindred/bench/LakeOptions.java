package io.kindred.bench;

import com.beust.jcommander.Parameter;
import io.kindred.config.KindredConfig;
import io.kindred.lake.Lakehouse;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** The options of the bench commands that read a lakehouse: its root, a configuration overlay, the master. */
final class LakeOptions {

  @Parameter(names = "--lakehouse", required = true, description = "Lakehouse root the nightly stages wrote.")
  String lakehouse;

  @Parameter(names = "--config", description = "Configuration overlay (Spark settings), e.g. conf/local.conf.")
  String config;

  @Parameter(names = "--master", description = "Spark master. Default: the configuration's default master.")
  String master;

  KindredConfig kindredConfig() {
    return BenchSpark.config(config == null ? null : Path.of(config));
  }

  SparkSession session(String app) {
    return BenchSpark.session(app, master, kindredConfig());
  }

  Lakehouse lake() {
    return BenchSpark.lake(lakehouse);
  }
}

package io.kindred.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindred.config.KindredConfig;
import io.kindred.jobs.cli.CommandLine;
import io.kindred.jobs.segments.SegmentSettings;
import io.kindred.segments.ClusteringAlgorithm;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The segment commands' options and configuration; none of these start Spark. */
class SegmentsCommandLineTest {

  private static CommandLine.Parsed parse(String... args) {
    return CommandLine.parse(Kindred.commands(), args);
  }

  @Test
  void theCommandsFollowBuildFeaturesInNightlyOrder() {
    List<String> names = Kindred.commands().stream().map(c -> c.name()).toList();
    int features = names.indexOf("build-features");
    // then the tools that read what the night wrote, then upkeep
    assertEquals(List.of("train-segments", "score-segments", "publish-audiences", "measure-audiences",
        "export-audience", "sql", "report", "runs", "vacuum", "forget"), names.subList(names.size() - 10,
        names.size()));
    assertTrue(features >= 0 && features < names.indexOf("train-segments"));
  }

  @Test
  void everyCommandLineChecksOut() {
    for (String[] args : List.of(
        new String[] {"--check-args", "train-segments", "--as-of", "2026-03-04", "--if-due", "--algorithm",
            "gaussian-mixture"},
        new String[] {"--check-args", "score-segments", "--run-date", "2026-03-04"},
        new String[] {"--check-args", "publish-audiences", "--run-date", "2026-03-04"},
        new String[] {"--check-args", "export-audience", "--run-date", "2026-03-04", "--audience", "rfm: champions",
            "--format", "parquet", "--out", "s3a://bucket/champions.parquet", "--overwrite"},
        new String[] {"--check-args", "export-audience", "--run-date", "2026-03-04", "--list"},
        new String[] {"--check-args", "measure-audiences", "--run-date", "2026-03-31", "--window", "14"})) {
      CommandLine.Parsed parsed = parse(args);
      assertEquals(CommandLine.OK, parsed.exitCode(), parsed.stderr());
      assertTrue(parsed.stdout().startsWith("ok: "), parsed.stdout());
    }
  }

  @Test
  void anUnknownAlgorithmIsAUsageErrorNamingTheChoices() {
    CommandLine.Parsed parsed = parse("train-segments", "--algorithm", "dbscan");

    assertEquals(CommandLine.USAGE, parsed.exitCode());
    assertTrue(parsed.stderr().startsWith("Error: --algorithm: Unknown clustering algorithm 'dbscan'; expected one of "
        + "[kmeans, bisecting-kmeans, gaussian-mixture]\n"), parsed.stderr());
  }

  @Test
  void anExportNeedsAnAudienceAnOutputAndAKnownFormat() {
    CommandLine.Parsed noAudience = parse("export-audience", "--out", "/tmp/x.csv");
    CommandLine.Parsed badFormat = parse("export-audience", "--audience", "a", "--out", "/tmp/x", "--format", "xlsx");
    CommandLine.Parsed listAndOut = parse("export-audience", "--list", "--out", "/tmp/x.csv");

    assertEquals(CommandLine.USAGE, noAudience.exitCode());
    assertTrue(noAudience.stderr().startsWith("Error: export-audience needs --audience and --out (--list shows the "
        + "audiences of a night)\n"), noAudience.stderr());
    assertEquals(CommandLine.USAGE, listAndOut.exitCode());
    assertTrue(listAndOut.stderr().startsWith("Error: --list prints the audiences of the run date; leave out "
        + "--audience and --out\n"), listAndOut.stderr());
    assertEquals(CommandLine.USAGE, badFormat.exitCode());
    assertTrue(badFormat.stderr().startsWith("Error: --format is 'xlsx'; expected csv or parquet\n"),
        badFormat.stderr());
  }

  @Test
  void theDefaultConfigurationReadsAndBadValuesAreNamed() {
    SegmentSettings defaults = SegmentSettings.from(KindredConfig.defaults());
    assertEquals(List.of("recency_days", "tenure_days", "purchase_days", "monetary_per_day", "influence", "followers"),
        defaults.features());
    assertEquals(ClusteringAlgorithm.KMEANS, defaults.algorithm());
    assertEquals(List.of("champions at risk of churn", "high value, likely to churn", "lapsed big spenders"),
        List.copyOf(defaults.filters().keySet()));

    IllegalArgumentException k = assertThrows(IllegalArgumentException.class, () -> SegmentSettings.from(
        KindredConfig.load(null, Map.of("kindred.segments.k-min", "9"))));
    assertEquals("kindred.segments.k-min = 9 and kindred.segments.k-max = 8; expected 2 <= k-min <= k-max",
        k.getMessage());
    IllegalArgumentException log = assertThrows(IllegalArgumentException.class, () -> SegmentSettings.from(
        KindredConfig.load(null, Map.of("kindred.segments.log-features", "purchase_days, clv"))));
    assertEquals("kindred.segments.log-features names [clv], which kindred.segments.features [recency_days, "
        + "tenure_days, purchase_days, monetary_per_day, influence, followers] does not list", log.getMessage());
    assertEquals(List.of("recency_days", "clv"), SegmentSettings.from(KindredConfig.load(null, Map.of(
        "kindred.segments.features", "recency_days,clv", "kindred.segments.log-features", ""))).features());
    IllegalArgumentException names = assertThrows(IllegalArgumentException.class, () -> SegmentSettings.from(
        KindredConfig.load(null, Map.of("kindred.segments.names.vip", "VIP"))));
    assertEquals("kindred.segments.names has the key 'vip'; expected segment ids (whole numbers), e.g. names { \"3\" "
        + "= \"VIP\" }", names.getMessage());
  }
}

package io.kindred.jobs;

import static io.kindred.testing.SilverFixtures.transaction;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindred.config.KindredConfig;
import io.kindred.jobs.cli.CommandLine;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.Location;
import io.kindred.lake.Tables;
import io.kindred.ops.RunMetrics;
import io.kindred.ops.Runs;
import io.kindred.testing.SharedSpark;
import io.kindred.testing.SilverFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs on record, as an operator meets them: a stage refuses a day whose upstream run failed, naming it, unless told
 * to go on; {@code kindred runs} lists every run with its status, shows a run whose process is gone as abandoned,
 * and records a run on another host as abandoned when told.
 */
class RunsOnRecordTest {

  private static final LocalDate DAY = LocalDate.of(2026, 3, 5);

  private final SparkSession spark = SharedSpark.session();

  private static int run(io.kindred.jobs.cli.KindredCommand command, KindredConfig config, ByteArrayOutputStream err) {
    return Kindred.run(command, SharedSpark.session(), config, new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  /** The rows {@code kindred runs} printed, each split into its columns (two or more spaces apart). */
  private List<List<String>> runsListed(KindredConfig config, String job) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RunsCommand runs = new RunsCommand().printTo(new PrintStream(out, true, StandardCharsets.UTF_8)).job(job);
    assertEquals(CommandLine.OK, run(runs, config, new ByteArrayOutputStream()));
    return out.toString(StandardCharsets.UTF_8).lines().map(l -> Arrays.asList(l.strip().split(" {2,}"))).toList();
  }

  @Test
  void aStageRefusesADayWhoseUpstreamFailedUnlessToldAndKindredRunsListsThem(@TempDir Path dir) throws Exception {
    KindredConfig config = KindredConfig.load(null, Map.of("kindred.lakehouse", dir.resolve("lake").toString()));
    Lakehouse lake = new Lakehouse(Location.parse(config.getString("lakehouse")));
    CleanTransactionsCommand clean = new CleanTransactionsCommand();
    clean.common().runDate(DAY);
    clean.clean().withInput(dir.resolve("no-such-feed").toString());
    assertEquals(CommandLine.FAILED, run(clean, config, new ByteArrayOutputStream()));
    Runs.Run failed = Runs.latest(spark, lake, "clean-transactions", DAY).orElseThrow();
    assertEquals("failed", failed.status());

    BuildFeaturesCommand features = new BuildFeaturesCommand();
    features.common().runDate(DAY);
    ByteArrayOutputStream refusal = new ByteArrayOutputStream();
    int refused = run(features, config, refusal);

    assertEquals(CommandLine.FAILED, refused);
    assertEquals("kindred build-features failed: The latest run of clean-transactions for 2026-03-05 is failed: "
        + failed.describe() + ": " + failed.message().lines().findFirst().orElseThrow() + ". build-features does "
        + "not use a day its upstream did not finish: rerun clean-transactions for 2026-03-05, or pass "
        + "--allow-unfinished-upstream to use what it left\n", refusal.toString(StandardCharsets.UTF_8));
    assertTrue(failed.message().startsWith("Input path "), failed.message());
    assertEquals("failed", Runs.latest(spark, lake, "build-features", DAY).orElseThrow().status());

    // told to go on, it runs on what silver holds (and fails on its own terms: three one-time buyers)
    lake.createIfNotExists(spark, Tables.SILVER_TRANSACTIONS);
    SilverFixtures.transactions(spark, List.of(transaction("t1", "A", DAY.minusDays(3), "10.00"),
        transaction("t2", "B", DAY.minusDays(2), "5.00"), transaction("t3", "C", DAY.minusDays(1), "7.00")))
        .write().format("delta").mode("append").save(lake.location(Tables.SILVER_TRANSACTIONS).uri());
    features.common().allowUnfinishedUpstream(true);
    ByteArrayOutputStream own = new ByteArrayOutputStream();
    assertEquals(CommandLine.FAILED, run(features, config, own));
    assertEquals("kindred build-features failed: bg_nbd needs at least 10 customers with a repeat purchase (x >= 1) "
        + "to identify the dropout process, got 0 of 3 customers\n", own.toString(StandardCharsets.UTF_8));

    // a run of this host whose process is gone, and one on another host, which cannot be checked
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    appendRunning(lake, new RunMetrics("score-segments", "killed-run", DAY, Instant.now()), Runs.thisHost(),
        ended.pid());
    appendRunning(lake, new RunMetrics("score-segments", "remote-run", DAY, Instant.now().plusSeconds(1)),
        "elsewhere", 42L);

    List<List<String>> listed = runsListed(config, null);
    assertEquals(List.of("started (UTC)", "job", "run date", "status", "duration", "run id", "host", "message"),
        listed.get(0));
    assertEquals(List.of("score-segments running", "score-segments abandoned", "build-features failed",
        "build-features failed", "clean-transactions failed"),
        listed.subList(1, listed.size()).stream().map(r -> r.get(1) + " " + r.get(3)).toList(),
        "newest first, a run whose process is gone shown as abandoned:\n" + listed);

    RunsCommand abandon = new RunsCommand().abandon("remote-run")
        .printTo(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertEquals(CommandLine.OK, run(abandon, config, new ByteArrayOutputStream()));
    List<List<String>> scoring = runsListed(config, "score-segments");
    assertEquals(List.of("abandoned", "abandoned"), scoring.subList(1, scoring.size()).stream().map(r -> r.get(3))
        .toList());
    assertEquals("recorded as abandoned by `kindred runs --abandon` on " + Runs.thisHost(),
        Runs.latest(spark, lake, "score-segments", DAY).orElseThrow().message());
  }

  private void appendRunning(Lakehouse lake, RunMetrics metrics, String host, long pid) {
    spark.createDataFrame(List.of(metrics.toRow(Runs.RUNNING, null, Map.of(), null, host, pid)),
        Tables.RUN_METRICS.schema()).write().format("delta").mode("append")
        .save(lake.location(Tables.RUN_METRICS).uri());
  }
}

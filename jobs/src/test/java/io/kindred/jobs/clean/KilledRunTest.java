package io.kindred.jobs.clean;

import static io.kindred.jobs.clean.CleanHarness.rows;
import static io.kindred.jobs.clean.CleanTransactionsJobTest.DAY1;
import static io.kindred.jobs.clean.CleanTransactionsJobTest.DAY1_LINES;
import static io.kindred.jobs.clean.CleanTransactionsJobTest.QUARANTINE_COLUMNS;
import static io.kindred.jobs.clean.CleanTransactionsJobTest.QUARANTINE_DAY1;
import static io.kindred.jobs.clean.CleanTransactionsJobTest.SILVER_COLUMNS;
import static io.kindred.jobs.clean.CleanTransactionsJobTest.SILVER_DAY1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindred.clean.Feed;
import io.kindred.config.KindredConfig;
import io.kindred.jobs.BuildFeaturesCommand;
import io.kindred.jobs.Kindred;
import io.kindred.jobs.cli.CommandLine;
import io.kindred.lake.Tables;
import io.kindred.ops.Runs;
import io.kindred.ops.Steps;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cleaning run killed with SIGKILL (kill -9) in a JVM of its own, the command line a data engineer runs, while it
 * writes silver and then, rerun, while it writes quarantine: every table stays readable at its previous or new
 * version, the run is shown abandoned, the next stage refuses the day, and a rerun gives exactly the rows an
 * uninterrupted run gives (the fixtures of {@link CleanTransactionsJobTest}). While the second runs, another run of
 * the same job and day is refused.
 */
class KilledRunTest {

  private static final String PAUSED = "paused (" + Steps.PAUSE_IN_STEP + " is set)";

  @TempDir
  Path dir;

  /** Starts clean-transactions for DAY1 in a child JVM, waits until it reaches {@code step}, and kills it -9. */
  private void killedAt(CleanHarness h, String step) throws Exception {
    killedAt(h, step, () -> { });
  }

  /** What the test does while the child waits at its step, alive. */
  private interface WhileAlive {
    void run() throws Exception;
  }

  private void killedAt(CleanHarness h, String step, WhileAlive whileAlive) throws Exception {
    Path log = dir.resolve("killed-" + step.replace('/', '_').replace(' ', '_') + ".log");
    Path overlay = dir.resolve("child.conf");
    Files.writeString(overlay, String.join("\n",
        "kindred.quarantine.max-rate = 1.0",
        "kindred.spark.conf {",
        "  \"spark.sql.shuffle.partitions\" = \"2\"",
        "  \"spark.ui.enabled\" = \"false\"",
        "}"));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-Xmx1g", "-D" + Steps.PAUSE_IN_STEP + "=" + step));
    command.addAll(Stream.of(System.getProperty("kindred.spark.jvm.flags", "").split(" "))
        .filter(s -> !s.isBlank()).toList());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.kindred.jobs.Kindred",
        "clean-transactions", "--input", h.raw("transactions").toString(), "--source",
        CleanTransactionsJobTest.SOURCE, "--run-date", DAY1.toString(), "--lakehouse", h.root.resolve("lake")
            .toString(), "--master", "local[2]", "--config", overlay.toString()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!(Files.exists(log) && Files.readString(log).contains(PAUSED))) {
      assertTrue(p.isAlive(), () -> "the job reaches step '" + step + "'; it ended first:\n" + tail(log));
      assertTrue(System.nanoTime() < deadline, () -> "the job reaches step '" + step + "' in 5 minutes:\n"
          + tail(log));
      Thread.sleep(200);
    }
    try {
      whileAlive.run();
    } finally {
      p.destroyForcibly(); // SIGKILL
    }
    assertTrue(p.waitFor(1, TimeUnit.MINUTES));
    assertEquals(137, p.exitValue(), "killed by SIGKILL");
  }

  private static String tail(Path log) {
    try {
      String text = Files.exists(log) ? Files.readString(log) : "";
      return text.substring(Math.max(0, text.length() - 4000));
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  @Test
  void aRunKilledWhileWritingIsAbandonedItsDayRefusedDownstreamAndARerunGivesTheUninterruptedResult()
      throws Exception {
    CleanHarness h = new CleanHarness(dir);
    h.write("transactions/2026-03-01/transactions-2026-03-01-00000.csv", DAY1_LINES);
    h.write("fx_rates/2026-03-01/fx_rates-2026-03-01-00000.csv", "date,currency,rate_to_usd",
        "2026-03-01,USD,1", "2026-03-01,EUR,1.10", "2026-03-01,JPY,0.0067");

    killedAt(h, "write " + Tables.SILVER_TRANSACTIONS.relativePath());

    assertEquals(0, h.lake.readOrEmpty(h.spark, Tables.SILVER_TRANSACTIONS).count(), "silver at its previous version");
    Runs.Run first = Runs.latest(h.spark, h.lake, "clean-transactions", DAY1).orElseThrow();
    assertEquals(Runs.RUNNING, first.status(), "as stored: nothing ran after it yet");
    assertEquals(Runs.ABANDONED, first.seenStatus());
    assertTrue(Files.isDirectory(h.lake.staging(first.runId()).toLocalPath()),
        "the killed run's staging folder is left behind");

    // the next stage refuses the day
    BuildFeaturesCommand features = new BuildFeaturesCommand();
    features.common().runDate(DAY1);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Kindred.run(features, h.spark, KindredConfig.load(null, Map.of("kindred.lakehouse",
        h.root.resolve("lake").toString())), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(CommandLine.FAILED, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("kindred build-features failed: The latest run of "
        + "clean-transactions for 2026-03-01 is abandoned: " + first.describe() + ". build-features does not use a "
        + "day its upstream did not finish"), err.toString(StandardCharsets.UTF_8));

    // rerun, killed while writing quarantine; while it waits there, alive, a third run of the same job and day is
    // refused at once, naming it
    Runs.Run[] second = new Runs.Run[1];
    killedAt(h, "write " + Tables.QUARANTINE_TRANSACTIONS.relativePath(), () -> {
      second[0] = Runs.latest(h.spark, h.lake, "clean-transactions", DAY1).orElseThrow();
      IllegalStateException refused = assertThrows(IllegalStateException.class, () -> h.clean(Feed.TRANSACTIONS,
          CleanTransactionsJobTest.SOURCE, h.raw("transactions"), DAY1, DAY1));
      assertEquals("Another clean-transactions is running on this lakehouse: " + second[0].describe() + "; one run "
          + "of a job at a time. Wait for it, or, if it is gone, record it as abandoned with `kindred runs --abandon "
          + second[0].runId() + "`", refused.getMessage());
      assertEquals(List.of("failed", "running", "abandoned"), Runs.recent(h.spark, h.lake, "clean-transactions", 10)
          .stream().map(Runs.Run::status).toList(), "the second run recorded the first as abandoned when it started");
    });

    // silver holds the day, its quarantine does not yet
    assertEquals(SILVER_DAY1, rows(h.table(Tables.SILVER_TRANSACTIONS), SILVER_COLUMNS));
    assertEquals(0, h.lake.readOrEmpty(h.spark, Tables.QUARANTINE_TRANSACTIONS).count());
    assertEquals(List.of("failed", "abandoned", "abandoned"), Runs.recent(h.spark, h.lake, "clean-transactions", 10)
        .stream().map(Runs.Run::seenStatus).toList());

    // a rerun: exactly the uninterrupted result, and the second killed run recorded too
    h.clean(Feed.TRANSACTIONS, CleanTransactionsJobTest.SOURCE, h.raw("transactions"), DAY1, DAY1);

    assertEquals(SILVER_DAY1, rows(h.table(Tables.SILVER_TRANSACTIONS), SILVER_COLUMNS));
    assertEquals(QUARANTINE_DAY1, rows(h.table(Tables.QUARANTINE_TRANSACTIONS), QUARANTINE_COLUMNS));
    assertEquals(List.of("succeeded", "failed", "abandoned", "abandoned"), Runs.recent(h.spark, h.lake,
        "clean-transactions", 10).stream().map(Runs.Run::status).toList());
    assertFalse(Files.exists(h.lake.staging(second[0].runId()).toLocalPath()),
        "the rerun deleted what the killed run staged");
  }
}
